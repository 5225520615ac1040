import { useEffect, useEffectEvent, useRef, useState } from 'react';
import type { ReviewQueueItem } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

const ROW_HEIGHT = 52;
const OVERSCAN = 6;

interface Props {
  items: ReviewQueueItem[];
  total: number;
  selectedId: string | null;
  onSelect: (id: string) => void;
  onNearEnd: () => void;
}

/** A windowed list: only the rows in view (plus a few) are in the DOM, so 500 or 50,000 scroll alike. */
export function QueueList({ items, total, selectedId, onSelect, onNearEnd }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const { t, num, dateTime } = useT();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const selectedIndex = items.findIndex((i) => i.id === selectedId);
  useEffect(() => {
    const el = box.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [selectedIndex]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  // Not a dependency: near the end, a caller's new `onNearEnd` at each render would be called at
  // each render; the rows in view and the rows loaded say when to ask.
  const nearEnd = useEffectEvent(onNearEnd);
  useEffect(() => {
    if (last >= items.length - OVERSCAN * 2) nearEnd();
  }, [last, items.length]);

  return (
    <div
      className="queue-scroll"
      ref={box}
      data-testid="review-queue"
      data-total={total}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div style={{ height: items.length * ROW_HEIGHT, position: 'relative' }}>
        {items.slice(first, last).map((item, k) => {
          const index = first + k;
          return (
            <button
              type="button"
              key={item.id}
              data-testid="review-item"
              data-id={item.id}
              className={`queue-row${item.id === selectedId ? ' selected' : ''}`}
              data-verdict={item.verdict}
              style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT - 2 }}
              onClick={() => onSelect(item.id)}
            >
              <span className="queue-verdict" data-verdict={item.verdict}>{t(`verdict.${item.verdict}`)}</span>
              <span className="queue-main">
                <span>
                  {t('common.recipeVersion', { recipe: item.recipe, version: item.recipeVersion })} · {item.operator}
                </span>
                <span className="muted">{dateTime(item.createdAt)}</span>
              </span>
              {item.flags.length > 0 && (
                <span className="queue-flag" data-testid="review-item-flag" title={item.flags.map((f) => f.reason).join('\n')}>
                  {item.flags.map((f) => t(`flag.${f.kind}`)).join(' · ')}
                </span>
              )}
              <span className="num">{num(item.score, 3)}</span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
