import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
/** ../shared from the repo root: real evaluation data and the public backbone copy (never committed). */
export const SHARED = join(REPO_ROOT, '..', 'shared');
export const BOTTLE = join(SHARED, 'data', 'mvtec-bottle');
export const BACKBONE_FILE = join(SHARED, 'models', 'mobilenetv2-12-int8.onnx');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

/** Why the browser tests cannot run here, or null when they can. */
export function e2eSkipReason(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is absent: install Debian chromium to run the browser tests`;
  if (!existsSync(BOTTLE)) return `${BOTTLE} is absent: the browser tests inspect real MVTec bottle images from ../shared`;
  if (!existsSync(BACKBONE_FILE)) return `${BACKBONE_FILE} is absent: the public backbone copy is needed to fit the recipe`;
  return null;
}

/** Screenshots the docs show, rewritten by the browser tests that take them. */
export const DOC_SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
