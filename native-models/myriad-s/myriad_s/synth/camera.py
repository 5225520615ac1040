"""What a station camera adds to every capture, drawn afresh per image: exposure and gamma drift,
defocus and sensor noise. Goldens and inspected parts are captured independently, so the model
learns to tolerate the differences real lines show between a part and its goldens."""
import numpy as np

from .noise import box_blur


def capture(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.clip(img, 0, 1) ** rng.uniform(0.85, 1.2) * rng.uniform(0.85, 1.15)
    if rng.random() < 0.5:
        out = out + rng.uniform(0.3, 1.0) * (box_blur(out, 1) - out)
    out = out + rng.normal(0, rng.uniform(0.004, 0.03), out.shape)
    return np.clip(out, 0, 1).astype(np.float32)


def faint(before: np.ndarray, after: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A defect painted at part of its contrast: the low-contrast flaws real surfaces show."""
    return before + rng.uniform(0.3, 0.7) * (after - before)
