"""Procedural normal "parts": a product is a family plus fixed parameters; every rendering varies
pose, lighting, colour and noise like successive parts under one camera."""
from dataclasses import dataclass, field

import numpy as np

from .noise import box_blur, coords, upsample, value_noise

FAMILIES = (
    "brushed metal", "cast metal", "woven fabric", "knitted fabric", "leather", "wood", "tiles",
    "pcb", "screw", "nut", "bottle", "cap", "pill", "capsule",
)
# Objects on a plain background: NSA skips background pixels for these (docs/method.md §Training data).
OBJECT_FAMILIES = {"screw", "nut", "bottle", "cap", "pill", "capsule"}
# Damage along a textile's edge is frayed; along anything hard (glass, ceramic, metal, wood, plastic), chipped.
TEXTILE_FAMILIES = {"woven fabric", "knitted fabric", "leather"}

PRODUCT_NAMES = {
    "brushed metal": ["brushed steel plate", "metal sheet", "aluminium panel"],
    "cast metal": ["cast housing", "cast metal part", "engine bracket"],
    "woven fabric": ["woven fabric", "carpet", "textile"],
    "knitted fabric": ["knitted fabric", "sweater panel", "mesh"],
    "leather": ["leather", "leather seat", "wallet"],
    "wood": ["wood panel", "veneer", "plank"],
    "tiles": ["tile", "grid", "ceramic tile"],
    "pcb": ["circuit board", "PCB", "controller board"],
    "screw": ["screw", "bolt", "fastener"],
    "nut": ["hex nut", "nut", "metal nut"],
    "bottle": ["bottle", "glass bottle", "jar"],
    "cap": ["bottle cap", "cap", "lid"],
    "pill": ["pill", "tablet"],
    "capsule": ["capsule", "gel capsule"],
}
_SYLLABLES = ["ka", "to", "ri", "mo", "ven", "dal", "xe", "lu", "ra", "pin", "sor", "ta"]


@dataclass
class Product:
    name: str
    family: str
    params: dict = field(default_factory=dict)
    grey: bool = False


def random_colour(rng, lo=0.15, hi=0.85):
    return rng.uniform(lo, hi, 3).astype(np.float32)


def make_product(rng: np.random.Generator, family: str | None = None) -> Product:
    family = family or FAMILIES[rng.integers(len(FAMILIES))]
    if rng.random() < 0.2:
        # Invented names teach the model to copy the recipe's product name, not recall it.
        name = "".join(rng.choice(_SYLLABLES, rng.integers(2, 4))) + f" {rng.choice(['part', 'unit', 'panel', 'piece'])}"
    else:
        name = str(rng.choice(PRODUCT_NAMES[family]))
    params = {
        "base": random_colour(rng),
        "accent": random_colour(rng),
        "background": random_colour(rng, 0.02, 0.35) if rng.random() < 0.7 else random_colour(rng, 0.7, 0.95),
        "scale": float(rng.uniform(0.6, 1.6)),
        "radius": float(rng.uniform(0.28, 0.4)),
        "seed": int(rng.integers(1 << 30)),
    }
    return Product(name=name, family=family, params=params, grey=bool(rng.random() < 0.25))


def render(product: Product, rng: np.random.Generator, size: int):
    """One normal image (size, size, 3) in [0, 1] and its foreground mask (None for full-frame textures)."""
    p = product.params
    img, fg = _FAMILY_RENDERERS[product.family](p, rng, size)
    img = _lighting(img, rng, size)
    img += rng.normal(0, rng.uniform(0.005, 0.02), img.shape).astype(np.float32)
    if product.grey:
        img = np.repeat(img.mean(axis=2, keepdims=True), 3, axis=2)
    return np.clip(img, 0, 1).astype(np.float32), fg


def _lighting(img, rng, size):
    ys, xs = coords(size)
    angle = rng.uniform(0, 2 * np.pi)
    gradient = 1 + rng.uniform(0, 0.25) * ((xs - 0.5) * np.cos(angle) + (ys - 0.5) * np.sin(angle))
    gain = rng.uniform(0.9, 1.1) * rng.uniform(0.96, 1.04, 3)
    return img * gradient[..., None] * gain[None, None, :].astype(np.float32)


def _tint(field, a, b):
    return field[..., None] * a[None, None, :] + (1 - field[..., None]) * b[None, None, :]


