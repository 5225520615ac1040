import { StationError } from '../../common/errors';

/**
 * Pinned public ImageNet backbones. A backbone enters the model store only if its bytes hash to
 * its published `sha256` or to one of its documented `variants`; the graph editor
 * (feature-taps.ts) finds each tap by structure (tap-lookup.ts), so byte-variants of one model
 * whose tensor names differ tap the same places.
 */
export interface TapSpec {
  /** Stable name used in recipes and options (the PyTorch module path it comes from). */
  name: string;
  /**
   * The operator whose output is the tap: the stage's last block ends in it (the residual add).
   * QLinear* outputs are uint8 and are dequantised with the node's own output scale and zero point.
   */
  op: 'QLinearAdd' | 'Add';
  channels: number;
  /** Input pixels per feature cell. */
  stride: number;
}

/** Another file of the same model that the store accepts, and where it comes from. */
export interface BackboneVariant {
  sha256: string;
  sizeBytes: number;
  source: string;
}

export interface BackboneSpec {
  name: string;
  file: string;
  description: string;
  /** The publisher's file at a commit-pinned revision: what `models fetch` downloads. */
  url: string;
  /** Lowercase hex of the file at `url`; null = not pinned yet: the store refuses to fetch or import it. */
  sha256: string | null;
  sizeBytes: number | null;
  /** Byte-variants of the same model that `models import` also accepts. */
  variants: BackboneVariant[];
  license: string;
  precision: 'int8' | 'fp32';
  /** The graph's one input, [N,3,H,W], found by structure (tap-lookup.ts). */
  input: {
    /** Nominal training size; the graph is fully convolutional up to the taps, so others work. */
    size: number;
    /** Per-channel RGB mean and std on the 0..1 pixel scale (ImageNet). */
    mean: [number, number, number];
    std: [number, number, number];
  };
  taps: TapSpec[];
  /** Taps PatchCore uses by default (PaDiM: `dialogTaps`, experts/padim/config.ts). */
  defaultTaps: string[];
  /**
   * The taps whose channels the dialog model reads, in this order (experts/components/dialog-features.ts):
   * what Myriad-S was trained on, cut from the expert's embedding whatever taps the recipe uses.
   */
  dialogTaps: string[];
}

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

export const BACKBONES: readonly BackboneSpec[] = [
  {
    name: 'mobilenetv2-12-int8',
    file: 'mobilenetv2-12-int8.onnx',
    description: 'MobileNetV2 1.0, ImageNet-1k, int8 (QLinear ops, opset 12), ONNX Model Zoo',
    // The Model Zoo's file (Git LFS) at a pinned commit; its hash is the LFS record's.
    url: 'https://github.com/onnx/models/raw/b1eeaa1ac722dcc1cd1a8284bde34393dab61c3d/validated/vision/classification/mobilenet/model/mobilenetv2-12-int8.onnx',
    sha256: 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f',
    sizeBytes: 3655033,
    variants: [
      {
        // The copy the station's tests, evaluations and the shipped Myriad-S were made with.
        sha256: '83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f',
        sizeBytes: 3655640,
        source: 'the Model Zoo model as re-saved by a public repository (extra opset domains); host/models/README.md',
      },
    ],
    license: 'Apache-2.0',
    precision: 'int8',
    input: { size: 224, mean: [...IMAGENET.mean], std: [...IMAGENET.std] },
    // Each tap is the output of the last block of a stage: the residual add with the stage's
    // channels at its stride. Stride 4 / 8 / 16 / 16 / 32.
    taps: [
      { name: 'features.3', op: 'QLinearAdd', channels: 24, stride: 4 },
      { name: 'features.6', op: 'QLinearAdd', channels: 32, stride: 8 },
      { name: 'features.10', op: 'QLinearAdd', channels: 64, stride: 16 },
      { name: 'features.13', op: 'QLinearAdd', channels: 96, stride: 16 },
      { name: 'features.16', op: 'QLinearAdd', channels: 160, stride: 32 },
    ],
    // features.10 (stride 16, between the two the dialog model reads) helps the memory bank on
    // surfaces and wide parts: issue 16's notes have the comparison.
    defaultTaps: ['features.6', 'features.10', 'features.13'],
    dialogTaps: ['features.6', 'features.13'],
  },
  {
    // For GPU stations. Its hash is not recorded yet because no copy could be fetched on the
    // machines this was written on; the store refuses it until `sha256` and the taps are
    // verified against a real download.
    name: 'resnet50-v1-12',
    file: 'resnet50-v1-12.onnx',
    description: 'ResNet-50 v1, ImageNet-1k, fp32 (opset 12), ONNX Model Zoo; for GPU stations',
    url: 'https://github.com/onnx/models/raw/main/validated/vision/classification/resnet/model/resnet50-v1-12.onnx',
    sha256: null,
    sizeBytes: null,
    variants: [],
    license: 'Apache-2.0',
    precision: 'fp32',
    input: { size: 224, mean: [...IMAGENET.mean], std: [...IMAGENET.std] },
    taps: [],
    defaultTaps: ['layer2', 'layer3'],
    dialogTaps: ['layer2', 'layer3'],
  },
];

export const DEFAULT_BACKBONE = 'mobilenetv2-12-int8';

/**
 * `backbones`: the registry to look in (the store's tests pass entries pinned to files they build).
 *
 * @throws StationError('NOT_FOUND') naming the known backbones.
 */
export function getBackbone(name: string, backbones: readonly BackboneSpec[] = BACKBONES): BackboneSpec {
  const spec = backbones.find((b) => b.name === name);
  if (!spec) {
    throw new StationError('NOT_FOUND', `Unknown backbone ${name}. Known backbones: ${backbones.map((b) => b.name).join(', ')}`);
  }
  return spec;
}

/** The published hash first, then the variants'. */
export function acceptedSha256(spec: BackboneSpec): string[] {
  return [...(spec.sha256 ? [spec.sha256] : []), ...spec.variants.map((v) => v.sha256)];
}

export function findBackboneBySha256(sha256: string, backbones: readonly BackboneSpec[] = BACKBONES): BackboneSpec | null {
  return backbones.find((b) => acceptedSha256(b).includes(sha256)) ?? null;
}

/** @throws StationError('INVALID_INPUT') when a tap name is not one of the backbone's. */
export function getTaps(spec: BackboneSpec, names: readonly string[]): TapSpec[] {
  return names.map((n) => {
    const tap = spec.taps.find((t) => t.name === n);
    if (!tap) {
      const valid = spec.taps.map((t) => t.name).join(', ') || '(none verified yet)';
      throw new StationError('INVALID_INPUT', `Backbone ${spec.name} has no tap ${n}. Valid taps: ${valid}`);
    }
    return tap;
  });
}
