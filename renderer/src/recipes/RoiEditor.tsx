import { useEffect, useEffectEvent, useRef, useState, type PointerEvent } from 'react';
import type { RoiShape, StationClient } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  /** Where the golden images come from: a folder's first image is read through a folder camera source. */
  source: { kind: 'folder'; path: string } | { kind: 'frames'; sha256: readonly string[] };
  shape: RoiShape | null;
  onChange: (shape: RoiShape | null) => void;
  report: (err: unknown) => void;
}

type Point = [number, number];
type Tool = 'rect' | 'polygon';

/**
 * The region of interest drawn on a golden image (engineers, New recipe): a rectangle dragged
 * across it or a polygon clicked corner by corner, in fractions of the image, so the host
 * rasterises it at the goldens' own size. Outside it nothing raises a verdict.
 */
export function RoiEditor({ client, source, shape, onChange, report }: Props) {
  const { t } = useT();
  const image = useGoldenPreview(client, source, report);
  const [tool, setTool] = useState<Tool>('rect');
  const [drag, setDrag] = useState<{ from: Point; to: Point } | null>(null);
  const [corners, setCorners] = useState<Point[]>([]);
  const svg = useRef<SVGSVGElement>(null);

  function at(e: PointerEvent<SVGSVGElement>): Point {
    const box = (svg.current as SVGSVGElement).getBoundingClientRect();
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    return [clamp((e.clientX - box.left) / box.width), clamp((e.clientY - box.top) / box.height)];
  }

  function down(e: PointerEvent<SVGSVGElement>) {
    if (tool === 'polygon') {
      setCorners((c) => [...c, at(e)]);
      return;
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = at(e);
    setDrag({ from: p, to: p });
  }

  function move(e: PointerEvent<SVGSVGElement>) {
    if (drag) setDrag({ from: drag.from, to: at(e) });
  }

  function up() {
    if (!drag) return;
    const [[ax, ay], [bx, by]] = [drag.from, drag.to];
    setDrag(null);
    // A click without a drag draws nothing.
    if (Math.abs(ax - bx) > 0.01 && Math.abs(ay - by) > 0.01) onChange({ kind: 'rect', points: [drag.from, drag.to] });
  }

  function choose(next: Tool) {
    setTool(next);
    setCorners([]);
    setDrag(null);
  }

  const shown: Point[] = drag ? rectCorners(drag.from, drag.to) : corners.length > 0 ? corners : shape ? outline(shape) : [];
  const closed = !drag && corners.length === 0 && shape !== null;
  return (
    <div className="roi-editor" data-testid="roi-editor">
      <div className="roi-tools">
        <label className="field inline">
          <input type="radio" name="roi-tool" checked={tool === 'rect'} onChange={() => choose('rect')} data-testid="roi-tool-rect" />
          <span>{t('roi.rect')}</span>
        </label>
        <label className="field inline">
          <input type="radio" name="roi-tool" checked={tool === 'polygon'} onChange={() => choose('polygon')} data-testid="roi-tool-polygon" />
          <span>{t('roi.polygon')}</span>
        </label>
        {tool === 'polygon' && (
          <button
            type="button"
            className="secondary small"
            data-testid="roi-close-polygon"
            disabled={corners.length < 3}
            onClick={() => {
              onChange({ kind: 'polygon', points: corners });
              setCorners([]);
            }}
          >
            {t('roi.closePolygon')}
          </button>
        )}
        <button type="button" className="secondary small" data-testid="roi-clear" disabled={!shape && corners.length === 0} onClick={() => (setCorners([]), onChange(null))}>
          {t('roi.clear')}
        </button>
      </div>
      <p className="muted">{tool === 'rect' ? t('roi.hintRect') : t('roi.hintPolygon')}</p>
      {image ? (
        <div className="roi-canvas">
          <img src={client.imageUrl(image)} alt={t('roi.imageAlt')} data-testid="roi-image" draggable={false} />
          <svg ref={svg} viewBox="0 0 1 1" preserveAspectRatio="none" data-testid="roi-surface" onPointerDown={down} onPointerMove={move} onPointerUp={up}>
            {shown.length > 1 && (closed || drag ? <polygon points={svgPoints(shown)} className="roi-shape" data-testid="roi-shape" /> : <polyline points={svgPoints(shown)} className="roi-shape" />)}
          </svg>
        </div>
      ) : (
        <p className="muted">{t('common.loading')}</p>
      )}
      <p className="muted" data-testid="roi-summary">
        {shape ? shape.kind === 'rect' ? t('roi.summaryRect') : t('roi.summaryPolygon', { corners: shape.points.length }) : t('roi.summaryNone')}
      </p>
    </div>
  );
}

/** The sha256 of a golden image to draw on: the first captured frame, or the first image of the folder (read as a folder camera source, stored like any camera frame). */
function useGoldenPreview(client: StationClient, source: Props['source'], report: (err: unknown) => void): string | null {
  const [sha, setSha] = useState<string | null>(null);
  const key = source.kind === 'folder' ? `folder:${source.path}` : (source.sha256[0] ?? '');
  // Not a dependency of the read: a caller's new `report` at each render would open the folder
  // again at each render.
  const reportError = useEffectEvent(report);
  useEffect(() => {
    if (source.kind === 'frames') {
      setSha(source.sha256[0] ?? null);
      return;
    }
    let live = true;
    (async () => {
      const opened = await client.call('camera.open', { spec: key });
      try {
        const frame = await client.call('camera.read', { sessionId: opened.sessionId, advance: false });
        if (live) setSha(frame.sha256);
      } finally {
        await client.call('camera.close', { sessionId: opened.sessionId }).catch(() => undefined);
      }
    })().catch(reportError);
    return () => {
      live = false;
    };
    // The source is identified by its key: a new array of the same frames is the same source.
  }, [client, key]);
  return sha;
}

function rectCorners([ax, ay]: Point, [bx, by]: Point): Point[] {
  return [
    [ax, ay],
    [bx, ay],
    [bx, by],
    [ax, by],
  ];
}

function outline(shape: RoiShape): Point[] {
  return shape.kind === 'rect' ? rectCorners(shape.points[0] as Point, shape.points[1] as Point) : (shape.points as Point[]);
}

function svgPoints(points: readonly Point[]): string {
  return points.map(([x, y]) => `${x},${y}`).join(' ');
}
