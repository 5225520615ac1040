import { describe, expect, it } from 'vitest';
import { StationError } from '../../../common/errors';
import { parseShellArgs } from '../../../electron/main/shell-args';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return null;
}

describe('desktop app command line', () => {
  it('reads --data-dir and --device in both forms and ignores Electron/Chromium switches', () => {
    expect(parseShellArgs(['/opt/electron', '.', '--no-sandbox', '--data-dir', '/srv/station', '--device=cpu'])).toEqual({
      dataDir: '/srv/station',
      device: 'cpu',
    });
    expect(parseShellArgs(['/opt/Myriad Station', '--enable-logging'])).toEqual({ dataDir: null, device: 'auto' });
  });

  it('refuses an unknown device and names the valid ones', () => {
    expect(() => parseShellArgs(['app', '--device', 'tpu'])).toThrow(/Invalid device: tpu\. Use one of: cpu, cuda, dml/);
    const err = thrown(() => parseShellArgs(['app', '--device=tpu']));
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('INVALID_INPUT');
  });

  it('refuses a missing value and a repeated option', () => {
    expect(() => parseShellArgs(['app', '--data-dir'])).toThrow(/--data-dir needs a value/);
    expect(() => parseShellArgs(['app', '--data-dir', '--device', 'cpu'])).toThrow(/--data-dir needs a value/);
    expect(() => parseShellArgs(['app', '--device=cpu', '--device', 'cuda'])).toThrow(/--device given twice/);
  });
});
