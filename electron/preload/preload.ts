import { contextBridge, ipcRenderer } from 'electron';
import { PRELOAD_GLOBAL } from '../../common/preload-api';
import { createPreloadApi } from './preload-api';

// Runs in the sandboxed renderer before the page: bundled to CommonJS (scripts/build-electron.ts),
// because a sandboxed preload can only `require('electron')`.
const api = createPreloadApi(ipcRenderer);
contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, api);

export type MyriadApi = typeof api;
