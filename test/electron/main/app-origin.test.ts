import { describe, expect, it } from 'vitest';
import { appEntryUrl, isAppUrl, originOf } from '../../../electron/main/app-origin';

describe('app origin', () => {
  it('recognises only the app scheme and host', () => {
    expect(isAppUrl('myriad-app://app/index.html?x=1')).toBe(true);
    expect(originOf('myriad-app://app/assets/a.js')).toBe('myriad-app://app');
    for (const url of ['myriad-app://evil/index.html', 'https://app/', 'file:///app/index.html', 'not a url']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});

describe('app entry URL', () => {
  it('carries the default recipe and camera as the page query, and stays on the app origin', () => {
    expect(appEntryUrl(null)).toBe('myriad-app://app/index.html');
    const url = new URL(appEntryUrl({ recipe: 'demo-washer', camera: 'folder:/opt/Myriad Station/resources/demo/test' }));
    expect(url.searchParams.get('recipe')).toBe('demo-washer');
    expect(url.searchParams.get('camera')).toBe('folder:/opt/Myriad Station/resources/demo/test');
    expect(isAppUrl(url.toString())).toBe(true);
  });
});
