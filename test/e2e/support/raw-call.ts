import type { Page } from 'playwright-core';

/** A raw call from inside the page over its own WebSocket (the token cookie authorises it), as a tampered UI would send it. */
export function rawCall(p: Page, method: string, params: unknown, session: string | null): Promise<{ result?: unknown; error?: { code: string; message: string } }> {
  return p.evaluate(
    ({ method, params, session }) =>
      new Promise((resolve) => {
        const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws`);
        ws.onopen = () => ws.send(JSON.stringify(session ? { id: 1, method, params, session } : { id: 1, method, params }));
        // Events may come first on a fresh connection: wait for the reply to this call.
        ws.onmessage = (e) => {
          const message = JSON.parse(String(e.data)) as { id?: unknown; result?: unknown; error?: { code: string; message: string } };
          if (message.id !== 1) return;
          resolve(message);
          ws.close();
        };
      }),
    { method, params, session },
  );
}
