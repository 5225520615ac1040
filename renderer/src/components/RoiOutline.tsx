import { useEffect, useEffectEvent, useRef } from 'react';
import { drawContour, overlaySize } from '../inspect/heatmap';
import { useT } from '../i18n/I18nProvider';
import { loadImage } from './load-image';

/** Cyan, apart from the heatmap's white defect contour. */
const COLOUR = [80, 200, 255] as const;

/**
 * A recipe's region of interest as an outline over an image of `width` x `height`: its mask (a
 * grey PNG, white inside, from the image store) is scaled to the overlay and its edge drawn.
 */
export function RoiOutline({ maskUrl, width, height, onError }: { maskUrl: string; width: number; height: number; onError: (err: unknown) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const size = overlaySize(width, height);
  const { t } = useT();
  const loadFailed = t('heatmap.loadFailed');
  const noCanvas = t('common.canvasUnavailable');
  // Not a dependency of the drawing: a caller's new `onError` at each render would load and draw
  // the mask again at each render.
  const reportError = useEffectEvent(onError);

  useEffect(() => {
    let live = true;
    loadImage(maskUrl, loadFailed)
      .then((mask) => {
        if (!live || !canvas.current) return;
        const scratch = document.createElement('canvas');
        scratch.width = size.width;
        scratch.height = size.height;
        const sctx = scratch.getContext('2d', { willReadFrequently: true });
        const ctx = canvas.current.getContext('2d');
        if (!sctx || !ctx) throw new Error(noCanvas);
        sctx.drawImage(mask, 0, 0, size.width, size.height);
        const edges = ctx.createImageData(size.width, size.height);
        drawContour(sctx.getImageData(0, 0, size.width, size.height).data, size.width, size.height, edges.data, COLOUR);
        ctx.putImageData(edges, 0, 0);
        canvas.current.dataset.ready = 'true';
      })
      .catch((err: unknown) => {
        if (live) reportError(err);
      });
    return () => {
      live = false;
    };
  }, [maskUrl, size.width, size.height, loadFailed, noCanvas]);

  return <canvas ref={canvas} className="roi-outline" data-testid="roi-outline" width={size.width} height={size.height} aria-label={t('roi.outlineAlt')} />;
}
