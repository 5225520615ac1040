import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReviewCursor, ReviewQueueItem, StationClient } from '../../../common/api';
import { useLatestCallback } from '../hooks/useLatestCallback';

const PAGE = 200;

/**
 * The queue as loaded so far: pages of 200 fetched by keyset cursor as the list scrolls, so opening
 * a queue of thousands costs one page. Decided items are dropped locally at once.
 */
export function useReviewQueue(client: StationClient, enabled: boolean, onError: (err: unknown) => void) {
  const [items, setItems] = useState<ReviewQueueItem[]>([]);
  const [total, setTotal] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const next = useRef<ReviewCursor | null>(null);
  const loading = useRef(false);
  // Not a dependency of `reload` and `loadMore`: effects depend on them (here and the caller's), and
  // would read the queue again whenever a caller passes a new `onError` (an inline one: every render).
  const reportError = useLatestCallback(onError);

  const reload = useCallback(() => {
    loading.current = true;
    client.call('review.queue', { limit: PAGE }).then(
      (page) => {
        setItems(page.items);
        setTotal(page.total);
        next.current = page.next;
        setLoaded(true);
        loading.current = false;
      },
      (err: unknown) => {
        loading.current = false;
        reportError(err);
      },
    );
  }, [client, reportError]);

  const loadMore = useCallback(() => {
    const after = next.current;
    if (!after || loading.current) return;
    loading.current = true;
    client.call('review.queue', { limit: PAGE, after }).then(
      (page) => {
        setItems((list) => [...list, ...page.items.filter((i) => !list.some((x) => x.id === i.id))]);
        setTotal(page.total);
        next.current = page.next;
        loading.current = false;
      },
      (err: unknown) => {
        loading.current = false;
        reportError(err);
      },
    );
  }, [client, reportError]);

  const drop = useCallback((id: string) => {
    setItems((list) => list.filter((i) => i.id !== id));
    setTotal((t) => Math.max(0, t - 1));
  }, []);

  useEffect(() => {
    if (enabled) reload();
  }, [enabled, reload]);

  return { items, total, loaded, reload, loadMore, drop };
}
