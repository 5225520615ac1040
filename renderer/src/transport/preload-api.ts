import type { MyriadPreloadApi } from '../../../common/preload-api';

// The Electron preload exposes `window.myriad` (common/preload-api.ts); absent in a browser.
declare global {
  interface Window {
    myriad?: MyriadPreloadApi;
  }
}

export type { MyriadPreloadApi };
