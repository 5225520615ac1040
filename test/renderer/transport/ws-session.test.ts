import { describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../../common/api';
import { StationError } from '../../../common/errors';
import type { ServedHost } from '../../../host/server/station-host';
import type { WsClient } from '../../../renderer/src/transport/ws-client';
import { useServedWsClient } from '../../support/served-ws-client';

/** Records the session each call arrived with; signs in with a fixed token. */
class SessionHost implements ServedHost {
  readonly seen: Array<[string, string | undefined]> = [];
  async call(method: string, _params: unknown, ctx: { session?: string } = {}): Promise<unknown> {
    this.seen.push([method, ctx.session]);
    if (method === 'auth.login') return { token: 'tok-1', user: 'erin', role: 'engineer', idleLockMs: 1000 };
    if (method === 'auth.logout') return { signedOut: true };
    return {};
  }
  on<E extends EventName>(_event: E, _listener: (payload: Events[E]) => void): () => void {
    return () => undefined;
  }
  disconnect(): void {}
  blobPath(sha256: string): string {
    throw new StationError('NOT_FOUND', `No blob ${sha256}`);
  }
  async exportFile(id: string): Promise<never> {
    throw new StationError('NOT_FOUND', `No export ${id}`);
  }
}

let client: WsClient;
const host = new SessionHost();
useServedWsClient({ prefix: 'myriad-wssession-', host }, (made) => ({ client } = made));

describe('ws-client sessions', () => {
  it('carries the token from auth.login on later calls and drops it after auth.logout', async () => {
    await client.call('recipes.list', {});
    await client.call('auth.login', { name: 'erin', password: 'engineer-pass-1' });
    await client.call('recipes.list', {});
    await client.call('auth.logout', {});
    await client.call('recipes.list', {});
    expect(host.seen).toEqual([
      ['recipes.list', undefined],
      ['auth.login', undefined],
      ['recipes.list', 'tok-1'],
      ['auth.logout', 'tok-1'],
      ['recipes.list', undefined],
    ]);
  });
});
