"""Defects the features barely show: on a real part a flagged defect is often a few pixels (a pit on a
spindle, a hairline crack) that moves a 32x32 grid cell's feature little against the goldens' own
spread, while the expert's map, made at full resolution, flags it clearly. Synthetic defects are
painted large and contrasty enough that their residual almost always stands out, so a model trained
on them alone learns that "Yes" needs the features' support and answers "No" on such real parts
(most of the expert's right calls it overrules). This lowers a defective example's residual where its
map flags the defect, keeping its direction, so the model learns that a clearly flagged region is a
defect even when the features there are quiet. The good-side counterpart is benign_residual."""
import numpy as np

from .expert_maps import resize_map

# Residual gain left inside the flagged region: from nearly gone to half.
GAIN_RANGE = (0.1, 0.5)
# Map values from which a region counts as flagged, and from which it is fully flagged (the
# recipe's threshold is 0.5): a borderline map is left to the features.
FLAG_RAMP = (0.55, 0.7)


def flagged_region(anomaly_map: np.ndarray, size: int) -> np.ndarray:
    """(M, M) map with its threshold at 0.5 -> (size, size) weights in [0, 1]: 1 where the map clearly
    flags, 0 below the ramp, resized as the station resizes maps (bilinear, half-pixel centres)."""
    resized = resize_map(anomaly_map, size)
    lo, hi = FLAG_RAMP
    return np.clip((resized - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)


def fade_defect_residual(features: np.ndarray, anomaly_map: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(C, S, S) relative features of a defective example -> the same with the residual lowered where
    the map flags; unchanged where it does not."""
    if features.ndim != 3 or features.shape[1] != features.shape[2]:
        raise ValueError(f"(C, S, S) relative features expected, got {features.shape}")
    region = flagged_region(anomaly_map, features.shape[1])
    gain = 1.0 - (1.0 - rng.uniform(*GAIN_RANGE)) * region
    return (features * gain[None]).astype(np.float32)


def fade_defect_residuals(features: list, maps: list, defective: list, share: float, rng: np.random.Generator) -> list:
    """A batch's relative features with `share` of its defective, read examples whose map flags
    (max >= the ramp's start) faded there; good examples, unflagged defects and unread examples (None)
    are left as they are."""
    out = []
    for f, m, bad in zip(features, maps, defective):
        eligible = f is not None and bad and float(np.max(m)) >= FLAG_RAMP[0]
        out.append(fade_defect_residual(f, m, rng) if eligible and rng.random() < share else f)
    return out
