import { describe, expect, it } from 'vitest';
import { isPermissionGranted } from '../../../electron/main/permissions';

const APP = 'myriad-app://app/index.html';

describe('permission decisions', () => {
  it('grants the camera to the app page', () => {
    expect(isPermissionGranted({ permission: 'media', requestingUrl: APP, mediaTypes: ['video'] })).toBe(true);
    // permission checks (enumerateDevices labels) come with an origin and no media list
    expect(isPermissionGranted({ permission: 'media', requestingUrl: 'myriad-app://app' })).toBe(true);
  });

  it('refuses the microphone, even together with the camera', () => {
    expect(isPermissionGranted({ permission: 'media', requestingUrl: APP, mediaTypes: ['audio'] })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: APP, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: APP, mediaTypes: [] })).toBe(false);
  });

  it('refuses the camera to any other origin', () => {
    for (const url of ['https://example.com/', 'file:///index.html', 'myriad-blob://blob/x', 'myriad-app://evil/', 'not a url']) {
      expect(isPermissionGranted({ permission: 'media', requestingUrl: url, mediaTypes: ['video'] }), url).toBe(false);
    }
  });

  it('refuses every other permission to the app page', () => {
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'usb', 'openExternal', 'fullscreen', 'pointerLock']) {
      expect(isPermissionGranted({ permission, requestingUrl: APP }), permission).toBe(false);
    }
  });
});
