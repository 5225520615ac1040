import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { colorizeMap, drawContour, overlaySize } from '../inspect/heatmap';
import { useT } from '../i18n/I18nProvider';
import { loadImage } from './load-image';
import { RoiOutline } from './RoiOutline';

interface Props {
  imageUrl: string;
  mapUrl: string;
  width: number;
  height: number;
  opacity: number;
  showContour: boolean;
  /** The recipe's region-of-interest mask, drawn as an outline: nothing outside it raises a verdict. */
  roiUrl?: string | null;
  onError: (err: unknown) => void;
}


/** The inspected image with the anomaly map drawn over it: colours, and a contour at the threshold. */
export function HeatmapView({ imageUrl, mapUrl, width, height, opacity, showContour, roiUrl = null, onError }: Props) {
  const heat = useRef<HTMLCanvasElement>(null);
  const contour = useRef<HTMLCanvasElement>(null);
  const [ready, setReady] = useState(false);
  const size = overlaySize(width, height);
  const { t } = useT();
  const loadFailed = t('heatmap.loadFailed');
  const noCanvas = t('common.canvasUnavailable');
  // Not a dependency of the drawing: a caller's new `onError` at each render would load and draw
  // the map again at each render.
  const reportError = useEffectEvent(onError);

  useEffect(() => {
    let live = true;
    setReady(false);
    loadImage(mapUrl, loadFailed)
      .then((map) => {
        if (!live || !heat.current || !contour.current) return;
        const scratch = document.createElement('canvas');
        scratch.width = size.width;
        scratch.height = size.height;
        const sctx = scratch.getContext('2d', { willReadFrequently: true });
        const hctx = heat.current.getContext('2d');
        const cctx = contour.current.getContext('2d');
        if (!sctx || !hctx || !cctx) throw new Error(noCanvas);
        // Bilinear upsampling of the coarse map gives a smooth contour at display resolution.
        sctx.imageSmoothingEnabled = true;
        sctx.imageSmoothingQuality = 'high';
        sctx.drawImage(map, 0, 0, size.width, size.height);
        const grey = sctx.getImageData(0, 0, size.width, size.height).data;
        const colours = hctx.createImageData(size.width, size.height);
        colorizeMap(grey, colours.data);
        hctx.putImageData(colours, 0, 0);
        const edges = cctx.createImageData(size.width, size.height);
        drawContour(grey, size.width, size.height, edges.data);
        cctx.putImageData(edges, 0, 0);
        setReady(true);
      })
      .catch((err: unknown) => {
        if (live) reportError(err);
      });
    return () => {
      live = false;
    };
  }, [mapUrl, size.width, size.height, loadFailed, noCanvas]);

  return (
    <div className="heatmap-frame" style={{ aspectRatio: `${width} / ${height}` }}>
      <img src={imageUrl} alt={t('heatmap.partAlt')} />
      <canvas
        ref={heat}
        data-testid="heatmap"
        data-ready={ready ? 'true' : 'false'}
        width={size.width}
        height={size.height}
        style={{ opacity }}
        aria-label={t('heatmap.label')}
      />
      <canvas ref={contour} className="contour" width={size.width} height={size.height} hidden={!showContour} aria-hidden="true" />
      {roiUrl && <RoiOutline maskUrl={roiUrl} width={width} height={height} onError={onError} />}
    </div>
  );
}
