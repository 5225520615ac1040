// Imports an anomalib export and inspects one grey image with a white square in a process of its
// own, so a test can run it on another CPU model (node under `qemu-x86_64 -cpu`); writes the map
// followed by the score as float32.
// Usage: node --import tsx anomalib-child.ts MODEL.onnx OUT.f32
import { writeFileSync } from 'node:fs';
import { loadAnomalibExpert } from '../../host/experts/anomalib';
import { spotImage } from '../host/experts/anomalib/anomalib-fixtures';

async function main(): Promise<void> {
  const [model, out] = process.argv.slice(2) as [string, string];
  const expert = await loadAnomalibExpert(model, { device: 'cpu' });
  const result = await expert.inspect(spotImage(32, 64, 255, 8));
  const values = new Float32Array(result.map.length + 1);
  values.set(result.map);
  values[result.map.length] = result.score;
  writeFileSync(out, Buffer.from(values.buffer));
}

void main();
