"""How large a good part's golden-relative residual is depends on the product and on how the recipe
measured its goldens' spread, not on whether the part is good: with one golden image real good parts
come out from well below to somewhat above the level synthetic good parts have in training. A model
that learned the synthetic level reads a whole real part as cleaner or dirtier than it is. This scales
an example's whole residual grid by one factor, so that the model reads a defect by how its cells
stand out from the rest of the part, not by the residual's absolute level. The map is left alone."""
import numpy as np

# log-uniform factor: real good parts at one golden lie from about a third of the synthetic goods'
# mean residual to a little above it.
SCALE_RANGE = (1.0 / 3.0, 1.25)


def scale_residual(features: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(C, S, S) relative features -> the same grid times one factor drawn from SCALE_RANGE."""
    if features.ndim != 3:
        raise ValueError(f"(C, S, S) relative features expected, got {features.shape}")
    k = float(np.exp(rng.uniform(np.log(SCALE_RANGE[0]), np.log(SCALE_RANGE[1]))))
    return (features * np.float32(k)).astype(np.float32)


def scale_residual_levels(features: list, share: float, rng: np.random.Generator) -> list:
    """A batch's relative features with `share` of its read examples (good or defective) scaled;
    examples without features (None) are left as they are."""
    return [scale_residual(f, rng) if f is not None and rng.random() < share else f for f in features]
