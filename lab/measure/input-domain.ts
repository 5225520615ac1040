import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StationError } from '../../common/errors';
import { openExtractor, type FeatureExtractor } from '../../host/experts/components/feature-extractor';
import { resolvePhotometric, type Photometric } from '../../host/experts/components/photometric';
import type { ExpertRuntime, GoldenImage, PatchFeatures } from '../../host/experts/expert';
import { parsePatchCoreOptions } from '../../host/experts/patchcore/config';
import { readImageFile } from '../../host/imaging/decode';
import { buildGoldenBank, goldenRelativeFeatures, meanResidualNorm } from '../../host/lmm/golden-relative-input';
import { readDataset } from '../evaluation/dataset';
import { sampleShots } from '../evaluation/shots';

/**
 * Does the golden-relative input (host/lmm/golden-relative-input.ts) put real parts inside the
 * synthetic training domain where the raw backbone features put them outside? The domain is fitted
 * on a make_dataset.py set exactly as native-models/myriad-s/myriad_s/feature_domain.py fits it
 * (per-channel mean and std over the grid, z-scored, RMS; the QUANTILE x MARGIN rule), once per
 * input kind, and every real test image is measured against it.
 */
export const QUANTILE = 0.99;
export const MARGIN = 1.1;

export interface InputDomainOptions {
  /** make_dataset.py output: the domain the inputs are compared against. */
  reference: string;
  /** MVTec-layout real sets. */
  datasets: string[];
  shots: number[];
  seed: number;
  /** Test images per real set (spread evenly over its sorted test list). */
  limit: number;
  bankRows: number;
  runtime: ExpertRuntime;
  /** A shipped export's config.json: its `feature_domain` is measured against too (raw features only). */
  shippedConfig?: string;
  onProgress?: (line: string) => void;
}

type Kind = 'raw' | 'relative';
interface Sample {
  defective: boolean;
  descriptor: Record<Kind, Float64Array>;
  residual: number;
}

const SyntheticIndex = z.object({
  products: z.array(z.object({ id: z.string(), references: z.array(z.string()).min(1), samples: z.array(z.string()) })),
  samples: z.record(z.string(), z.object({ image: z.string(), defects: z.array(z.unknown()) })),
});

/** (patches, dim) -> (2 dim): each channel's mean, then its standard deviation, over the grid (feature_domain.descriptor). */
export function descriptor(f: PatchFeatures): Float64Array {
  const { data, dim } = f;
  const patches = data.length / dim;
  const out = new Float64Array(2 * dim);
  for (let c = 0; c < dim; c++) {
    let s = 0;
    for (let p = 0; p < patches; p++) s += data[p * dim + c] as number;
    const mean = s / patches;
    let v = 0;
    for (let p = 0; p < patches; p++) v += ((data[p * dim + c] as number) - mean) ** 2;
    out[c] = mean;
    out[dim + c] = Math.sqrt(v / patches);
  }
  return out;
}

export interface Domain {
  mean: Float64Array;
  std: Float64Array;
  maxDistance: number;
}

export function fitDomain(descriptors: readonly Float64Array[]): Domain {
  const n = descriptors.length;
  const d = (descriptors[0] as Float64Array).length;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const x of descriptors) for (let i = 0; i < d; i++) mean[i] = (mean[i] as number) + (x[i] as number) / n;
  for (const x of descriptors) for (let i = 0; i < d; i++) std[i] = (std[i] as number) + ((x[i] as number) - (mean[i] as number)) ** 2 / n;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i] as number) + 1e-6;
  const distances = descriptors.map((x) => domainDistance(x, { mean, std, maxDistance: 0 }));
  return { mean, std, maxDistance: quantile(distances, QUANTILE) * MARGIN };
}

export function domainDistance(x: Float64Array, domain: Domain): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (((x[i] as number) - (domain.mean[i] as number)) / (domain.std[i] as number)) ** 2;
  return Math.sqrt(s / x.length);
}

