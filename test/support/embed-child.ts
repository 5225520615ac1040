// Embeds one image with the station's feature extractor (default PatchCore taps, 256 x 256) in a
// process of its own, so a test can run it on another CPU model (node under `qemu-x86_64 -cpu`).
// Usage: node --import tsx embed-child.ts DATA_DIR IMAGE OUT.f32
import { writeFileSync } from 'node:fs';
import { createFeatureExtractor } from '../../host/experts/components/feature-extractor';
import { readImageFile } from '../../host/imaging/decode';
import { DEFAULT_BACKBONE, getBackbone } from '../../host/models/registry';

async function main(): Promise<void> {
  const [dataDir, image, out] = process.argv.slice(2) as [string, string, string];
  const spec = getBackbone(DEFAULT_BACKBONE);
  const extractor = await createFeatureExtractor(
    { backbone: DEFAULT_BACKBONE, taps: [...spec.defaultTaps], inputWidth: 256, inputHeight: 256 },
    { dataDir, device: 'cpu' },
  );
  const { data } = await extractor.embed(await readImageFile(image));
  writeFileSync(out, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

void main();
