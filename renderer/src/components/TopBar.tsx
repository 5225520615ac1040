import type { RecipeSummary, StationStatus } from '../../../common/api';
import { useContext } from 'react';
import { AccountSlot } from '../login/account-slot';
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
  return (
    <header className="topbar">
      <div className="brand">
        MYRIAD <span>STATION</span>
      </div>
      <ScreenNav current="inspect" />
      <label className="field inline">
        <span>Recipe</span>
        <select data-testid="recipe-select" value={recipe ?? ''} onChange={(e) => onRecipe(e.target.value)}>
          {recipe === null && <option value="">No recipe</option>}
          {recipes.map((r) => (
            <option key={r.name} value={r.name}>
              {r.name} · v{r.version} · {r.expert}
            </option>
          ))}
        </select>
      </label>
      <div className="host-facts">
        {status && (
          <>
            <span title="Execution device">{status.device.active.toUpperCase()}</span>
            <span title="Dialog model">{status.lmm ? `${status.lmm.name} ${status.lmm.version}` : 'no dialog model'}</span>
          </>
        )}
        <ConnectionBadge connection={connection} />
        {useContext(AccountSlot)}
      </div>
    </header>
  );
}
