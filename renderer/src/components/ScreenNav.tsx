/** The app's screens, reached by hash (#/review) so a reload or a link lands on the same screen. */
export const SCREENS = [
  { id: 'inspect', label: 'Inspect' },
  { id: 'review', label: 'Review' },
  { id: 'history', label: 'History' },
  { id: 'recipes', label: 'Recipes' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

export function screenFromHash(hash: string): ScreenId {
  const id = hash.replace(/^#\/?/, '');
  return SCREENS.find((s) => s.id === id)?.id ?? 'inspect';
}

export function ScreenNav({ current }: { current: ScreenId }) {
  return (
    <nav className="screens" aria-label="Screens">
      {SCREENS.map((s) =>
        s.id === current ? (
          <span key={s.id} className="screen current" aria-current="page">
            {s.label}
          </span>
        ) : (
          <a key={s.id} className="screen" href={`#/${s.id}`} data-testid={`nav-${s.id}`}>
            {s.label}
          </a>
        ),
      )}
    </nav>
  );
}
