import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoImageSpecs, DEMO_GOLDEN_COUNT, DEMO_TEST_LABELS } from '../../../host/demo/demo-set';
import { DEFAULT_ASSETS_DIR, demoManifest, type DemoManifest } from '../../../lab/demo-generate/generate';
import { renderWasher } from '../../../host/demo/washer';
import { decodeImage } from '../../../host/imaging/decode';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

describe('embedded demo assets', () => {
  const specs = demoImageSpecs();

  it('are exactly what the seeded generator renders (regenerate with npm run demo:generate)', async () => {
    for (const spec of specs) {
      const committed = await decodeImage(await readFile(join(DEFAULT_ASSETS_DIR, spec.file)));
      const rendered = renderWasher(spec.params);
      expect([committed.width, committed.height], spec.file).toEqual([256, 256]);
      expect(Buffer.compare(Buffer.from(committed.data), Buffer.from(rendered.data)), spec.file).toBe(0);
    }
  });

  it('hold the golden set, the test set in play order and a matching manifest', async () => {
    expect(specs.filter((s) => s.file.startsWith('golden/'))).toHaveLength(DEMO_GOLDEN_COUNT);
    expect(specs.filter((s) => s.file.startsWith('test/')).map((s) => s.label)).toEqual(DEMO_TEST_LABELS);
    const manifest = JSON.parse(await readFile(join(DEFAULT_ASSETS_DIR, 'manifest.json'), 'utf8')) as DemoManifest;
    expect(manifest).toEqual(demoManifest(specs));
    const onDisk = (await filesUnder(DEFAULT_ASSETS_DIR)).map((f) => f.slice(DEFAULT_ASSETS_DIR.length + 1)).sort();
    expect(onDisk).toEqual([...specs.map((s) => s.file), 'manifest.json'].sort());
  });

  it('stay small enough to commit and ship (< 1.5 MB)', async () => {
    let total = 0;
    for (const f of await filesUnder(DEFAULT_ASSETS_DIR)) total += (await stat(f)).size;
    expect(total).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('paint each defect where the manifest says, and only there', () => {
    for (const spec of specs.filter((s) => s.label !== 'good')) {
      const withDefect = renderWasher(spec.params);
      const clean = renderWasher({ ...spec.params, defects: [] });
      const d = spec.params.defects[0]!;
      let changed = 0;
      let farChanged = 0;
      for (let y = 0; y < 256; y++) {
        for (let x = 0; x < 256; x++) {
          const o = (y * 256 + x) * 3;
          const diff = Math.abs(withDefect.data[o]! - clean.data[o]!) + Math.abs(withDefect.data[o + 2]! - clean.data[o + 2]!);
          if (diff < 20) continue;
          changed++;
          if (Math.hypot(x + 0.5 - d.x, y + 0.5 - d.y) > d.size * 1.5 + 4) farChanged++;
        }
      }
      expect(changed, spec.file).toBeGreaterThan(30);
      expect(farChanged, spec.file).toBe(0);
    }
  });

  it('render the same pixels for the same seed and different ones for another seed', () => {
    const a = demoImageSpecs(1);
    expect(demoImageSpecs(1)).toEqual(a);
    expect(demoImageSpecs(2)[0]!.params).not.toEqual(a[0]!.params);
  });
});
