import { useCallback, useState } from 'react';
import type { ErrorCode } from '../../../common/errors';
import { toStationError } from '../transport/wire';

export interface ShownError {
  key: number;
  code: ErrorCode;
  message: string;
}

let nextKey = 1;

/** Errors on screen, newest first; the same message is shown once. */
export function useErrors() {
  const [errors, setErrors] = useState<ShownError[]>([]);
  const report = useCallback((err: unknown) => {
    const e = toStationError(err);
    setErrors((list) => [{ key: nextKey++, code: e.code, message: e.message }, ...list.filter((x) => x.message !== e.message)].slice(0, 4));
  }, []);
  const dismiss = useCallback((key: number) => setErrors((list) => list.filter((x) => x.key !== key)), []);
  return { errors, report, dismiss };
}
