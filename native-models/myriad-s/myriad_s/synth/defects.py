"""Anomalies painted onto a normal image, and benign nuisances. Each returns the new image and the
pixel mask of what it changed; the caller records the type."""
import numpy as np

from .noise import box_blur, coords, value_noise
from .parts import make_product, render
from .poisson import poisson_blend

DEFECT_TYPES = (
    "scratch", "crack", "hole", "dent", "stain", "contamination", "discolouration",
    "missing piece", "bent", "extra material", "cut-paste", "pitting", "fray",
)
NUISANCE_TYPES = ("shadow", "dust", "reflection")
MIN_MASK_PIXELS = 50  # NSA: masks under 50 px are rejected (docs/method.md §Training data), at 256 px scale


def _place(rng, size, fg, margin=0.1):
    """A random point on the part (foreground) or anywhere for textures, as fractions."""
    for _ in range(50):
        y, x = rng.uniform(margin, 1 - margin, 2)
        if fg is None or fg[int(y * size), int(x * size)]:
            return y, x
    return 0.5, 0.5


def _polyline_mask(size, points, width):
    ys, xs = coords(size)
    m = np.zeros((size, size), bool)
    for (ya, xa), (yb, xb) in zip(points[:-1], points[1:]):
        d = np.array([yb - ya, xb - xa])
        length2 = max(float(d @ d), 1e-9)
        t = np.clip(((ys - ya) * d[0] + (xs - xa) * d[1]) / length2, 0, 1)
        dist = np.hypot(ys - (ya + t * d[0]), xs - (xa + t * d[1]))
        m |= dist * size <= width / 2
    return m


def _blob_mask(rng, size, cy, cx, ry, rx, rough=0.35):
    ys, xs = coords(size)
    angle = rng.uniform(0, np.pi)
    dy, dx = ys - cy, xs - cx
    u = (dx * np.cos(angle) + dy * np.sin(angle)) / rx
    v = (-dx * np.sin(angle) + dy * np.cos(angle)) / ry
    return u**2 + v**2 + rough * (value_noise(rng, size, 6, 2) - 0.5) * 2 < 1


def _blend(img, mask, colour, alpha):
    a = box_blur(mask.astype(np.float32), 1)[..., None] * alpha
    return img * (1 - a) + a * np.asarray(colour, np.float32)


def scratch(img, rng, fg):
    size = img.shape[0]
    y, x = _place(rng, size, fg)
    angle, length = rng.uniform(0, np.pi), rng.uniform(0.15, 0.45)
    bend = rng.normal(0, 0.03)
    pts = [(y + (t - 0.5) * length * np.sin(angle) + bend * np.sin(t * np.pi), x + (t - 0.5) * length * np.cos(angle)) for t in np.linspace(0, 1, 6)]
    m = _polyline_mask(size, pts, rng.uniform(1.2, 2.5) * size / 128)
    bright = rng.random() < 0.5
    return _blend(img, m, (0.95, 0.95, 0.95) if bright else (0.08, 0.08, 0.08), rng.uniform(0.6, 0.9)), m


def crack(img, rng, fg):
    size = img.shape[0]
    y, x = _place(rng, size, fg)
    pts = [(y, x)]
    heading = rng.uniform(0, 2 * np.pi)
    for _ in range(rng.integers(6, 12)):
        heading += rng.normal(0, 0.6)
        step = rng.uniform(0.02, 0.05)
        pts.append((pts[-1][0] + step * np.sin(heading), pts[-1][1] + step * np.cos(heading)))
    m = _polyline_mask(size, pts, rng.uniform(1.5, 3) * size / 128)
    return _blend(img, m, (0.05, 0.04, 0.04), 0.85), m


def hole(img, rng, fg):
    size = img.shape[0]
    y, x = _place(rng, size, fg, 0.15)
    r = rng.uniform(0.025, 0.07)
    m = _blob_mask(rng, size, y, x, r, r, rough=0.05)
    out = _blend(img, m, (0.03, 0.03, 0.03), 0.95)
    rim = _blob_mask(rng, size, y, x, r * 1.3, r * 1.3, rough=0.05) & ~m
    return _blend(out, rim, (0.6, 0.6, 0.6), 0.3), m | rim


