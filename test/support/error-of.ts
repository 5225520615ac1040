import { expect } from 'vitest';
import { StationError } from '../../common/errors';

/** The StationError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function errorOf(p: Promise<unknown>): Promise<StationError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StationError);
  return err as StationError;
}

/** The StationError `f` throws; fails the test when it returns or throws anything else. */
export function thrownBy(f: () => unknown): StationError {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(StationError);
  return err as StationError;
}
