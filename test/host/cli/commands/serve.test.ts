import { describe, expect, it } from 'vitest';
import { StationError } from '../../../../common/errors';
import { command } from '../../../../host/cli/commands/serve';

/** Bad arguments are refused before the station or the server is started. */
async function refusal(argv: string[]): Promise<StationError> {
  const err = await command.run(argv).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StationError);
  return err as StationError;
}

describe('serve arguments', () => {
  it('refuses a port that is not a number from 0 to 65535, naming the valid range', async () => {
    for (const port of ['abc', '70000', '-1', '80.5']) {
      const err = await refusal(['--port', port]);
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.message).toContain('1 to 65535');
    }
  });

  it('refuses a camera source that is not webcam, folder: or file:', async () => {
    const err = await refusal(['--camera', 'rtsp://camera/stream']);
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain('folder:DIR');
  });

  it('refuses unknown options and stray arguments', async () => {
    expect((await refusal(['--host', '0.0.0.0'])).message).toContain('Unknown option --host');
    expect((await refusal(['now'])).message).toContain('Usage: serve');
  });
});