/** numpy.quantile's default (linear interpolation). */
function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/** Opens the station's PatchCore feature pass (default backbone, taps, input size) once per photometric choice. */
function extractors(runtime: ExpertRuntime) {
  const config = parsePatchCoreOptions(undefined, {});
  const open = new Map<Photometric, Promise<FeatureExtractor>>();
  return async (goldens: readonly GoldenImage[]) => {
    const { photometric } = resolvePhotometric(config.photometric, goldens);
    let e = open.get(photometric);
    if (!e) {
      e = openExtractor({ backbone: config.backbone, taps: config.taps, inputSize: config.inputSize, photometric }, runtime);
      open.set(photometric, e);
    }
    return e;
  };
}

interface Group {
  goldens: GoldenImage[];
  tests: { path: string; defective: boolean }[];
}

async function measureGroup(group: Group, extractorFor: ReturnType<typeof extractors>, options: InputDomainOptions): Promise<Sample[]> {
  const extractor = await extractorFor(group.goldens);
  const embed = async (image: GoldenImage['image']): Promise<PatchFeatures> => ({ ...(await extractor.embed(image)), backboneSha256: extractor.backboneSha256 });
  const goldens = await Promise.all(group.goldens.map((g) => embed(g.image)));
  const bank = buildGoldenBank(goldens, { maxRows: options.bankRows, seed: options.seed });
  const out: Sample[] = [];
  for (const t of group.tests) {
    const raw = await embed(await readImageFile(t.path));
    const relative = goldenRelativeFeatures(raw, bank);
    out.push({ defective: t.defective, descriptor: { raw: descriptor(raw), relative: descriptor(relative) }, residual: meanResidualNorm(relative) });
  }
  return out;
}

