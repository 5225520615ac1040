import { describe, expect, it } from 'vitest';
import { mirrorPad } from '../../../../host/experts/components/feature-extractor';

describe('mirrorPad', () => {
  it('mirrors about the edge pixel on every side, per channel', () => {
    // 3 channels of a 3x2 image; channel c holds 100 c + 10 y + x.
    const W = 3, H = 2, pad = 2;
    const pixels = new Float32Array(3 * W * H);
    for (let c = 0; c < 3; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) pixels[c * W * H + y * W + x] = 100 * c + 10 * y + x;
    const PW = W + 2 * pad, PH = H + 2 * pad;
    const out = new Float32Array(3 * PW * PH);
    mirrorPad(pixels, W, H, pad, out);
    const at = (c: number, y: number, x: number) => out[c * PW * PH + (y + pad) * PW + (x + pad)];
    // Inside: the image itself.
    expect(at(1, 1, 2)).toBe(112);
    // Left of column 0: columns 1, 2 mirrored (the edge is not repeated).
    expect([at(0, 0, -1), at(0, 0, -2)]).toEqual([1, 2]);
    // Right of column 2: columns 1, 0.
    expect([at(2, 1, 3), at(2, 1, 4)]).toEqual([211, 210]);
    // A pad longer than the 2-row image folds back: rows -1, -2 are rows 1, 0; rows 2, 3 are rows 0, 1.
    expect([at(0, -1, 0), at(0, -2, 0), at(0, 2, 0), at(0, 3, 0)]).toEqual([10, 0, 0, 10]);
  });
});
