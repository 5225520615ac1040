import type { StationClient } from '../../../common/api';

/** Thumbnails of the golden set, served by the host's blob URLs. */
export function GoldenGrid({ client, golden }: { client: StationClient; golden: ReadonlyArray<{ sha256: string; name: string }> }) {
  return (
    <div className="golden-grid" data-testid="golden-grid">
      {golden.map((g) => (
        <figure key={g.sha256} title={`${g.name} · ${g.sha256}`}>
          <img src={client.imageUrl(g.sha256)} alt={g.name} loading="lazy" />
          <figcaption>{g.name}</figcaption>
        </figure>
      ))}
    </div>
  );
}
