"""Benign variation in the golden-relative input: a good real part differs from its goldens more in
some places than the goldens differ from each other (a bottle's mouth, a moulding line, a brighter
highlight), so its relative features carry compact regions of raised residual where nothing is
wrong. Synthetic goods rendered from the same procedure as their goldens rarely do, and a model
trained on them alone reads any such region as a defect ("Yes, a tiny dust speck"). This amplifies the
part's own residual in one compact region of a good example, leaving its direction (what differs)
as it was, so the model learns that raised residual without the map's support is not by itself an
anomaly. The map-side counterpart is expert_maps.add_benign_response."""
import numpy as np

# Gain at the region's centre: a good part's residual is about unit scale per channel, a painted
# defect's cells several times that; the upper end stays below most defects.
GAIN_RANGE = (1.5, 3.0)
# Region radius (Gaussian sigma) as a share of the grid side.
SIGMA_RANGE = (0.04, 0.12)


def amplify_benign_residual(features: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(C, S, S) relative features -> the same with one compact region's residual scaled up."""
    if features.ndim != 3 or features.shape[1] != features.shape[2]:
        raise ValueError(f"(C, S, S) relative features expected, got {features.shape}")
    size = features.shape[1]
    cy, cx = rng.uniform(0.05, 0.95, 2) * size
    sigma = rng.uniform(*SIGMA_RANGE) * size
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    blob = np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / (2 * sigma**2)).astype(np.float32)
    gain = 1.0 + (rng.uniform(*GAIN_RANGE) - 1.0) * blob
    return (features * gain[None]).astype(np.float32)


def raise_benign_residuals(features: list, defective: list, share: float, rng: np.random.Generator) -> list:
    """A batch's relative features with `share` of its good, read examples amplified; defective examples
    and examples without features (None) are left as they are."""
    return [amplify_benign_residual(f, rng) if f is not None and not bad and rng.random() < share else f
            for f, bad in zip(features, defective)]
