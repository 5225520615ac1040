"""Smooth random fields, the raw material of every procedural texture."""
import numpy as np


def upsample(grid: np.ndarray, size: int) -> np.ndarray:
    """Bilinear upsampling of a (h, w) grid to (size, size), corners aligned."""
    h, w = grid.shape
    ys = np.linspace(0, h - 1, size)
    xs = np.linspace(0, w - 1, size)
    y0 = np.floor(ys).astype(int)
    x0 = np.floor(xs).astype(int)
    y1 = np.minimum(y0 + 1, h - 1)
    x1 = np.minimum(x0 + 1, w - 1)
    fy = (ys - y0)[:, None]
    fx = (xs - x0)[None, :]
    top = grid[y0][:, x0] * (1 - fx) + grid[y0][:, x1] * fx
    bottom = grid[y1][:, x0] * (1 - fx) + grid[y1][:, x1] * fx
    return (top * (1 - fy) + bottom * fy).astype(np.float32)


def value_noise(rng: np.random.Generator, size: int, cells: int, octaves: int = 3) -> np.ndarray:
    """Fractal value noise in [0, 1]: `cells` random values per side at the coarsest octave."""
    out = np.zeros((size, size), np.float32)
    amp, total = 1.0, 0.0
    for o in range(octaves):
        n = max(2, cells * 2**o)
        out += amp * upsample(rng.random((n, n)), size)
        total += amp
        amp *= 0.5
    return out / total


def box_blur(img: np.ndarray, radius: int) -> np.ndarray:
    """Separable box blur (edge-padded) of a (H, W) or (H, W, C) array."""
    if radius <= 0:
        return img
    k = 2 * radius + 1
    out = img.astype(np.float32)
    for axis in (0, 1):
        pad = [(0, 0)] * out.ndim
        pad[axis] = (radius + 1, radius)
        c = np.cumsum(np.pad(out, pad, mode="edge"), axis=axis)
        hi = np.take(c, np.arange(k, k + img.shape[axis]), axis=axis)
        lo = np.take(c, np.arange(0, img.shape[axis]), axis=axis)
        out = (hi - lo) / k
    return out


def coords(size: int):
    """Pixel-centre coordinates as fractions in [0, 1): (ys, xs), each (size, size)."""
    t = (np.arange(size, dtype=np.float32) + 0.5) / size
    return np.meshgrid(t, t, indexing="ij")
