import type { ErrorCode } from '../../../common/errors';
import type { ShownError } from '../hooks/useErrors';

const TITLES: Record<ErrorCode, string> = {
  INVALID_INPUT: 'Invalid input',
  BAD_IMAGE: 'Unreadable image',
  BAD_MODEL: 'Model problem',
  NOT_FOUND: 'Not found',
  DB_LOCKED: 'Database busy',
  DB_READONLY: 'Database read-only',
  DISK_FULL: 'Disk full',
  UNAVAILABLE: 'Unavailable',
  FORBIDDEN: 'Not allowed',
  CANCELLED: 'Cancelled',
  INTERNAL: 'Internal error',
};

export function ErrorBanners({ errors, onDismiss }: { errors: ShownError[]; onDismiss: (key: number) => void }) {
  if (errors.length === 0) return null;
  return (
    <div className="errors" role="alert">
      {errors.map((e) => (
        <div key={e.key} className="error-banner" data-testid="error-banner" data-code={e.code}>
          <span className="error-title">{TITLES[e.code]}</span>
          <span className="error-message">{e.message}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(e.key)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
