"""Expert anomaly maps and backbone features for training.

The shipped model must learn from the product's own expert (host/experts, onnxruntime-node), bit
for bit: data.load_station_examples reads what lab/myriad-s/training-data.ts wrote for a
generated data set (a float32 map and the backbone embedding per image). `proxy_expert_map` is only
for tests and smoke runs without the station's expert: a noisy, imperfect map made from the
ground-truth mask, with misses and false alarms, and no backbone features.
"""
import numpy as np
import torch
import torch.nn.functional as F

from .synth.noise import box_blur


def resize_map(m: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of a (H, W) map to (size, size), the same filter the station uses before the encoders."""
    t = torch.from_numpy(np.ascontiguousarray(m, dtype=np.float32))[None, None]
    return F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False)[0, 0].numpy()


def proxy_expert_map(anomaly_mask: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    m = box_blur(resize_map(anomaly_mask.astype(np.float32), size), 1)
    if m.max() > 0:
        peak = rng.uniform(0.3, 0.5) if rng.random() < 0.08 else rng.uniform(0.55, 1.0)
        m = m / m.max() * peak
    if rng.random() < 0.08:
        y, x = rng.integers(0, size, 2)
        r = rng.integers(1, 4)
        blob = np.zeros((size, size), np.float32)
        blob[max(0, y - r) : y + r, max(0, x - r) : x + r] = rng.uniform(0.52, 0.8)
        m = np.maximum(m, box_blur(blob, 1))
    noise = box_blur(rng.random((size, size)).astype(np.float32), 2) * rng.uniform(0.1, 0.4)
    return np.clip(np.maximum(m, noise), 0, 1).astype(np.float32)


def add_benign_response(m: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The map with a compact sub-threshold response added where nothing is wrong: a real expert
    scores a part's own structure (a bottle's mouth, an edge, a thread) moderately but under its
    threshold, while on the engine's mostly textured parts its normal maps are diffuse. Without
    this, the model learns that every compact blob under the threshold is a missed defect (measured:
    "Yes, a tiny dust speck in the center" on every good real bottle, map maxima 0.27-0.50)."""
    size = m.shape[0]
    centred = rng.random() < 0.4
    cy, cx = (rng.uniform(0.35, 0.65, 2) if centred else rng.uniform(0.1, 0.9, 2)) * size
    sigma = rng.uniform(0.04, 0.18) * size
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    blob = np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / (2 * sigma**2))
    if rng.random() < 0.3:  # a ring, as a round part's rim or mouth scores
        r = np.sqrt((ys - cy) ** 2 + (xs - cx) ** 2)
        blob = np.exp(-((r - 1.5 * sigma) ** 2) / (2 * (0.35 * sigma) ** 2))
    ceiling = min(0.48, 0.9 * float(m.max())) if m.max() >= 0.5 else 0.48
    peak = rng.uniform(0.6, 1.0) * ceiling
    return np.maximum(m, (peak * blob).astype(np.float32))