async function syntheticGroups(dir: string, shots: number): Promise<Group[]> {
  const path = join(dir, 'index.json');
  let parsed;
  try {
    parsed = SyntheticIndex.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (cause) {
    throw new StationError('INVALID_INPUT', `${path} is not a make_dataset.py index`, { cause });
  }
  const groups: Group[] = [];
  for (const p of parsed.products) {
    // As training-data does: the first references, capped at those present.
    const goldens: GoldenImage[] = [];
    for (const ref of p.references.slice(0, shots)) goldens.push({ name: ref, image: await readImageFile(join(dir, ref)) });
    const tests = p.samples.map((id) => {
      const s = parsed.samples[id];
      if (!s) throw new StationError('INVALID_INPUT', `${path} lists sample ${id} without an entry`);
      return { path: join(dir, s.image), defective: s.defects.length > 0 };
    });
    groups.push({ goldens, tests });
  }
  return groups;
}

async function realGroup(dir: string, shots: number, seed: number, limit: number): Promise<Group> {
  const dataset = await readDataset(dir);
  const references = sampleShots(dataset.train, shots, seed);
  const goldens: GoldenImage[] = [];
  for (const r of references) goldens.push({ name: r, image: await readImageFile(r) });
  const n = Math.min(limit, dataset.test.length);
  const tests = Array.from({ length: n }, (_, i) => dataset.test[Math.floor((i * dataset.test.length) / n)]).map((t) => ({
    path: (t as (typeof dataset.test)[number]).path,
    defective: (t as (typeof dataset.test)[number]).defect !== null,
  }));
  return { goldens, tests };
}

function summarise(samples: readonly Sample[], kind: Kind, domain: Domain) {
  const distances = samples.map((s) => domainDistance(s.descriptor[kind], domain));
  const part = (defective: boolean) => {
    const d = distances.filter((_, i) => (samples[i] as Sample).defective === defective).sort((a, b) => a - b);
    return { n: d.length, inside: d.filter((v) => v <= domain.maxDistance).length, median: d.length ? quantile(d, 0.5) : null, max: d.length ? (d[d.length - 1] as number) : null };
  };
  const dim = domain.mean.length / 2;
  const avg = (from: number) => samples.reduce((s, x) => s + x.descriptor[kind].slice(from, from + dim).reduce((a, b) => a + b, 0) / dim, 0) / samples.length;
  // Spread: RMS over descriptor dimensions of the across-image standard deviation, in units of the domain's own.
  let spread = 0;
  for (let i = 0; i < 2 * dim; i++) {
    const m = samples.reduce((s, x) => s + (x.descriptor[kind][i] as number), 0) / samples.length;
    const v = samples.reduce((s, x) => s + ((x.descriptor[kind][i] as number) - m) ** 2, 0) / samples.length;
    spread += v / (domain.std[i] as number) ** 2 / (2 * dim);
  }
  return {
    centre: { channelMean: avg(0), channelStd: avg(dim) },
    spreadInDomainUnits: Math.sqrt(spread),
    distance: { good: part(false), defective: part(true) },
  };
}

function residuals(samples: readonly Sample[]) {
  const of = (defective: boolean) => samples.filter((s) => s.defective === defective).map((s) => s.residual);
  const good = of(false);
  const bad = of(true);
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
  let wins = 0;
  for (const b of bad) for (const g of good) wins += b > g ? 1 : b === g ? 0.5 : 0;
  return { good: mean(good), defective: mean(bad), auroc: good.length && bad.length ? wins / (good.length * bad.length) : null };
}

const ShippedConfig = z.object({
  feature_domain: z.object({ mean: z.array(z.number()).min(2), std: z.array(z.number()).min(2), max_distance: z.number().positive() }),
});

async function shippedDomain(path: string): Promise<Domain> {
  let parsed;
  try {
    parsed = ShippedConfig.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (cause) {
    throw new StationError('INVALID_INPUT', `${path} is not a Myriad-S config.json with a feature_domain`, { cause });
  }
  const { mean, std, max_distance } = parsed.feature_domain;
  return { mean: Float64Array.from(mean), std: Float64Array.from(std), maxDistance: max_distance };
}

/** The probe's report: per shot count, the domain fitted per input kind and each set's place in it. */
export async function measureInputDomain(options: InputDomainOptions) {
  const extractorFor = extractors(options.runtime);
  const shipped = options.shippedConfig === undefined ? null : await shippedDomain(options.shippedConfig);
  const report = [];
  for (const shots of options.shots) {
    const synthetic: Sample[] = [];
    for (const g of await syntheticGroups(options.reference, shots)) synthetic.push(...(await measureGroup(g, extractorFor, options)));
    options.onProgress?.(`K=${shots}: synthetic reference, ${synthetic.length} images`);
    const domains = { raw: fitDomain(synthetic.map((s) => s.descriptor.raw)), relative: fitDomain(synthetic.map((s) => s.descriptor.relative)) };
    const sets: Record<string, unknown> = {};
    const describe = (samples: Sample[]) => ({
      raw: summarise(samples, 'raw', domains.raw),
      relative: summarise(samples, 'relative', domains.relative),
      residualNorm: residuals(samples),
      ...(shipped ? { rawAgainstShippedDomain: summarise(samples, 'raw', shipped).distance } : {}),
    });
    sets[`synthetic:${options.reference}`] = describe(synthetic);
    for (const dir of options.datasets) {
      const samples = await measureGroup(await realGroup(dir, shots, options.seed, options.limit), extractorFor, options);
      sets[dir] = describe(samples);
      options.onProgress?.(`K=${shots}: ${dir}, ${samples.length} images`);
    }
    report.push({ shots, maxDistance: { raw: domains.raw.maxDistance, relative: domains.relative.maxDistance }, sets });
  }
  return { seed: options.seed, limit: options.limit, bankRows: options.bankRows, quantile: QUANTILE, margin: MARGIN, shippedMaxDistance: shipped?.maxDistance ?? null, runs: report };
}
