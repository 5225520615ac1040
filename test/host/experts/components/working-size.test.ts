import { describe, expect, it } from 'vitest';
import { resolveWorkingSize, sizeForAspect, workingSizeOf } from '../../../../host/experts/components/working-size';

const wide = (n: number, w = 256, h = 104) => Array.from({ length: n }, () => ({ width: w, height: h }));

describe('working size', () => {
  it('keeps a shared non-square aspect with inputSize on the short side', () => {
    const r = resolveWorkingSize('auto', 256, wide(3));
    expect(r).toMatchObject({ aspect: 'keep', workingSize: { width: 640, height: 256 } });
    expect(r.note).toMatch(/aspect ratio 2\.46:1 kept: working size 640x256/);
    // Portrait parts the other way round.
    expect(resolveWorkingSize('auto', 128, wide(2, 100, 300)).workingSize).toEqual({ width: 128, height: 384 });
  });

  it('squashes near-square sets, sets without one shared aspect, and when asked', () => {
    expect(resolveWorkingSize('auto', 256, wide(4, 300, 256))).toEqual({ aspect: 'square', workingSize: { width: 256, height: 256 } });
    const mixed = resolveWorkingSize('auto', 256, [...wide(3), ...wide(3, 104, 256)]);
    expect(mixed).toMatchObject({ aspect: 'square', workingSize: { width: 256, height: 256 } });
    expect(mixed.note).toMatch(/do not share one aspect ratio/);
    expect(resolveWorkingSize('square', 256, wide(3))).toEqual({ aspect: 'square', workingSize: { width: 256, height: 256 } });
    // 'keep' keeps even a slight aspect.
    expect(resolveWorkingSize('keep', 256, wide(2, 300, 256)).workingSize).toEqual({ width: 288, height: 256 });
  });

  it('snaps to multiples of 32 and caps the aspect', () => {
    expect(sizeForAspect(20, 256)).toEqual({ width: 1536, height: 256 });
    const s = sizeForAspect(1.7, 224);
    expect(s.width % 32).toBe(0);
    expect(s.height).toBe(224);
  });

  it('reads a state saved before working sizes as the square input', () => {
    expect(workingSizeOf({ inputSize: 192 })).toEqual({ width: 192, height: 192 });
    expect(workingSizeOf({ inputSize: 192, workingSize: { width: 480, height: 192 } })).toEqual({ width: 480, height: 192 });
  });
});
