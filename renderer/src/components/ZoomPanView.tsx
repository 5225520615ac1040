import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { FITTED, panBy, placement, zoomBy, ZOOM_STEP, type Size, type ZoomPan } from '../inspect/zoom-pan';
import { useT } from '../i18n/I18nProvider';

interface Props {
  /** The content's own size; it is drawn with this aspect ratio, letterboxed at zoom 1. */
  width: number;
  height: number;
  label: string;
  children: ReactNode;
}

/** Arrow keys pan by this share of the viewport. */
const KEY_PAN = 0.1;

/**
 * Shows its content whole (letterboxed) in whatever room the panel has, with zoom (wheel, buttons,
 * +/-) around the pointer, pan (drag, arrow keys) and a return to the fitted view (button, 0).
 */
export function ZoomPanView({ width, height, label, children }: Props) {
  const viewportRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState<Size | null>(null);
  const [view, setView] = useState<ZoomPan>(FITTED);
  const drag = useRef<{ id: number; x: number; y: number } | null>(null);
  const image = { width, height };

  useEffect(() => {
    const el = viewportRef.current;
    if (!el) return undefined;
    const measure = () => setViewport({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const zoom = useCallback(
    (factor: number, at?: { x: number; y: number }) => {
      if (viewport) setView((v) => zoomBy(v, factor, { width, height }, viewport, at));
    },
    [viewport, width, height],
  );
  const pan = useCallback(
    (dx: number, dy: number) => {
      if (viewport) setView((v) => panBy(v, dx, dy, { width, height }, viewport));
    },
    [viewport, width, height],
  );

  // React's wheel listener is passive; the page must not scroll while the wheel zooms.
  useEffect(() => {
    const el = viewportRef.current;
    if (!el) return undefined;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      zoom(e.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, { x: e.clientX - r.left, y: e.clientY - r.top });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoom]);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 || (e.target as HTMLElement).closest('button')) return;
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    pan(e.clientX - d.x, e.clientY - d.y);
    drag.current = { id: d.id, x: e.clientX, y: e.clientY };
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current?.id === e.pointerId) drag.current = null;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.altKey || e.metaKey || !viewport) return;
    const step = { x: viewport.width * KEY_PAN, y: viewport.height * KEY_PAN };
    const actions: Record<string, () => void> = {
      '+': () => zoom(ZOOM_STEP),
      '=': () => zoom(ZOOM_STEP),
      '-': () => zoom(1 / ZOOM_STEP),
      '0': () => setView(FITTED),
      ArrowLeft: () => pan(step.x, 0),
      ArrowRight: () => pan(-step.x, 0),
      ArrowUp: () => pan(0, step.y),
      ArrowDown: () => pan(0, -step.y),
    };
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    action();
  };

  const at = viewport ? placement(view, image, viewport) : null;
  const { t } = useT();
  return (
    <div
      ref={viewportRef}
      className={`zoom-pan${view.zoom > 1 ? ' zoomed' : ''}`}
      data-testid="heatmap-viewport"
      data-zoom={view.zoom.toFixed(2)}
      tabIndex={0}
      role="group"
      aria-label={t('zoom.label', { label })}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      {at && (
        <div className="zoom-pan-stage" style={{ left: at.left, top: at.top, width: at.width, height: at.height }}>
          {children}
        </div>
      )}
      <div className="zoom-pan-controls">
        <button type="button" data-testid="heatmap-zoom-out" aria-label={t('zoom.out')} disabled={view.zoom <= 1} onClick={() => zoom(1 / ZOOM_STEP)}>
          −
        </button>
        <button type="button" data-testid="heatmap-zoom-in" aria-label={t('zoom.in')} onClick={() => zoom(ZOOM_STEP)}>
          +
        </button>
        <button type="button" data-testid="heatmap-zoom-reset" aria-label={t('zoom.fitLabel')} disabled={view.zoom <= 1} onClick={() => setView(FITTED)}>
          {t('zoom.fit')}
        </button>
      </div>
    </div>
  );
}
