import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { blobUrl, type IpcReply } from '../../../common/preload-api';
import { IPC_SAVE_EXPORT_CHANNEL } from '../../../electron/channels';
import { saveExportForSender, type ChooseTarget } from '../../../electron/main/export-save';
import { dispatchIpcCall } from '../../../electron/main/ipc-dispatch';
import { createBlobProtocolHandler } from '../../../electron/main/protocol-handlers';
import type { IpcSender } from '../../../electron/main/sender';
import { createPreloadApi, type RendererIpc } from '../../../electron/preload/preload-api';
import type { Station } from '../../../host/station';
import { createIpcClient } from '../../../renderer/src/transport/ipc-client';
import { PASSWORDS, stationWithUsers } from '../../host/accounts/users-fixture';

/**
 * The desktop's way to an export, over a real station host: the save-export IPC checks the window's
 * signed-in session like `serve`'s GET /exports/<id>, and the blob protocol never serves an export.
 */
const sender = (webContentsId: number): IpcSender => ({ webContentsId, frameUrl: 'myriad-app://app/index.html', isMainFrame: true });
const SUPERVISOR = sender(201);
const OPERATOR = sender(202);
const ANONYMOUS = sender(203);
const WINDOWS = new Set([201, 202, 203]);

let station: Station;
let cleanup: () => Promise<void>;
let out: string;
let exported: ExportResult;

async function ipc(from: IpcSender, method: 'auth.login' | 'reports.export', params: unknown): Promise<unknown> {
  const reply = await dispatchIpcCall(station, method, params, from, WINDOWS);
  if (!reply.ok) throw new StationError(reply.error.code, reply.error.message);
  return reply.result;
}

const into =
  (folder: string): ChooseTarget =>
  async (fileName) =>
    join(folder, fileName);

beforeAll(async () => {
  ({ station, cleanup } = await stationWithUsers());
  out = await mkdtemp(join(tmpdir(), 'myriad-save-export-'));
  await ipc(SUPERVISOR, 'auth.login', { name: 'supervisor1', password: PASSWORDS.supervisor });
  await ipc(OPERATOR, 'auth.login', { name: 'operator1', password: PASSWORDS.operator });
  exported = (await ipc(SUPERVISOR, 'reports.export', { filter: {}, format: 'csv' })) as ExportResult;
});

afterAll(async () => {
  await cleanup();
  await rm(out, { recursive: true, force: true });
});

describe('saving an export in the desktop app', () => {
  it('copies the export where the supervisor chose, under its file name', async () => {
    const reply = await saveExportForSender(station, exported.id, SUPERVISOR, WINDOWS, into(out));
    const target = join(out, exported.fileName);
    expect(reply).toEqual({ ok: true, result: { savedTo: target } });
    expect((await readFile(target)).equals(await readFile(exported.path))).toBe(true);
    expect(await saveExportForSender(station, exported.id, SUPERVISOR, WINDOWS, async () => null)).toEqual({ ok: true, result: { savedTo: null } });
  });

  it('refuses the operator, the anonymous station operator and a foreign frame before asking where to save', async () => {
    let asked = 0;
    const choose: ChooseTarget = async (fileName) => {
      asked++;
      return join(out, `refused-${fileName}`);
    };
    for (const from of [OPERATOR, ANONYMOUS, { ...SUPERVISOR, frameUrl: 'https://example.com/' }]) {
      const reply = await saveExportForSender(station, exported.id, from, WINDOWS, choose);
      expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(asked).toBe(0);
    expect(await saveExportForSender(station, 'not-an-id', SUPERVISOR, WINDOWS, choose)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('is not served through the blob protocol', async () => {
    const blob = createBlobProtocolHandler((sha) => station.blobPath(sha));
    expect((await blob(new Request(blobUrl(exported.sha256)))).status).toBe(404);
  });

  it('works from the renderer through the preload API and the IPC client', async () => {
    const route = (from: IpcSender, folder: string): RendererIpc => ({
      invoke: async (channel: string, id: unknown): Promise<IpcReply> => {
        if (channel !== IPC_SAVE_EXPORT_CHANNEL) throw new Error(`unexpected channel ${channel}`);
        return saveExportForSender(station, id, from, WINDOWS, into(folder));
      },
      on: () => undefined,
      removeListener: () => undefined,
    });
    const folder = await mkdtemp(join(out, 'client-'));
    await createIpcClient(createPreloadApi(route(SUPERVISOR, folder))).downloadExport(exported);
    expect((await readFile(join(folder, exported.fileName))).equals(await readFile(exported.path))).toBe(true);
    const refused = await createIpcClient(createPreloadApi(route(OPERATOR, folder)))
      .downloadExport(exported)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StationError);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: 'reports.export needs a supervisor; your role is operator' });
  });
});
