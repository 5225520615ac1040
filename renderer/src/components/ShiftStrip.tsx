import type { ShiftCounters } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

interface Props {
  counters: ShiftCounters | null;
}

/** The shift in progress at a glance: parts, each verdict in force, and the share that passed. */
export function ShiftStrip({ counters }: Props) {
  const { t, num, dateTime } = useT();
  if (counters === null) {
    return (
      <section className="shift-strip" data-testid="shift-counters" data-state="loading" aria-label={t('shift.label')}>
        <span className="muted">{t('common.loading')}</span>
      </section>
    );
  }
  const { shift } = counters;
  const count = (id: string, label: string, value: number, verdict?: string) => (
    <span className="shift-count" data-testid={`shift-${id}`} data-count={value} data-verdict={verdict}>
      <span className="shift-count-label">{label}</span>
      <b>{num(value)}</b>
    </span>
  );
  return (
    <section className="shift-strip" data-testid="shift-counters" data-state="counted" data-shift={shift.label} aria-label={t('shift.label')}>
      <span className="shift-name" data-testid="shift-name" title={t('shift.window', { start: dateTime(shift.start), end: dateTime(shift.end) })}>
        {t('shift.name', { name: shift.name })}
      </span>
      {count('parts', t('shift.parts'), counters.parts)}
      {count('pass', t('verdict.pass'), counters.pass, 'pass')}
      {count('fail', t('verdict.fail'), counters.fail, 'fail')}
      {count('review', t('verdict.review'), counters.review, 'review')}
      {count('decided', t('shift.decided'), counters.decided)}
      <span className="shift-count" data-testid="shift-yield" data-yield={counters.yield ?? ''}>
        <span className="shift-count-label">{t('shift.yield')}</span>
        <b>{counters.yield === null ? t('common.na') : t('shift.yieldValue', { percent: num(counters.yield * 100, 1) })}</b>
      </span>
    </section>
  );
}