def dent(img, rng, fg):
    """A dent or bump: the surface's shading tilted across a round region. Two in five are large and
    shallow, an uneven stretch of surface rather than a point impact."""
    size = img.shape[0]
    shallow = rng.random() < 0.4
    y, x = _place(rng, size, fg, 0.15)
    r = rng.uniform(0.15, 0.35) if shallow else rng.uniform(0.05, 0.1)
    ys, xs = coords(size)
    m = _blob_mask(rng, size, y, x, r, r * rng.uniform(0.5, 1) if shallow else r, rough=0.3 if shallow else 0.1)
    if fg is not None:
        m &= fg
    angle = rng.uniform(0, 2 * np.pi)
    tilt = rng.uniform(0.15, 0.3) if shallow else 0.45
    shade = 1 + tilt * (((xs - x) * np.cos(angle) + (ys - y) * np.sin(angle)) / r)
    soft = box_blur(m.astype(np.float32), 6 if shallow else 2)[..., None]
    return img * (1 - soft) + soft * img * shade[..., None], m


def stain(img, rng, fg, contamination=False):
    if contamination and rng.random() < 0.5:
        return foreign_material(img, rng, fg)
    size = img.shape[0]
    y, x = _place(rng, size, fg, 0.15)
    r = rng.uniform(0.04, 0.12)
    m = _blob_mask(rng, size, y, x, r * rng.uniform(0.6, 1), r, rough=0.5)
    palette = [(0.35, 0.2, 0.08), (0.05, 0.05, 0.05), (0.7, 0.6, 0.2), (0.2, 0.3, 0.1)] if not contamination else [
        (0.9, 0.9, 0.85), (0.1, 0.1, 0.5), (0.6, 0.1, 0.1), (0.2, 0.5, 0.8)]
    colour = palette[rng.integers(len(palette))]
    return _blend(img, m, colour, rng.uniform(0.55, 0.85)), m


def foreign_material(img, rng, fg):
    """Contamination by something that does not belong to the part: an irregular piece of another
    product's surface (fibre, chip, film, debris) lying on it, its edge sharp or feathered."""
    size = img.shape[0]
    y, x = _place(rng, size, fg, 0.15)
    r = rng.uniform(0.03, 0.14)
    m = _blob_mask(rng, size, y, x, r * rng.uniform(0.3, 1), r, rough=rng.uniform(0.3, 0.8))
    if fg is not None:
        m &= fg
    debris, _ = render(make_product(rng), rng, size)
    a = box_blur(m.astype(np.float32), int(rng.integers(0, 3)))[..., None] * rng.uniform(0.7, 1.0)
    return img * (1 - a) + a * debris, m


def discolouration(img, rng, fg):
    size = img.shape[0]
    y, x = _place(rng, size, fg, 0.15)
    r = rng.uniform(0.08, 0.16)
    m = _blob_mask(rng, size, y, x, r, r * rng.uniform(0.6, 1), rough=0.3)
    shift = rng.uniform(-0.25, 0.25, 3).astype(np.float32)
    soft = box_blur(m.astype(np.float32), 2)[..., None]
    return np.clip(img + soft * shift, 0, 1), m


def missing_piece(img, rng, fg, background):
    """A chip or break: a bite out of the part's edge showing what lies behind it. A full-frame
    surface's edge is the frame's (a tile or plate photographed to fill the image), so half of its
    chips sit on the frame's border or corner, the rest inside as a broken-out piece."""
    size = img.shape[0]
    r = rng.uniform(0.04, 0.09)
    if fg is not None:
        # Bite out of the part's edge: pick an edge pixel of the foreground.
        edge = fg & ~np.roll(fg, 3, 0) | fg & ~np.roll(fg, -3, 1)
        ys, xs = np.nonzero(edge)
        i = rng.integers(len(ys))
        y, x = ys[i] / size, xs[i] / size
        fill = background
        if rng.random() < 0.5:
            return _fracture(img, rng, fg, y, x, background)
    elif rng.random() < 0.5:
        y, x = _frame_point(rng)
        r = rng.uniform(0.06, 0.16)
        fill = _behind(rng)
    else:
        y, x = _place(rng, size, fg, 0.15)
        fill = img.mean((0, 1)) * 0.3
    m = _blob_mask(rng, size, y, x, r, r * rng.uniform(0.6, 1), rough=0.2)
    if fg is not None:
        m &= fg
    return _blend(img, m, fill, 1.0), m


def _fracture(img, rng, fg, y, x, background):
    """A piece broken out of a glass or ceramic part's edge: what remains shows fracture faces, bright
    where they catch the light, with dark gaps of what lies behind between them."""
    size = img.shape[0]
    r = rng.uniform(0.04, 0.12)
    m = _blob_mask(rng, size, y, x, r * rng.uniform(0.3, 0.7), r, rough=0.5) & fg
    shards = value_noise(rng, size, int(rng.integers(12, 30)), 2)
    bright = m & (shards > rng.uniform(0.5, 0.62))
    out = _blend(img, m & ~bright, background, 0.9)
    out = _blend(out, bright, np.full(3, rng.uniform(0.75, 0.98), np.float32), rng.uniform(0.6, 0.95))
    return out, m


