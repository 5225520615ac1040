"""Seamless (Poisson) blending without SciPy: Jacobi iterations of the guided interpolation
(Perez et al. 2003) on the patch's bounding box, so a cut-paste patch keeps its texture but takes
the target's brightness at its border, like NSA's cv2.seamlessClone."""
import numpy as np


def _laplacian(a: np.ndarray) -> np.ndarray:
    p = np.pad(a, ((1, 1), (1, 1), (0, 0)), mode="edge")
    return 4 * a - p[:-2, 1:-1] - p[2:, 1:-1] - p[1:-1, :-2] - p[1:-1, 2:]


def poisson_blend(target: np.ndarray, source: np.ndarray, mask: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Blends `source` into `target` where `mask` (H, W bool) is set; both (H, W, 3), same size."""
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return target
    y0, y1 = max(ys.min() - 1, 0), min(ys.max() + 2, target.shape[0])
    x0, x1 = max(xs.min() - 1, 0), min(xs.max() + 2, target.shape[1])
    t = target[y0:y1, x0:x1].astype(np.float32)
    guide = _laplacian(source[y0:y1, x0:x1].astype(np.float32))
    inside = mask[y0:y1, x0:x1][..., None]
    # Start from the source shifted to the target's mean so fewer iterations are needed.
    f = np.where(inside, source[y0:y1, x0:x1] - source[y0:y1, x0:x1][mask[y0:y1, x0:x1]].mean(0) + t[mask[y0:y1, x0:x1]].mean(0), t)
    for _ in range(iterations):
        p = np.pad(f, ((1, 1), (1, 1), (0, 0)), mode="edge")
        neighbours = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
        f = np.where(inside, (neighbours + guide) / 4, t)
    out = target.copy()
    out[y0:y1, x0:x1] = np.clip(f, 0, 1)
    return out
