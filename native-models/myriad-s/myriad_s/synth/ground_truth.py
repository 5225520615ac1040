"""Ground truth of one anomaly instance from its pixel mask and the final image: the words the
corpus uses (3x3 cell, size, colour, shape) are computed here and nowhere else."""
import colorsys

import numpy as np

from ..answer_language import SIZE_CLASSES


def cell_of(y: float, x: float) -> int:
    """Cell index of a point given as fractions of height and width."""
    return min(2, int(y * 3)) * 3 + min(2, int(x * 3))


def size_word(area_fraction: float) -> str:
    return next(word for limit, word in SIZE_CLASSES if area_fraction < limit)


def colour_name(rgb) -> str:
    r, g, b = (float(c) for c in rgb)
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if v < 0.18:
        return "black"
    if s < 0.18:
        return "white" if v > 0.8 else "grey"
    deg = h * 360
    if (deg < 45 or deg >= 330) and v < 0.55:
        return "brown"
    for limit, name in ((15, "red"), (45, "orange"), (70, "yellow"), (165, "green"), (195, "cyan"), (255, "blue"), (290, "purple"), (330, "pink")):
        if deg < limit:
            return name
    return "red"


def shape_of(mask: np.ndarray) -> str:
    """round / elongated / irregular from second moments, as host/lmm/expert-narrator/map-regions.ts."""
    ys, xs = np.nonzero(mask)
    n = len(ys)
    cy, cx = ys.mean() + 0.5, xs.mean() + 0.5
    sxx = ((xs + 0.5 - cx) ** 2).mean() + 1 / 12
    syy = ((ys + 0.5 - cy) ** 2).mean() + 1 / 12
    sxy = ((xs + 0.5 - cx) * (ys + 0.5 - cy)).mean()
    mean, spread = (sxx + syy) / 2, np.sqrt(((sxx - syy) / 2) ** 2 + sxy**2)
    major, minor = mean + spread, max(mean - spread, 1 / 12)
    if np.sqrt(major / minor) >= 2.5:
        return "elongated"
    return "round" if n / (4 * np.pi * np.sqrt(major * minor)) >= 0.75 else "irregular"


def describe_instance(kind: str, mask: np.ndarray, image: np.ndarray) -> dict:
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    cy, cx = (ys.mean() + 0.5) / h, (xs.mean() + 0.5) / w
    counts = np.bincount([cell_of((y + 0.5) / h, (x + 0.5) / w) for y, x in zip(ys, xs)], minlength=9)
    area = len(ys) / (h * w)
    return {
        "type": kind,
        "cell": cell_of(cy, cx),
        "cells": [int(c) for c in np.argsort(-counts) if counts[c] >= 0.2 * len(ys)],
        "centroid": [float(cy), float(cx)],
        "area_fraction": float(area),
        "size": size_word(area),
        "colour": colour_name(image[mask].mean(0)),
        "shape": shape_of(mask),
    }
