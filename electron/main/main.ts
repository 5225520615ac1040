import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, type IpcMainInvokeEvent } from 'electron';
import { EVENT_NAMES, type RecipeSummary } from '../../common/api';
import { StationError } from '../../common/errors';
import { BLOB_SCHEME } from '../../common/preload-api';
import { demoCameraSpec, demoDefaults } from '../../host/demo/seed';
import { defaultDataDir } from '../../host/paths';
import { onnxExpertBackend } from '../../host/recipes/onnx-expert-backend';
import { openStation, type Station } from '../../host/station';
import { IPC_CALL_CHANNELS, IPC_EVENT_CHANNEL, IPC_SAVE_EXPORT_CHANNEL } from '../channels';
import { APP_SCHEME, appEntryUrl } from './app-origin';
import { saveExportForSender } from './export-save';
import { dispatchIpcCall, endPage, forgetWindowSession } from './ipc-dispatch';
import { electronPdfRenderer } from './pdf-window';
import { isPermissionGranted } from './permissions';
import { createAppProtocolHandler, createBlobProtocolHandler } from './protocol-handlers';
import { shellResources, type ShellResources } from './resources';
import { parseShellArgs } from './shell-args';
import { appWindowOptions } from './window-options';

/**
 * The Electron main process: a thin shell around the station host. Everything it decides is in the
 * electron-free modules next to it (tested under plain Node); this file only wires them to Electron.
 */

// Must happen before `ready`: both schemes behave like https (secure context, fetch, CORS).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  { scheme: BLOB_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
]);
app.enableSandbox();

const appWindowIds = new Set<number>();

function hardenContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    // A single-page app: the renderer never navigates, and never opens windows or webviews.
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

function hardenSession(ses: Electron.Session): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : undefined;
    callback(isPermissionGranted({ permission, requestingUrl: details.requestingUrl, ...(mediaTypes ? { mediaTypes } : {}) }));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionGranted({
      permission,
      requestingUrl: requestingOrigin,
      ...(details.mediaType ? { mediaTypes: [details.mediaType] } : {}),
    }),
  );
  ses.setDevicePermissionHandler(() => false);
  // Offline by design: nothing the renderer does may reach the network.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) =>
    callback({ cancel: true }),
  );
}

function senderOf(event: IpcMainInvokeEvent) {
  const frame = event.senderFrame;
  return {
    webContentsId: event.sender.id,
    frameUrl: frame ? frame.url : null,
    isMainFrame: frame !== null && frame === event.sender.mainFrame,
  };
}

/** The save dialog for an export, over the window that asked; null when the user cancels. */
async function chooseExportTarget(event: IpcMainInvokeEvent, fileName: string): Promise<string | null> {
  const win = BrowserWindow.fromWebContents(event.sender);
  const options = { defaultPath: join(app.getPath('downloads'), fileName) };
  const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  return choice.canceled || !choice.filePath ? null : choice.filePath;
}

function createWindow(station: Station, resources: ShellResources, entryUrl: string): BrowserWindow {
  const win = new BrowserWindow(appWindowOptions(resources.preload));
  const id = win.webContents.id;
  appWindowIds.add(id);
  // A page that is replaced or dies leaves its camera sessions behind unless the host is told.
  // did-navigate fires once the new page has committed, before any of its IPC calls arrive.
  const pageGone = () => station.disconnect(endPage(id));
  win.webContents.on('did-navigate', pageGone);
  win.webContents.on('render-process-gone', pageGone);
  win.webContents.on('destroyed', pageGone);
  win.on('closed', () => {
    appWindowIds.delete(id);
    forgetWindowSession(id);
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(entryUrl);
  return win;
}

async function start(): Promise<void> {
  const options = parseShellArgs(process.argv);
  await app.whenReady();
  const resources = shellResources({ appPath: app.getAppPath(), resourcesPath: process.resourcesPath, isPackaged: app.isPackaged });
  const dataDir = options.dataDir ?? defaultDataDir();
  const lmmDir = join(resources.nativeModelsDir, 'myriad-s');
  // The host cannot find these itself: inside the bundle, import.meta.url points into dist/.
  const station = await openStation({
    dataDir,
    device: options.device,
    experts: onnxExpertBackend({ dataDir, device: options.device }),
    lmmDir: existsSync(lmmDir) ? lmmDir : null,
    cameraSources: [demoCameraSpec(resources.demoAssetsDir)],
    pdfRenderer: electronPdfRenderer(),
  });
  const demo = await station.seedDemoIfEmpty({ assetsDir: resources.demoAssetsDir });
  if (!demo.seeded) console.warn(`Demo recipe not created: ${demo.reason}`);

  hardenContents();
  const ses = session.defaultSession;
  hardenSession(ses);
  ses.protocol.handle(APP_SCHEME, createAppProtocolHandler(resources.rendererDir));
  ses.protocol.handle(BLOB_SCHEME, createBlobProtocolHandler((sha) => station.blobPath(sha)));

  for (const { method, channel } of IPC_CALL_CHANNELS) {
    ipcMain.handle(channel, (event, params: unknown) =>
      dispatchIpcCall(station, method, params, senderOf(event), appWindowIds),
    );
  }
  ipcMain.handle(IPC_SAVE_EXPORT_CHANNEL, (event, id: unknown) =>
    saveExportForSender(station, id, senderOf(event), appWindowIds, (fileName) => chooseExportTarget(event, fileName)),
  );
  for (const name of EVENT_NAMES) {
    station.on(name, (payload) => {
      for (const win of BrowserWindow.getAllWindows()) {
        if (appWindowIds.has(win.webContents.id)) win.webContents.send(IPC_EVENT_CHANNEL, { event: name, payload });
      }
    });
  }

  const recipes = (await station.call('recipes.list', {})) as RecipeSummary[];
  const entryUrl = appEntryUrl(demoDefaults(recipes, resources.demoAssetsDir));
  createWindow(station, resources, entryUrl);
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(station, resources, entryUrl);
  });
  app.on('window-all-closed', () => app.quit());
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closed = true;
    station.close().finally(() => app.quit());
  });
}

if (!app.requestSingleInstanceLock()) {
  // A second launch would open a second host on the same database: hand over to the first one.
  app.quit();
} else {
  start().catch((err: unknown) => {
    const message = err instanceof StationError ? err.message : String(err instanceof Error ? (err.stack ?? err.message) : err);
    dialog.showErrorBox('Myriad Station could not start', message);
    app.exit(err instanceof StationError && err.code === 'INVALID_INPUT' ? 2 : 1);
  });
}
