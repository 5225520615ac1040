/**
 * A recording stand-in for the `electron` module, bundled into a test build of the main process
 * (the Electron binary cannot run here). It records what main.ts asks of Electron, in order, and
 * hands the test the callbacks main.ts registers so it can drive them like Electron would.
 * The recorder lives on globalThis because the bundle and the test are separate module graphs.
 */
type Listener = (...args: unknown[]) => unknown;

export interface FakeWebContents {
  id: number;
  mainFrame: { url: string };
  sent: Array<[string, unknown]>;
  send(channel: string, payload: unknown): void;
  windowOpenHandler: Listener | null;
  setWindowOpenHandler(handler: Listener): void;
  listeners: Map<string, Listener[]>;
  on(event: string, listener: Listener): void;
}

export interface FakeWindow {
  options: Record<string, unknown>;
  webContents: FakeWebContents;
  loaded: string[];
  loadURL(url: string): Promise<void>;
  on(event: string, listener: Listener): void;
  once(event: string, listener: Listener): void;
  show(): void;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}

export interface ElectronRecord {
  log: string[];
  privilegedSchemes: unknown[];
  appListeners: Map<string, Listener[]>;
  ipcHandlers: Map<string, Listener>;
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  permissionRequestHandler: Listener | null;
  permissionCheckHandler: Listener | null;
  devicePermissionHandler: Listener | null;
  beforeRequest: { filter: { urls: string[] }; listener: Listener } | null;
  windows: FakeWindow[];
  errorBoxes: Array<[string, string]>;
  exitCode: number | null;
  quitCalls: number;
  newWebContents(): FakeWebContents;
}

let nextId = 1;
function webContents(): FakeWebContents {
  const wc: FakeWebContents = {
    id: nextId++,
    mainFrame: { url: '' },
    sent: [],
    send(channel, payload) {
      wc.sent.push([channel, payload]);
    },
    windowOpenHandler: null,
    setWindowOpenHandler(handler) {
      wc.windowOpenHandler = handler;
    },
    listeners: new Map(),
    on(event, listener) {
      wc.listeners.set(event, [...(wc.listeners.get(event) ?? []), listener]);
    },
  };
  return wc;
}

const record: ElectronRecord = {
  log: [],
  privilegedSchemes: [],
  appListeners: new Map(),
  ipcHandlers: new Map(),
  protocolHandlers: new Map(),
  permissionRequestHandler: null,
  permissionCheckHandler: null,
  devicePermissionHandler: null,
  beforeRequest: null,
  windows: [],
  errorBoxes: [],
  exitCode: null,
  quitCalls: 0,
  newWebContents: webContents,
};
(globalThis as { __fakeElectron?: ElectronRecord }).__fakeElectron = record;

function emitApp(event: string, ...args: unknown[]): void {
  for (const l of record.appListeners.get(event) ?? []) l(...args);
}

export const app = {
  enableSandbox() {
    record.log.push('app.enableSandbox');
  },
  requestSingleInstanceLock() {
    return true;
  },
  whenReady() {
    record.log.push('app.whenReady');
    return Promise.resolve();
  },
  getAppPath() {
    return process.cwd();
  },
  isPackaged: false,
  on(event: string, listener: Listener) {
    record.appListeners.set(event, [...(record.appListeners.get(event) ?? []), listener]);
  },
  quit() {
    record.quitCalls++;
    emitApp('before-quit', { preventDefault: () => record.log.push('before-quit prevented') });
  },
  exit(code: number) {
    record.exitCode = code;
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]) {
    record.log.push('protocol.registerSchemesAsPrivileged');
    record.privilegedSchemes.push(...schemes);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: Listener) {
      record.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: Listener) {
      record.permissionCheckHandler = handler;
    },
    setDevicePermissionHandler(handler: Listener) {
      record.devicePermissionHandler = handler;
    },
    webRequest: {
      onBeforeRequest(filter: { urls: string[] }, listener: Listener) {
        record.beforeRequest = { filter, listener };
      },
    },
    protocol: {
      handle(scheme: string, handler: (request: Request) => Promise<Response>) {
        record.protocolHandlers.set(scheme, handler);
      },
    },
  },
};

export const ipcMain = {
  handle(channel: string, listener: Listener) {
    if (record.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    record.ipcHandlers.set(channel, listener);
  },
};

export const dialog = {
  showErrorBox(title: string, content: string) {
    record.errorBoxes.push([title, content]);
  },
};

export class BrowserWindow {
  static getAllWindows(): FakeWindow[] {
    return record.windows;
  }
  readonly options: Record<string, unknown>;
  readonly webContents = webContents();
  readonly loaded: string[] = [];
  constructor(options: Record<string, unknown>) {
    this.options = options;
    record.windows.push(this);
    emitApp('web-contents-created', {}, this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
  }
  on(): void {}
  once(): void {}
  show(): void {}
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}
