"""The golden-relative visual input, exactly as the station defines it (host/lmm/golden-relative-input.ts):
each grid cell's backbone feature minus its nearest golden patch feature, divided per channel by the
RMS of the goldens' own held-out residuals. Training on it is what lets a model trained on synthetic
parts read a real product, whose raw features carry a texture and colour it never saw.

The station computes this input at run time; a model trained on a slightly different one would read
inputs it never saw, so every step follows the TypeScript's arithmetic: float32 data, float64 sums
in the same (sequential) order, float32 results, the lowest row index among equally near rows.
Features here are (C, H, W); the TypeScript's are (H * W, C) row-major, the same cells in the same order.
"""
from dataclasses import dataclass

import numpy as np

# The station keeps every golden patch up to DEFAULT_BANK_ROWS and subsamples above it with its own
# seeded shuffle; this module refuses that case rather than compute a different input.
MAX_BANK_ROWS = 4096
SELF_EXCLUSION_RADIUS = 1
SPREAD_FLOOR = 1e-3
_UNIT_ROUNDOFF = 2.0**-53
_QUERY_CHUNK = 1024
_PAIR_CHUNK = 1 << 20


@dataclass(frozen=True)
class Bank:
    data: np.ndarray  # (rows, C) float32: golden 0's cells row-major, then golden 1's, ...
    norms: np.ndarray  # (rows,) float64 squared norms, summed as the station sums them
    spread: np.ndarray  # (C,) float32: what a good part's residual looks like, per channel
    grid: tuple  # (H, W)
    goldens: int


def patches(features: np.ndarray) -> np.ndarray:
    """(C, H, W) -> (H * W, C) float32, the station's layout."""
    if features.ndim != 3 or min(features.shape) < 1:
        raise ValueError(f"features must be (channels, height, width), got shape {features.shape}")
    return np.ascontiguousarray(features.reshape(features.shape[0], -1).T, dtype=np.float32)


def row_norms(data: np.ndarray) -> np.ndarray:
    # cumsum adds in order, as the station's loop does; np.sum would add pairwise.
    return np.cumsum(data.astype(np.float64) ** 2, axis=1)[:, -1]


def build_bank(golden_features: list, spread: np.ndarray | None = None) -> Bank:
    """The bank of a product's goldens ((C, H, W) each, one backbone, one grid) with its spread.
    `spread`: the spread of an earlier build_bank of the same goldens, which skips its held-out search."""
    if not golden_features:
        raise ValueError("a golden bank needs at least one golden image's features")
    shape = golden_features[0].shape
    for i, g in enumerate(golden_features):
        if g.shape != shape:
            raise ValueError(f"golden {i} has features of shape {g.shape}; golden 0 has {shape}")
    cells = [patches(g) for g in golden_features]
    count, per_image = len(cells), cells[0].shape[0]
    if count * per_image > MAX_BANK_ROWS:
        raise ValueError(f"{count} goldens of {per_image} cells give {count * per_image} golden patches; the station "
                         f"subsamples a bank above {MAX_BANK_ROWS} rows, which this does not reproduce")
    data = np.concatenate(cells)
    norms = row_norms(data)
    _, height, width = shape
    if spread is None:
        spread = _spread(cells, data, norms, width)
    return Bank(data, norms, spread, (height, width), count)