def _brushed(p, rng, size):
    streaks = np.repeat(rng.random((size, 1)), size, 1)
    streaks = box_blur(streaks, 1) * 0.5 + 0.5 * value_noise(rng, size, 3)
    if rng.random() < 0.5:
        streaks = streaks.T
    # Bare metal is nearly neutral: a faint tint from the accent colour, not the product colour.
    grey = np.full(3, 0.35 + 0.5 * float(p["base"].mean()), np.float32) * (0.95 + 0.1 * p["accent"])
    return _tint(0.85 + 0.3 * (streaks - 0.5), grey, grey * 0.5), None


def _cast(p, rng, size):
    n = value_noise(rng, size, int(6 * p["scale"]) + 2, 4)
    pits = (rng.random((size, size)) < 0.01).astype(np.float32)
    n = n - 0.3 * box_blur(pits, 1)
    return _tint(n, p["base"], p["base"] * 0.6), None


def _weave(p, rng, size, knitted=False):
    ys, xs = coords(size)
    period = 0.03 + 0.04 * p["scale"]
    phase = rng.uniform(0, 1, 2)
    u = (xs + phase[0]) / period
    v = (ys + phase[1]) / period
    if knitted:
        field = 0.5 + 0.5 * np.sin(2 * np.pi * u + np.pi * np.abs(np.sin(np.pi * v)))
    else:
        warp = 0.5 + 0.5 * np.sin(2 * np.pi * u)
        weft = 0.5 + 0.5 * np.sin(2 * np.pi * v)
        field = np.where((np.floor(u) + np.floor(v)) % 2 == 0, warp, weft)
    field = 0.8 * field + 0.2 * value_noise(rng, size, 8)
    return _tint(field.astype(np.float32), p["base"], p["accent"] * 0.5), None


def _leather(p, rng, size):
    grain = value_noise(rng, size, int(16 * p["scale"]) + 4, 2)
    creases = np.abs(value_noise(rng, size, 5) - 0.5) < 0.02
    field = 0.7 * grain + 0.3 * value_noise(rng, size, 3) - 0.2 * creases
    brown = np.array([0.45, 0.3, 0.18], np.float32) * 0.5 + 0.5 * p["base"] * np.array([0.9, 0.6, 0.4], np.float32)
    return _tint(field.astype(np.float32), brown, brown * 0.5), None


def _wood(p, rng, size):
    ys, xs = coords(size)
    cx, cy = rng.uniform(-1, 2, 2)
    r = np.sqrt((xs - cx) ** 2 * 0.2 + (ys - cy) ** 2 * 4) + 0.15 * value_noise(rng, size, 3)
    rings = 0.5 + 0.5 * np.sin(r * (20 + 20 * p["scale"]) * 2 * np.pi / 6)
    light = np.array([0.75, 0.55, 0.35], np.float32)
    return _tint(rings.astype(np.float32) ** 1.5, light * 0.6, light), None


def _tiles(p, rng, size):
    ys, xs = coords(size)
    period = 0.12 + 0.15 * p["scale"]
    off = rng.uniform(0, period, 2)
    gx = np.abs(((xs + off[0]) % period) / period - 0.5)
    gy = np.abs(((ys + off[1]) % period) / period - 0.5)
    grout = (np.maximum(gx, gy) > 0.44).astype(np.float32)
    tile = 0.9 + 0.1 * value_noise(rng, size, 6)
    img = _tint(tile, p["base"], p["base"])
    return img * (1 - grout[..., None]) + grout[..., None] * p["accent"] * 0.6, None


