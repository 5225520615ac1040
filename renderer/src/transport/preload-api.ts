/**
 * The API the Electron preload exposes as `window.myriad` (contextBridge). Deliberately untyped
 * per channel at this boundary: the renderer's typed `StationClient` is built on top of it.
 * A failed call rejects with an object carrying `code` and `message` (common/errors.ts WireError).
 */
export interface PreloadApi {
  call(method: string, params: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  imageUrl(sha256: string): string;
}

declare global {
  interface Window {
    myriad?: PreloadApi;
  }
}