def _frame_point(rng):
    """A point on the frame's border, a corner one time in three, as fractions."""
    if rng.random() < 1 / 3:
        return float(rng.integers(2)), float(rng.integers(2))
    t = rng.uniform(0.1, 0.9)
    side = rng.integers(4)
    return ((0.0, t), (1.0, t), (t, 0.0), (t, 1.0))[side]


def _behind(rng):
    """What shows where material is missing: a dark fixture, or now and then a bright one."""
    level = rng.uniform(0.02, 0.2) if rng.random() < 0.8 else rng.uniform(0.75, 0.95)
    return np.full(3, level, np.float32)


def pitting(img, rng, fg):
    """Pitting: one pit or a cluster of small pits in a surface (corrosion, machining, blowholes in a
    casting), smaller than any other painted defect and darker than the surface, never lighter (dust
    is). Half are crisp cavities with a lit rim on the side facing the light; the others corrosion
    pits: rough, low-contrast, often brownish specks, sometimes strung along a line."""
    size = img.shape[0]
    y, x = _place(rng, size, fg, 0.12)
    corroded = rng.random() < 0.5
    spread = rng.uniform(0.005, 0.1)
    along = rng.uniform(0, np.pi) if rng.random() < 0.4 else None
    light = rng.uniform(0, 2 * np.pi)
    rust = np.array([0.45, 0.3, 0.18], np.float32) * rng.uniform(0.5, 1.2)
    ys, xs = coords(size)
    out = img.copy()
    m = np.zeros((size, size), bool)
    count = 1 if rng.random() < 0.2 else int(rng.integers(2, 20 if corroded else 9))
    for _ in range(count):
        if along is None:
            dy, dx = rng.normal(0, spread, 2)
        else:
            t, off = rng.normal(0, spread * 1.5), rng.normal(0, spread * 0.15)
            dy, dx = t * np.sin(along) + off * np.cos(along), t * np.cos(along) - off * np.sin(along)
        py, px = float(np.clip(y + dy, 0.02, 0.98)), float(np.clip(x + dx, 0.02, 0.98))
        if fg is not None and not fg[int(py * size), int(px * size)]:
            continue
        local = out[int(py * size), int(px * size)]
        if corroded:
            r = rng.uniform(0.004, 0.014)
            core = _blob_mask(rng, size, py, px, r, r * rng.uniform(0.4, 1), rough=0.6)
            dark = local * rng.uniform(0.35, 0.75)
            colour = dark if rng.random() < 0.5 else np.minimum(dark, rust * local.mean() * 2)
            out = _blend(out, core, colour, rng.uniform(0.5, 0.9))
            m |= core
        else:
            r = rng.uniform(0.006, 0.02)
            core = _blob_mask(rng, size, py, px, r, r * rng.uniform(0.6, 1), rough=0.25)
            out = _blend(out, core, local * rng.uniform(0.15, 0.6), rng.uniform(0.7, 0.95))
            facing = ((xs - px) * np.cos(light) + (ys - py) * np.sin(light)) > 0
            rim = _blob_mask(rng, size, py, px, r * 1.5, r * 1.5, rough=0.1) & ~core & facing
            out = np.clip(out + rim[..., None] * rng.uniform(0.1, 0.3), 0, 1)
            m |= core | rim
    return out, m


def fray(img, rng, fg, background):
    """Damage along an edge: a stretch of the part's edge (a full-frame surface's: the frame's) eaten
    into irregularly, many small bites along one line rather than one chip. The engine records it as
    a frayed edge on a textile and a chipped edge on a hard part (engine.edge_damage_word)."""
    size = img.shape[0]
    ys, xs = coords(size)
    length = rng.uniform(0.25, 0.7)
    depth = rng.uniform(0.015, 0.05)
    ragged = value_noise(rng, size, int(rng.integers(24, 48)), 2)
    if fg is not None:
        # The band of the part within `depth` of its edge: where a blurred copy of the mask is not full.
        inside = box_blur(fg.astype(np.float32), max(1, int(depth * size)))
        band = fg & (inside < 0.999)
        cy, cx = _place(rng, size, band if band.any() else fg, 0.0)
        near = np.hypot(ys - cy, xs - cx) < length / 4
        m = band & near & (ragged > 0.45)
        fill = background
    else:
        side = rng.integers(4)
        along, across = ((xs, ys), (xs, 1 - ys), (ys, xs), (ys, 1 - xs))[side]
        start = rng.uniform(0, 1 - length)
        reach = depth * (0.3 + 1.4 * ragged)
        m = (across < reach) & (along > start) & (along < start + length)
        fill = _behind(rng)
    return _blend(img, m, fill, rng.uniform(0.85, 1.0)), m


