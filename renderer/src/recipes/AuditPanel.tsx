import { useEffect, useEffectEvent, useState } from 'react';
import type { AuditEntryInfo, AuditVerification, StationClient } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import { auditSubjectText } from './audit-subject';

interface Props {
  client: StationClient;
  /** Changes to the audit log show up after a save: reload when this changes. */
  revision: number;
  report: (err: unknown) => void;
}

/** Who changed what and when (supervisors and admins), with a check of the hash chain. */
export function AuditPanel({ client, revision, report }: Props) {
  const [rows, setRows] = useState<AuditEntryInfo[]>([]);
  const [check, setCheck] = useState<AuditVerification | null>(null);
  const tr = useT();
  const { t, plural, dateTime } = tr;
  // Not a dependency of the read: a caller's new `report` at each render would ask the host again
  // at each render.
  const reportRead = useEffectEvent(report);
  useEffect(() => {
    client.call('audit.list', { limit: 50 }).then(setRows, reportRead);
  }, [client, revision]);

  async function verify() {
    try {
      setCheck(await client.call('audit.verify', {}));
    } catch (err) {
      report(err);
    }
  }

  return (
    <section className="panel recipe-audit" data-testid="audit-panel">
      <div className="panel-head">
        <h2>{t('audit.title')}</h2>
        <span className="row">
          {check && (
            <span className={check.ok ? 'saved' : 'login-error'} data-testid="audit-check">
              {check.ok
                ? plural('audit.intact', check.rows)
                : check.firstBrokenSeq !== null
                  ? t('audit.brokenAt', { seq: check.firstBrokenSeq })
                  : (check.anchorProblem ?? t('audit.broken'))}
            </span>
          )}
          <button className="small" onClick={verify} data-testid="audit-verify">
            {t('audit.verify')}
          </button>
        </span>
      </div>
      <table className="versions" data-testid="audit-rows">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('audit.col.when')}</th>
            <th>{t('audit.col.who')}</th>
            <th>{t('audit.col.what')}</th>
            <th>{t('audit.col.subject')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.seq} title={JSON.stringify(r.details)}>
              <td className="num">{r.seq}</td>
              <td>{dateTime(r.at)}</td>
              <td>{r.actor}</td>
              <td>{r.action}</td>
              <td title={r.subject} data-testid="audit-subject">
                {auditSubjectText(tr, r)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
