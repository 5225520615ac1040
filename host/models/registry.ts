import { StationError } from '../../common/errors';

/**
 * Pinned public ImageNet backbones. A backbone enters the model store only if its bytes hash to
 * `sha256` here; the graph editor (feature-taps.ts) taps the tensors named in `taps`.
 */
export interface TapSpec {
  /** Stable name used in recipes and options (the PyTorch module path it comes from). */
  name: string;
  /** Tensor name inside the ONNX graph. */
  tensor: string;
  channels: number;
  /** Input pixels per feature cell. */
  stride: number;
  /** Int8 graphs: the tensor is uint8 and is dequantised with `${base}_scale` / `${base}_zero_point`. */
  quantized: boolean;
}

export interface BackboneSpec {
  name: string;
  file: string;
  description: string;
  url: string;
  /** Lowercase hex; null = not pinned yet: the store refuses to fetch or import it. */
  sha256: string | null;
  sizeBytes: number | null;
  license: string;
  precision: 'int8' | 'fp32';
  input: {
    name: string;
    /** Nominal training size; the graph is fully convolutional up to the taps, so others work. */
    size: number;
    /** Per-channel RGB mean and std on the 0..1 pixel scale (ImageNet). */
    mean: [number, number, number];
    std: [number, number, number];
  };
  taps: TapSpec[];
  /** Taps used by default by the memory-bank experts. */
  defaultTaps: string[];
}

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

export const BACKBONES: readonly BackboneSpec[] = [
  {
    name: 'mobilenetv2-12-int8',
    file: 'mobilenetv2-12-int8.onnx',
    description: 'MobileNetV2 1.0, ImageNet-1k, int8 (QLinear ops, opset 12), ONNX Model Zoo',
    url: 'https://github.com/onnx/models/raw/main/validated/vision/classification/mobilenet/model/mobilenetv2-12-int8.onnx',
    sha256: '83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f',
    sizeBytes: 3655640,
    license: 'Apache-2.0',
    precision: 'int8',
    input: { name: 'input', size: 224, mean: [...IMAGENET.mean], std: [...IMAGENET.std] },
    // Tensor names read from the graph: each is the output of the last block of a stage
    // (residual add where the block has one). Stride 4 / 8 / 16 / 16 / 32.
    taps: [
      { name: 'features.3', tensor: '339_quantized', channels: 24, stride: 4, quantized: true },
      { name: 'features.6', tensor: '365_quantized', channels: 32, stride: 8, quantized: true },
      { name: 'features.10', tensor: '400_quantized', channels: 64, stride: 16, quantized: true },
      { name: 'features.13', tensor: '426_quantized', channels: 96, stride: 16, quantized: true },
      { name: 'features.16', tensor: '452_quantized', channels: 160, stride: 32, quantized: true },
    ],
    defaultTaps: ['features.6', 'features.13'],
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
    license: 'Apache-2.0',
    precision: 'fp32',
    input: { name: 'data', size: 224, mean: [...IMAGENET.mean], std: [...IMAGENET.std] },
    taps: [],
    defaultTaps: ['layer2', 'layer3'],
  },
];

export const DEFAULT_BACKBONE = 'mobilenetv2-12-int8';

export function backboneNames(): string[] {
  return BACKBONES.map((b) => b.name);
}

/** @throws StationError('NOT_FOUND') naming the known backbones. */
export function getBackbone(name: string): BackboneSpec {
  const spec = BACKBONES.find((b) => b.name === name);
  if (!spec) {
    throw new StationError('NOT_FOUND', `Unknown backbone ${name}. Known backbones: ${backboneNames().join(', ')}`);
  }
  return spec;
}

export function findBackboneBySha256(sha256: string): BackboneSpec | null {
  return BACKBONES.find((b) => b.sha256 === sha256) ?? null;
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
