"""Expert anomaly maps and backbone features for training.

The shipped model must learn from the product's own expert (host/experts, onnxruntime-node), bit
for bit: data.load_station_examples reads what host/lmm/myriad-s/training-data-cli.ts wrote for a
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
