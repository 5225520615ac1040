"""One synthetic inspection sample: a normal part, optionally anomalies and nuisances, and its
full ground truth."""
from dataclasses import dataclass, field

import numpy as np

from . import defects as d
from .camera import capture, faint
from .ground_truth import describe_instance
from .parts import OBJECT_FAMILIES, TEXTILE_FAMILIES, Product, render

# Each painter takes (image, rng, foreground mask or None, context: the product's background colour
# and, for cut-paste, a donor image of the same product with its mask).
PAINTERS = {
    "scratch": lambda img, rng, fg, ctx: d.scratch(img, rng, fg),
    "crack": lambda img, rng, fg, ctx: d.crack(img, rng, fg),
    "hole": lambda img, rng, fg, ctx: d.hole(img, rng, fg),
    "dent": lambda img, rng, fg, ctx: d.dent(img, rng, fg),
    "stain": lambda img, rng, fg, ctx: d.stain(img, rng, fg),
    "contamination": lambda img, rng, fg, ctx: d.stain(img, rng, fg, contamination=True),
    "discolouration": lambda img, rng, fg, ctx: d.discolouration(img, rng, fg),
    "missing piece": lambda img, rng, fg, ctx: d.missing_piece(img, rng, fg, ctx["background"]),
    "bent": lambda img, rng, fg, ctx: d.bent(img, rng, fg),
    "extra material": lambda img, rng, fg, ctx: d.extra_material(img, rng, fg),
    "cut-paste": lambda img, rng, fg, ctx: d.cut_paste(img, rng, fg, *ctx["donor"]),
    "pitting": lambda img, rng, fg, ctx: d.pitting(img, rng, fg),
    "fray": lambda img, rng, fg, ctx: d.fray(img, rng, fg, ctx["background"]),
}
_NUISANCES = {"shadow": d.shadow, "dust": d.dust, "reflection": d.reflection}


def edge_damage_word(kind: str, family: str) -> str:
    """The type a painted defect is recorded as: the same edge damage is "fray" on a textile and
    "chip" on a hard part."""
    return "chip" if kind == "fray" and family not in TEXTILE_FAMILIES else kind


@dataclass
class Sample:
    product: Product
    image: np.ndarray  # (H, W, 3) float32 in [0, 1]
    defects: list = field(default_factory=list)  # ground truth of each defect instance
    nuisances: list = field(default_factory=list)  # benign: shadow, dust, reflection
    defect_mask: np.ndarray | None = None
    nuisance_mask: np.ndarray | None = None


def make_sample(
    product: Product, rng: np.random.Generator, size: int, anomalous: bool, nuisance_rate: float = 0.25, camera: bool = False, faint_share: float = 0.0
) -> Sample:
    """`camera`: the capture drifts per image (camera.py); `faint_share`: share of defects painted at part of their contrast."""
    img, fg = render(product, rng, size)
    ctx = {"background": product.params["background"], "donor": render(product, rng, size)}
    min_pixels = d.MIN_MASK_PIXELS * (size / 256) ** 2
    painted = []
    if anomalous:
        for _ in range(1 if rng.random() < 0.7 else rng.integers(2, 4)):
            kind = d.DEFECT_TYPES[rng.integers(len(d.DEFECT_TYPES))]
            if kind in ("missing piece", "bent") and product.family not in OBJECT_FAMILIES and rng.random() < 0.5:
                kind = "crack"
            out, mask = PAINTERS[kind](img, rng, fg, ctx)
            if faint_share > 0 and rng.random() < faint_share:
                out = faint(img, out, rng)
            if mask.sum() >= min_pixels:
                img = out
                painted.append((edge_damage_word(kind, product.family), mask))
    nuisance = []
    if rng.random() < nuisance_rate:
        kind = list(_NUISANCES)[rng.integers(len(_NUISANCES))]
        img, mask = _NUISANCES[kind](img, rng, fg)
        if mask.sum() > 0:
            nuisance.append((kind, mask))
    img = capture(img, rng) if camera else np.clip(img, 0, 1).astype(np.float32)
    sample = Sample(product=product, image=img)
    sample.defects = [describe_instance(k, m, img) for k, m in painted]
    sample.nuisances = [describe_instance(k, m, img) for k, m in nuisance]
    sample.defect_mask = np.any([m for _, m in painted], axis=0) if painted else np.zeros((size, size), bool)
    sample.nuisance_mask = np.any([m for _, m in nuisance], axis=0) if nuisance else np.zeros((size, size), bool)
    return sample
