import type { InspectionSummary, StationClient } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  online: boolean;
  items: InspectionSummary[];
  currentId: string | null;
  onOpen: (id: string) => void;
}

export function RecentStrip({ client, online, items, currentId, onOpen }: Props) {
  const { t, num, dateTime } = useT();
  return (
    <section className="recent" aria-label={t('recent.label')}>
      <h2>{t('recent.title')}</h2>
      <ol>
        {items.length === 0 && <li className="muted">{online ? t('recent.none') : t('common.hostOfflineSentence')}</li>}
        {items.map((i) => (
          <li key={i.id}>
            <button
              type="button"
              className={`recent-item${i.id === currentId ? ' current' : ''}`}
              data-verdict={i.verdict}
              data-testid="recent-item"
              onClick={() => onOpen(i.id)}
              title={`${i.recipe} · ${dateTime(i.createdAt)}`}
            >
              <img src={client.imageUrl(i.imageSha256)} alt="" />
              <span className="recent-verdict">{t(`verdict.${i.verdict}`)}</span>
              <span className="recent-score">{num(i.score, 2)}</span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
