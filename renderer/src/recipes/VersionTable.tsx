import type { RecipeVersionInfo } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import { describeExpertOptions } from './expert-options-form';

/**
 * Every version of the recipe, newest first: band, golden count, the expert options it was fitted
 * with (a refit with another working size or tiles is a version of its own), who made it and when.
 */
export function VersionTable({ versions }: { versions: readonly RecipeVersionInfo[] }) {
  const translator = useT();
  const { t, num, dateTime } = translator;
  return (
    <table className="versions" data-testid="recipe-versions">
      <thead>
        <tr>
          <th>{t('versions.version')}</th>
          <th>T1</th>
          <th>T2</th>
          <th>{t('versions.golden')}</th>
          <th>{t('recipes.options')}</th>
          <th>{t('versions.by')}</th>
          <th>{t('versions.when')}</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.version}>
            <td>{t('common.version', { version: v.version })}</td>
            <td className="num">{num(v.band.t1, 3)}</td>
            <td className="num">{num(v.band.t2, 3)}</td>
            <td className="num">{v.goldenCount}</td>
            <td data-testid="recipe-version-options">{describeExpertOptions(v.expertOptions, translator)}</td>
            <td>{v.createdBy}</td>
            <td>{dateTime(v.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
