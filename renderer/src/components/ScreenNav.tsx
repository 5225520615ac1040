import { useT } from '../i18n/I18nProvider';

/** The app's screens, reached by hash (#/review) so a reload or a link lands on the same screen. */
export const SCREENS = [
  { id: 'inspect', label: 'nav.inspect' },
  { id: 'review', label: 'nav.review' },
  { id: 'history', label: 'nav.history' },
  { id: 'recipes', label: 'nav.recipes' },
  { id: 'line', label: 'nav.line' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

export function screenFromHash(hash: string): ScreenId {
  const id = hash.replace(/^#\/?/, '');
  return SCREENS.find((s) => s.id === id)?.id ?? 'inspect';
}

export function ScreenNav({ current }: { current: ScreenId }) {
  const { t } = useT();
  return (
    <nav className="screens" aria-label={t('nav.label')}>
      {SCREENS.map((s) =>
        s.id === current ? (
          <span key={s.id} className="screen current" aria-current="page">
            {t(s.label)}
          </span>
        ) : (
          <a key={s.id} className="screen" href={`#/${s.id}`} data-testid={`nav-${s.id}`}>
            {t(s.label)}
          </a>
        ),
      )}
    </nav>
  );
}
