import { type BackboneSpec, type TapSpec, getTaps } from '../../models/registry';
import type { Embedding } from './feature-extractor';

/**
 * The patch features the dialog model reads are the channels of the backbone's `dialogTaps`,
 * whatever taps the recipe's expert uses: the expert may tap more of the backbone than Myriad-S
 * was trained on (another stage helps the memory bank on surfaces), and Myriad-S must read the
 * same features at inspection, in its training data and in evaluation.
 *
 * `taps` are the expert's, already checked against the backbone (getTaps throws for others).
 * Returns a function from the expert's embedding to those features: the embedding itself when the
 * expert's taps are the dialog taps, a copy of their channels when the expert taps more, and undefined
 * (no features: the dialog model answers from the map, as for another backbone) when the expert
 * lacks one of them or weights one of them (the channels would not be what Myriad-S learned).
 */
export function dialogFeatureView(
  spec: BackboneSpec,
  taps: readonly string[],
  tapWeights?: readonly number[],
): (embedding: Embedding) => Embedding | undefined {
  const wanted = spec.dialogTaps;
  if (wanted.length === taps.length && wanted.every((t, i) => t === taps[i]) && (!tapWeights || tapWeights.every((w) => w === 1))) return (e) => e;
  const tapSpecs = getTaps(spec, taps);
  const starts: number[] = [];
  let embeddingDim = 0;
  for (const tap of tapSpecs) {
    starts.push(embeddingDim);
    embeddingDim += tap.channels;
  }
  const ranges: [number, number][] = [];
  for (const name of wanted) {
    const i = taps.indexOf(name);
    if (i < 0 || (tapWeights && tapWeights[i] !== 1)) return () => undefined;
    ranges.push([starts[i] as number, (tapSpecs[i] as TapSpec).channels]);
  }
  const dim = ranges.reduce((s, [, c]) => s + c, 0);
  return (e) => {
    if (e.dim !== embeddingDim) return undefined;
    const out = new Float32Array(e.patches * dim);
    for (let p = 0; p < e.patches; p++) {
      let o = p * dim;
      for (const [start, channels] of ranges) {
        out.set(e.data.subarray(p * e.dim + start, p * e.dim + start + channels), o);
        o += channels;
      }
    }
    return { data: out, patches: e.patches, dim, gridWidth: e.gridWidth, gridHeight: e.gridHeight };
  };
}
