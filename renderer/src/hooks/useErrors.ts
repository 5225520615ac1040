import { useCallback, useState } from 'react';
import type { ErrorCode } from '../../../common/errors';
import { toStationError } from '../transport/wire';

export interface ShownError {
  key: number;
  code: ErrorCode;
  message: string;
  /** What the error is about (e.g. 'camera'), so that it can go when that recovers. */
  topic?: string;
}

let nextKey = 1;

/** Errors on screen, newest first; the same message is shown once. */
export function useErrors() {
  const [errors, setErrors] = useState<ShownError[]>([]);
  const report = useCallback((err: unknown, topic?: string) => {
    const e = toStationError(err);
    const shown: ShownError = { key: nextKey++, code: e.code, message: e.message, ...(topic === undefined ? {} : { topic }) };
    setErrors((list) => [shown, ...list.filter((x) => x.message !== e.message)].slice(0, 4));
  }, []);
  const dismiss = useCallback((key: number) => setErrors((list) => list.filter((x) => x.key !== key)), []);
  /** Removes the errors about `topic`: what they reported has recovered. */
  const clear = useCallback((topic: string) => setErrors((list) => (list.some((x) => x.topic === topic) ? list.filter((x) => x.topic !== topic) : list)), []);
  return { errors, report, dismiss, clear };
}
