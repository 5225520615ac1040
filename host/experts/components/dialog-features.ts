import type { BackboneSpec } from '../../models/registry';
import type { Embedding } from './feature-extractor';

/**
 * The patch features the dialog model reads are the channels of the backbone's `dialogTaps`,
 * whatever taps the recipe's expert uses: the expert may tap more of the backbone than Myriad-S
 * was trained on (another stage helps the memory bank on surfaces), and Myriad-S must read the
 * same features at inspection, in its training data and in evaluation.
 *
 * Returns a function from the expert's embedding to those features: the embedding itself when the
 * expert's taps are the dialog taps, a copy of their channels when the expert taps more, and null
 * (no features: the dialog model answers from the map, as for another backbone) when the expert
 * lacks one of them or weights one of them (the channels would not be what Myriad-S learned).
 */
export function dialogFeatureView(
  spec: Pick<BackboneSpec, 'taps' | 'dialogTaps'>,
  taps: readonly string[],
  tapWeights?: readonly number[],
): (embedding: Embedding) => Embedding | undefined {
  const wanted = spec.dialogTaps;
  if (wanted.length === taps.length && wanted.every((t, i) => t === taps[i]) && (!tapWeights || tapWeights.every((w) => w === 1))) return (e) => e;
  const channelsOf = (name: string) => spec.taps.find((t) => t.name === name)?.channels;
  const starts: number[] = [];
  let offset = 0;
  for (const name of taps) {
    starts.push(offset);
    offset += channelsOf(name) ?? Number.NaN;
  }
  const ranges: [number, number][] = [];
  for (const name of wanted) {
    const i = taps.indexOf(name);
    const channels = channelsOf(name);
    if (i < 0 || channels === undefined || (tapWeights && tapWeights[i] !== 1)) return () => undefined;
    ranges.push([starts[i] as number, channels]);
  }
  const dim = ranges.reduce((s, [, c]) => s + c, 0);
  return (e) => {
    if (!Number.isFinite(offset) || e.dim !== offset) return undefined;
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
