import type { InspectionSummary, StationClient } from '../../../common/api';

interface Props {
  client: StationClient;
  online: boolean;
  items: InspectionSummary[];
  currentId: string | null;
  onOpen: (id: string) => void;
}

export function RecentStrip({ client, online, items, currentId, onOpen }: Props) {
  return (
    <section className="recent" aria-label="Recent inspections">
      <h2>Recent</h2>
      <ol>
        {items.length === 0 && <li className="muted">{online ? 'No inspections yet.' : 'The station host is offline.'}</li>}
        {items.map((i) => (
          <li key={i.id}>
            <button
              type="button"
              className={`recent-item${i.id === currentId ? ' current' : ''}`}
              data-verdict={i.verdict}
              data-testid="recent-item"
              onClick={() => onOpen(i.id)}
              title={`${i.recipe} · ${i.createdAt}`}
            >
              <img src={client.imageUrl(i.imageSha256)} alt="" />
              <span className="recent-verdict">{i.verdict.toUpperCase()}</span>
              <span className="recent-score">{i.score.toFixed(2)}</span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
