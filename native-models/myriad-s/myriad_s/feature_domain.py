"""What the training features looked like, so the station can tell an image unlike them.

Myriad-S learns what the backbone features of a defect look like from synthetic parts only. On a
real part far from that domain it reads features it never learned and, measured, calls every
good real bottle defective (first answers "Yes, a small dent ..."), while the same model reading
the expert map alone is right on 80 of 83 test bottles. So the export records the training
features' domain and the station hands features over only for images inside it; outside, the
answer is grounded in the expert map alone, which training prepared the model for (feature
dropout). The descriptor is deliberately coarse (each channel's mean and spread over the grid,
z-scored per dimension, root mean square): a full covariance of 256 dimensions fitted on a few
thousand synthetic samples calls held-out synthetic products foreign too.
"""
import numpy as np

QUANTILE = 0.99
MARGIN = 1.1


def descriptor(features: np.ndarray) -> np.ndarray:
    """(C, H, W) -> (2C,): each channel's mean and standard deviation over the grid."""
    flat = features.reshape(features.shape[0], -1).astype(np.float64)
    return np.concatenate([flat.mean(1), flat.std(1)])


def fit_domain(descriptors: np.ndarray) -> dict:
    """The config.json `feature_domain` record: centre, scale and the largest distance still inside."""
    mean = descriptors.mean(0)
    std = descriptors.std(0) + 1e-6
    distances = distance(descriptors, mean, std)
    return {
        "descriptor": "channel mean and std over the grid; distance = RMS of per-dimension z-scores",
        "mean": [round(float(v), 6) for v in mean],
        "std": [round(float(v), 6) for v in std],
        "max_distance": round(float(np.quantile(distances, QUANTILE) * MARGIN), 4),
        "samples": int(len(descriptors)),
    }


def distance(descriptors: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    return np.sqrt((((descriptors - mean) / std) ** 2).mean(-1))
