import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importModel } from '../../../host/models/store';

/** ../shared relative to the repo root: the real backbone copy and the evaluation sets. */
export const SHARED = resolve(__dirname, '../../../../shared');
export const BACKBONE_FILE = join(SHARED, 'models/mobilenetv2-12-int8.onnx');
export const BOTTLE = join(SHARED, 'data/mvtec-bottle');
export const HAS_BACKBONE = existsSync(BACKBONE_FILE);
export const HAS_BOTTLE = existsSync(join(BOTTLE, 'train/good'));
export const SKIP_BACKBONE = `skipped: the real backbone ${BACKBONE_FILE} is absent`;
export const SKIP_BOTTLE = `skipped: ${BOTTLE} is absent`;

if (!HAS_BACKBONE) console.warn(SKIP_BACKBONE);
if (!HAS_BOTTLE) console.warn(SKIP_BOTTLE);

/** A fresh data dir with the real backbone imported into its model store. */
export async function dataDirWithBackbone(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'myriad-experts-'));
  await importModel(dir, BACKBONE_FILE);
  return dir;
}
