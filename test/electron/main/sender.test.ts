import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../electron/main/sender';

const windows = new Set([7]);

describe('IPC sender check', () => {
  it('trusts the top frame of the app window on the app origin', () => {
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'myriad-app://app/index.html', isMainFrame: true }, windows)).toBe(true);
  });

  it('refuses another window, a subframe, a gone frame and a foreign origin', () => {
    expect(isTrustedSender({ webContentsId: 8, frameUrl: 'myriad-app://app/index.html', isMainFrame: true }, windows)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'myriad-app://app/index.html', isMainFrame: false }, windows)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: null, isMainFrame: true }, windows)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'https://example.com/', isMainFrame: true }, windows)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'file:///tmp/index.html', isMainFrame: true }, windows)).toBe(false);
  });
});