def _pcb(p, rng, size):
    board = np.array([0.1, 0.4, 0.15], np.float32) * (0.7 + 0.6 * p["base"][0])
    img = np.broadcast_to(board, (size, size, 3)).copy() * (0.9 + 0.1 * value_noise(rng, size, 10))[..., None]
    copper = np.array([0.8, 0.6, 0.3], np.float32)
    local = np.random.default_rng(p["seed"])  # the layout is the product's, the same on every part
    for _ in range(12):
        w = local.integers(1, 3) * max(1, size // 96)
        if local.random() < 0.5:
            y = local.integers(4, size - 4)
            x0, x1 = sorted(local.integers(0, size, 2))
            img[y : y + w, x0:x1] = copper
        else:
            x = local.integers(4, size - 4)
            y0, y1 = sorted(local.integers(0, size, 2))
            img[y0:y1, x : x + w] = copper
    for _ in range(6):
        y, x = local.integers(6, size - 6, 2)
        r = max(2, size // 40)
        img[y - r : y + r, x - r : x + r] = copper * 1.1
    shift = rng.integers(-2, 3, 2)
    return np.roll(img, tuple(shift), axis=(0, 1)), None


def _object(p, rng, size, shape_fn):
    ys, xs = coords(size)
    cx, cy = 0.5 + rng.normal(0, 0.02, 2)
    angle = rng.uniform(0, 2 * np.pi)
    dx, dy = xs - cx, ys - cy
    u = dx * np.cos(angle) + dy * np.sin(angle)
    v = -dx * np.sin(angle) + dy * np.cos(angle)
    fg, shade = shape_fn(u, v, p)
    bg = p["background"] * (0.95 + 0.05 * value_noise(rng, size, 4))[..., None]
    body = _tint(shade.astype(np.float32), p["base"], p["base"] * 0.45)
    soft = box_blur(fg.astype(np.float32), 1)[..., None]
    return soft * body + (1 - soft) * bg, fg


def _screw(p, rng, size):
    def shape(u, v, p):
        r = p["radius"] * 0.5
        head = u**2 + v**2 < r**2
        shaft = (np.abs(v) < r * 0.45) & (u > 0) & (u < r * 3.5)
        threads = 0.5 + 0.5 * np.sin(u / (r * 0.25) * 2 * np.pi)
        shade = np.where(head, 0.8 - 0.4 * (np.abs(v) < r * 0.12), 0.5 + 0.4 * threads)
        return head | shaft, shade
    return _object(p, rng, size, shape)


def _nut(p, rng, size):
    def shape(u, v, p):
        r = p["radius"]
        hexagon = np.maximum.reduce([np.abs(u * np.cos(k * np.pi / 3) + v * np.sin(k * np.pi / 3)) for k in range(3)]) < r * 0.87
        hole = u**2 + v**2 < (r * 0.45) ** 2
        ring = np.sqrt(u**2 + v**2) / r
        return hexagon & ~hole, 0.5 + 0.5 * np.cos(ring * 6)
    return _object(p, rng, size, shape)


def _bottle(p, rng, size):
    def shape(u, v, p):
        r = np.sqrt(u**2 + v**2) / p["radius"]
        body = r < 1
        return body, np.where(r < 0.45, 0.15, np.where(r < 0.6, 0.9, 0.55 + 0.3 * np.cos(r * 9)))
    return _object(p, rng, size, shape)


def _cap(p, rng, size):
    def shape(u, v, p):
        r = np.sqrt(u**2 + v**2) / p["radius"]
        theta = np.arctan2(v, u)
        knurl = 0.5 + 0.5 * np.sin(theta * 40)
        return r < 1, np.where(r > 0.88, knurl, 0.75 - 0.2 * r)
    return _object(p, rng, size, shape)


def _pill(p, rng, size):
    def shape(u, v, p):
        r = p["radius"]
        body = (u / r) ** 2 + (v / (r * 0.6)) ** 2 < 1
        score = np.abs(u) < r * 0.03
        return body, 0.85 - 0.3 * score - 0.15 * ((u / r) ** 2 + (v / r) ** 2)
    return _object(p, rng, size, shape)


def _capsule(p, rng, size):
    def shape(u, v, p):
        r = p["radius"] * 0.45
        length = r * 1.6
        d = np.sqrt(np.maximum(np.abs(u) - length, 0) ** 2 + v**2)
        return d < r, np.where(u > 0, 0.9, 0.35) - 0.2 * (v / r) ** 2
    return _object(p, rng, size, shape)


_FAMILY_RENDERERS = {
    "brushed metal": _brushed,
    "cast metal": _cast,
    "woven fabric": lambda p, r, s: _weave(p, r, s, knitted=False),
    "knitted fabric": lambda p, r, s: _weave(p, r, s, knitted=True),
    "leather": _leather,
    "wood": _wood,
    "tiles": _tiles,
    "pcb": _pcb,
    "screw": _screw,
    "nut": _nut,
    "bottle": _bottle,
    "cap": _cap,
    "pill": _pill,
    "capsule": _capsule,
}
