"""A recipe's threshold is not always where its parts need it. One golden image of a texture sets it
low: every view of that image looks more like the image than a new good part does, so a new good
part's whole map lies above the threshold and a defect differs from it only in how far above. Synthetic
products are rendered from one procedure, their goldens look like their other parts, and their
thresholds sit well; a model trained on them alone has never seen a map that is hot all over and
reads one as it reads a map with nothing on it.
This re-normalises a training map as a recipe whose threshold lies `k` times lower (k > 1) or higher
(k < 1) would have made it, on the station's scale (host/experts/components/map-normalisation.ts:
floor 0, threshold 0.5, compressed above it). The answer keeps the part's own truth, so the model
learns to read a map by how its hot places stand out, not by the threshold alone."""
import numpy as np

# log-uniform: mostly thresholds set too low (one golden image of a texture), some too high
K_RANGE = (0.8, 2.5)
# A map value this close to 1 stands for "very far above the threshold" (float32 saturates there).
TOP = 1.0 - 1e-6


def to_map_scale(n: np.ndarray) -> np.ndarray:
    """Normalised values (floor 0, threshold 0.5) -> the map's [0,1], as toMapScale does."""
    n = np.maximum(n, 0.0)
    return np.where(n <= 0.5, n, 0.5 + 0.5 * np.tanh((n - 0.5) / 0.5))


def from_map_scale(m: np.ndarray) -> np.ndarray:
    """The inverse of to_map_scale on [0, 1)."""
    m = np.clip(m.astype(np.float64), 0.0, TOP)
    return np.where(m <= 0.5, m, 0.5 + 0.5 * np.arctanh(np.maximum(2.0 * m - 1.0, 0.0)))


def rescale_threshold(m: np.ndarray, k: float) -> np.ndarray:
    """A (M, M) map as a recipe with its threshold k times lower would have made it."""
    return to_map_scale(from_map_scale(m) * k).astype(np.float32)


def jitter_thresholds(maps: list, share: float, rng: np.random.Generator) -> list:
    """`share` of the maps rescaled by a log-uniform k in K_RANGE; the others as they are."""
    lo, hi = np.log(K_RANGE[0]), np.log(K_RANGE[1])
    return [rescale_threshold(m, float(np.exp(rng.uniform(lo, hi)))) if rng.random() < share else m for m in maps]
