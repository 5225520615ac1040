import type { RecipeVersionInfo } from '../../../common/api';

/** Every version of the recipe, newest first: band, golden count, who made it and when. */
export function VersionTable({ versions }: { versions: readonly RecipeVersionInfo[] }) {
  return (
    <table className="versions" data-testid="recipe-versions">
      <thead>
        <tr>
          <th>Version</th>
          <th>T1</th>
          <th>T2</th>
          <th>Golden</th>
          <th>By</th>
          <th>When</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.version}>
            <td>v{v.version}</td>
            <td className="num">{v.band.t1.toFixed(3)}</td>
            <td className="num">{v.band.t2.toFixed(3)}</td>
            <td className="num">{v.goldenCount}</td>
            <td>{v.createdBy}</td>
            <td>{new Date(v.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
