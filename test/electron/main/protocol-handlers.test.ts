import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StationError } from '../../../common/errors';
import { blobUrl } from '../../../common/preload-api';
import {
  blobShaFromUrl,
  createAppProtocolHandler,
  createBlobProtocolHandler,
  resolveAppAssetPath,
  sniffImageType,
} from '../../../electron/main/protocol-handlers';
import { useTempDir } from '../../support/temp-dir';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const SHA = 'a'.repeat(64);
const MISSING = 'b'.repeat(64);

let dir: string;
let root: string;
let blobs: string;

useTempDir('myriad-protocol-', (made) => (dir = made), 'all');
beforeAll(async () => {
  root = join(dir, 'renderer');
  blobs = join(dir, 'blobs');
  await mkdir(join(root, 'assets'), { recursive: true });
  await mkdir(blobs);
  await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer folder');
  await writeFile(join(blobs, SHA), PNG);
});

describe('app protocol path resolution', () => {
  it('maps app URLs to files under the renderer folder', () => {
    expect(resolveAppAssetPath('/r', 'myriad-app://app/')).toBe('/r/index.html');
    expect(resolveAppAssetPath('/r', 'myriad-app://app/assets/x.js?v=1')).toBe('/r/assets/x.js');
  });

  it('refuses traversal, encoded separators, other hosts and other schemes', () => {
    // URL parsing already folds literal dot segments, so they can only land inside the folder
    expect(resolveAppAssetPath('/r', 'myriad-app://app/../secret.txt')).toBe('/r/secret.txt');
    expect(resolveAppAssetPath('/r', 'myriad-app://app/%2e%2e/secret.txt')).toBe('/r/secret.txt');
    for (const url of [
      'myriad-app://app/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'myriad-app://app/..%5csecret.txt',
      'myriad-app://app/a%00.js',
      'myriad-app://app/%E0%A4%A',
      'myriad-app://other/index.html',
      'file:///r/index.html',
      'nonsense',
    ]) {
      expect(resolveAppAssetPath('/r', url), url).toBeNull();
    }
  });
});

describe('app protocol handler', () => {
  it('serves the page with the CSP and a content type', async () => {
    const res = await createAppProtocolHandler(root)(new Request('myriad-app://app/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self'/);
    expect(await res.text()).toContain('<title>app</title>');
    const js = await createAppProtocolHandler(root)(new Request('myriad-app://app/assets/index-abc.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for missing files and for anything outside the folder, with the CSP still set', async () => {
    for (const url of ['myriad-app://app/nope.js', 'myriad-app://app/../secret.txt', 'myriad-app://app/assets']) {
      const res = await createAppProtocolHandler(root)(new Request(url));
      expect(res.status, url).toBe(404);
      expect(res.headers.get('content-security-policy')).toBeTruthy();
    }
  });

  it('refuses methods other than GET/HEAD', async () => {
    const res = await createAppProtocolHandler(root)(new Request('myriad-app://app/index.html', { method: 'POST', body: 'x' }));
    expect(res.status).toBe(405);
  });
});

describe('blob protocol', () => {
  const blobPath = (sha: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new StationError('INVALID_INPUT', 'bad sha');
    return join(blobs, sha);
  };

  it('parses only well-formed blob URLs', () => {
    expect(blobShaFromUrl(blobUrl(SHA))).toBe(SHA);
    expect(blobShaFromUrl(`myriad-blob://blob/${SHA.toUpperCase()}`)).toBeNull();
    expect(blobShaFromUrl(`myriad-blob://blob/${SHA}/x`)).toBeNull();
    expect(blobShaFromUrl(`myriad-blob://blob/../${SHA}`)).toBe(SHA); // URL parsing removes the dot segment first
    expect(blobShaFromUrl(`myriad-blob://other/${SHA}`)).toBeNull();
    expect(blobShaFromUrl('myriad-blob://blob/..%2f..%2fetc%2fpasswd')).toBeNull();
  });

  it('serves a stored image with its sniffed type, readable by the app origin', async () => {
    const res = await createBlobProtocolHandler(blobPath)(new Request(blobUrl(SHA)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('access-control-allow-origin')).toBe('myriad-app://app');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
  });

  it('answers 404 for an unknown hash or a malformed URL', async () => {
    expect((await createBlobProtocolHandler(blobPath)(new Request(blobUrl(MISSING)))).status).toBe(404);
    expect((await createBlobProtocolHandler(blobPath)(new Request('myriad-blob://blob/secret.txt'))).status).toBe(404);
  });

  it('sniffs the image formats the store holds', () => {
    expect(sniffImageType(PNG)).toBe('image/png');
    expect(sniffImageType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageType(Uint8Array.from([0x42, 0x4d, 0, 0]))).toBe('image/bmp');
    expect(sniffImageType(Uint8Array.from([0x3c, 0x73, 0x76, 0x67]))).toBe('application/octet-stream');
  });
});