def bent(img, rng, fg):
    """A local warp of the part: pixels displaced around a point, as a bent edge or pin."""
    size = img.shape[0]
    y, x = _place(rng, size, fg, 0.15)
    r = rng.uniform(0.06, 0.12)
    ys, xs = coords(size)
    w = np.exp(-(((ys - y) ** 2 + (xs - x) ** 2) / (r * r)))
    dy, dx = rng.normal(0, 1, 2)
    shift = rng.uniform(0.03, 0.06) / max(np.hypot(dy, dx), 1e-6)
    sy = np.clip(((ys + w * dy * shift) * size).astype(int), 0, size - 1)
    sx = np.clip(((xs + w * dx * shift) * size).astype(int), 0, size - 1)
    out = img[sy, sx]
    m = np.abs(out - img).max(axis=2) > 0.06
    return out, m


def extra_material(img, rng, fg):
    size = img.shape[0]
    y, x = _place(rng, size, fg, 0.15)
    r = rng.uniform(0.04, 0.09)
    m = _blob_mask(rng, size, y, x, r, r * rng.uniform(0.4, 1), rough=0.4)
    colour = img[fg].mean(0) if fg is not None else img.reshape(-1, 3).mean(0)
    lump = colour * (0.8 + 0.4 * value_noise(rng, size, 10)[..., None])
    soft = box_blur(m.astype(np.float32), 1)[..., None]
    return img * (1 - soft) + soft * lump, m


def cut_paste(img, rng, fg, donor, donor_fg):
    """NSA: a patch of another normal image of the same product, resized x0.7-1.3, moved, Poisson-blended."""
    size = img.shape[0]
    for _ in range(20):
        h, w = (rng.uniform(0.03, 0.4, 2) * size).astype(int) + 1
        sy, sx = rng.integers(0, size - h + 1), rng.integers(0, size - w + 1)
        patch = donor[sy : sy + h, sx : sx + w]
        scale = rng.uniform(0.7, 1.3)
        nh, nw = max(2, int(h * scale)), max(2, int(w * scale))
        iy = (np.arange(nh) * h / nh).astype(int)
        ix = (np.arange(nw) * w / nw).astype(int)
        patch = patch[iy][:, ix]
        ty, tx = rng.integers(0, size - nh + 1), rng.integers(0, size - nw + 1)
        if abs(ty - sy) + abs(tx - sx) < min(nh, nw) // 2:
            continue
        m = np.zeros((size, size), bool)
        m[ty : ty + nh, tx : tx + nw] = True
        if fg is not None:
            m &= fg  # objects on a plain background: background pixels are skipped
        if m.sum() < MIN_MASK_PIXELS * (size / 256) ** 2:
            continue
        src = img.copy()
        src[ty : ty + nh, tx : tx + nw] = patch
        out = poisson_blend(img, src, m)
        changed = m & (np.abs(out - img).max(axis=2) > 0.04)
        if changed.sum() >= MIN_MASK_PIXELS * (size / 256) ** 2:
            return out, changed
    return img, np.zeros((size, size), bool)


def shadow(img, rng, fg):
    size = img.shape[0]
    ys, xs = coords(size)
    angle = rng.uniform(0, 2 * np.pi)
    offset = rng.uniform(-0.2, 0.3)
    d = (xs - 0.5) * np.cos(angle) + (ys - 0.5) * np.sin(angle) - offset
    soft = np.clip(d / 0.08, 0, 1)
    out = img * (1 - rng.uniform(0.35, 0.55) * soft[..., None])
    return out, soft > 0.5


def dust(img, rng, fg):
    """Dust lies on the part: soft specks lighter than what they lie on (pits are darker)."""
    size = img.shape[0]
    m = np.zeros((size, size), bool)
    for _ in range(rng.integers(1, 4)):
        y, x = rng.uniform(0.1, 0.9, 2)
        r = rng.uniform(0.006, 0.014)
        m |= _blob_mask(rng, size, y, x, r, r, rough=0.2)
    speck = img + (1 - img) * rng.uniform(0.4, 0.7)
    a = box_blur(m.astype(np.float32), 1)[..., None] * 0.6
    return img * (1 - a) + a * speck, m


def reflection(img, rng, fg):
    size = img.shape[0]
    y, x = _place(rng, size, fg, 0.2)
    ys, xs = coords(size)
    ry, rx = rng.uniform(0.03, 0.08), rng.uniform(0.08, 0.2)
    glow = np.exp(-(((ys - y) / ry) ** 2 + ((xs - x) / rx) ** 2))
    out = img + (1 - img) * glow[..., None] * rng.uniform(0.6, 0.9)
    return np.clip(out, 0, 1), glow > 0.5
