/**
 * BrowserWindow options of the app window. The security flags are spelled out even where they are
 * Electron's defaults, so a future default change or a copy-paste cannot loosen them silently.
 */
export function appWindowOptions(preloadPath: string) {
  return {
    width: 1600,
    height: 1000,
    minWidth: 1100,
    minHeight: 700,
    title: 'Myriad Station',
    backgroundColor: '#0f1115',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  } as const;
}
