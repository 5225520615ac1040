import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders } from '../../../electron/main/csp';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name as string, values];
    }),
  );
}

describe('content security policy', () => {
  const csp = directives(contentSecurityPolicy());

  it('denies by default and allows scripts only from the app itself', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('has no inline, eval or network source anywhere', () => {
    const all = [...csp.values()].flat();
    for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", '*', 'http:', 'https:', 'ws:', 'wss:']) {
      expect(all, bad).not.toContain(bad);
    }
    expect(all.some((v) => /^(https?|wss?):\/\//.test(v))).toBe(false);
  });

  it('lets images come from the blob protocol and media from the webcam stream', () => {
    expect(csp.get('img-src')).toContain('myriad-blob://blob');
    expect(csp.get('media-src')).toContain('mediastream:');
  });

  it('is sent with every app response', () => {
    expect(securityHeaders()['Content-Security-Policy']).toBe(contentSecurityPolicy());
    expect(securityHeaders()['X-Content-Type-Options']).toBe('nosniff');
  });
});