def _spread(cells: list, data: np.ndarray, norms: np.ndarray, width: int) -> np.ndarray:
    """Per channel, the RMS of every golden patch's residual against its nearest held-out bank row."""
    count, per_image = len(cells), cells[0].shape[0]
    image = np.repeat(np.arange(count), per_image)
    cell = np.tile(np.arange(per_image), count)
    residuals = []
    for g, own in enumerate(cells):
        if count > 1:  # held out against the other goldens
            excluded = np.broadcast_to(image[None, :] == g, (per_image, len(data)))
        else:  # against the same image's cells away from the query: neighbours share most of their receptive field
            q = np.arange(per_image)
            dy = np.abs(cell[None, :] // width - q[:, None] // width)
            dx = np.abs(cell[None, :] % width - q[:, None] % width)
            excluded = np.maximum(dx, dy) <= SELF_EXCLUSION_RADIUS
        nearest = nearest_rows(own, data, norms, excluded)
        found = nearest >= 0
        residuals.append(own[found].astype(np.float64) - data[nearest[found]].astype(np.float64))
    residual = np.concatenate(residuals)
    dim = data.shape[1]
    if len(residual):
        spread = np.sqrt(np.cumsum(residual**2, axis=0)[-1] / len(residual)).astype(np.float32)
    else:
        spread = np.zeros(dim, np.float32)
    mean = np.cumsum(spread.astype(np.float64) / dim)[-1]
    # Goldens without any held-out variation (identical images) give a unit spread: their residuals are zero anyway.
    if not mean > 0:
        return np.ones(dim, np.float32)
    return np.maximum(spread.astype(np.float64), SPREAD_FLOOR * mean).astype(np.float32)


def relative_features(features: np.ndarray, bank: Bank) -> np.ndarray:
    """(C, H, W) float32: each cell's feature minus its nearest bank row, divided by the bank's spread."""
    channels, height, width = features.shape if features.ndim == 3 else (0, 0, 0)
    if (channels, height, width) != (bank.data.shape[1], *bank.grid):
        raise ValueError(f"features of shape {features.shape} do not match the golden bank's "
                         f"{bank.data.shape[1]} channels on {bank.grid[0]}x{bank.grid[1]}")
    query = patches(features)
    nearest = nearest_rows(query, bank.data, bank.norms)
    out = (query.astype(np.float64) - bank.data[nearest].astype(np.float64)) / bank.spread.astype(np.float64)
    return np.ascontiguousarray(out.astype(np.float32).T).reshape(channels, height, width)


def nearest_rows(query: np.ndarray, data: np.ndarray, norms: np.ndarray, excluded: np.ndarray | None = None) -> np.ndarray:
    """Per query row, the bank row with the smallest ||b||^2 - 2 q.b (-1 where all are excluded), as the
    station's nearestRow picks it: the lowest index among equal distances."""
    out = np.empty(len(query), np.int64)
    for start in range(0, len(query), _QUERY_CHUNK):
        stop = min(start + _QUERY_CHUNK, len(query))
        out[start:stop] = _nearest_chunk(query[start:stop], data, norms, None if excluded is None else excluded[start:stop])
    return out


def _nearest_chunk(query, data, norms, excluded):
    q, b = query.astype(np.float64), data.astype(np.float64)
    # q.(-2b) is -2 q.b exactly (a power of two), and adding in place spares two large temporaries.
    d = q @ (-2.0 * b).T
    d += norms[None, :]
    if excluded is not None:
        d[excluded] = np.inf
    best = np.argmin(d, axis=1)
    least = d[np.arange(len(q)), best]
    # The matrix product adds in another order than the station's loop. A row within both sums'
    # rounding of the least distance may be the station's nearest: those are compared again with
    # the station's own sequential sum, so near ties are broken as it breaks them.
    bound = 4 * (q.shape[1] + 2) * _UNIT_ROUNDOFF
    b_max = np.sqrt(norms.max())
    slack = 2 * bound * (np.sqrt(row_norms(query)) * b_max + b_max**2)
    close = d <= (least + slack)[:, None]
    ambiguous = np.flatnonzero((close.sum(1) > 1) & np.isfinite(least))
    if len(ambiguous):
        qi, ri = np.nonzero(close[ambiguous])
        qi = ambiguous[qi]
        exact = np.empty(len(qi))
        step = max(1, _PAIR_CHUNK // q.shape[1])
        for s in range(0, len(qi), step):
            dots = np.cumsum(q[qi[s : s + step]] * b[ri[s : s + step]], axis=1)[:, -1]
            exact[s : s + step] = norms[ri[s : s + step]] - 2.0 * dots
        order = np.lexsort((ri, exact, qi))
        first = order[np.r_[True, qi[order][1:] != qi[order][:-1]]]
        best[qi[first]] = ri[first]
    best[~np.isfinite(least)] = -1
    return best
