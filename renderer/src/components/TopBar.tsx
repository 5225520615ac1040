import type { RecipeSummary, StationStatus } from '../../../common/api';
import { useContext } from 'react';
import { useT } from '../i18n/I18nProvider';
import { AccountSlot } from '../login/account-slot';
import { LineIndicator } from '../line/LineIndicator';
import type { ConnectionState } from '../transport/ws-client';
import { ConnectionBadge } from './ConnectionStatus';
import { ScreenNav } from './ScreenNav';

interface Props {
  status: StationStatus | null;
  recipes: RecipeSummary[];
  recipe: string | null;
  onRecipe: (name: string) => void;
  connection: ConnectionState;
}

export function TopBar({ status, recipes, recipe, onRecipe, connection }: Props) {
  const { t } = useT();
  return (
    <header className="topbar">
      <div className="brand">
        MYRIAD <span>STATION</span>
      </div>
      <ScreenNav current="inspect" />
      <label className="field inline">
        <span>{t('topbar.recipe')}</span>
        <select data-testid="recipe-select" value={recipe ?? ''} onChange={(e) => onRecipe(e.target.value)}>
          {recipe === null && <option value="">{t('topbar.noRecipe')}</option>}
          {recipes.map((r) => (
            <option key={r.name} value={r.name}>
              {t('topbar.recipeOption', { name: r.name, version: r.version, expert: r.expert })}
            </option>
          ))}
        </select>
      </label>
      <div className="host-facts">
        {status && (
          <>
            <span title={t('topbar.device')}>{status.device.active.toUpperCase()}</span>
            <span title={t('topbar.dialogModel')}>{status.lmm ? `${status.lmm.name} ${status.lmm.version}` : t('topbar.noDialogModel')}</span>
          </>
        )}
        <LineIndicator />
        <ConnectionBadge connection={connection} />
        {useContext(AccountSlot)}
      </div>
    </header>
  );
}
