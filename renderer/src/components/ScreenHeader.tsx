import { useContext } from 'react';
import { AccountSlot } from '../login/account-slot';
import { LineIndicator } from '../line/LineIndicator';
import type { ConnectionState } from '../transport/ws-client';
import { ConnectionBadge } from './ConnectionStatus';
import { ScreenNav, type ScreenId } from './ScreenNav';

/** The top bar of the screens that are not Inspect: brand, navigation, connection. */
export function ScreenHeader({ current, connection }: { current: ScreenId; connection: ConnectionState }) {
  return (
    <header className="topbar">
      <div className="brand">
        MYRIAD <span>STATION</span>
      </div>
      <ScreenNav current={current} />
      <div className="host-facts">
        <LineIndicator />
        <ConnectionBadge connection={connection} />
        {useContext(AccountSlot)}
      </div>
    </header>
  );
}
