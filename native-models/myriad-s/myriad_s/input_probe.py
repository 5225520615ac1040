"""How much the visual input can tell, measured with a small probe instead of the dialog model.

A probe is a two-layer convolution over the features and the expert's map, pooled (max and mean)
and read out with the expert's log score. Fitted by cross-validation on a real set's own test
images it gives a ceiling: what any model reading this input could learn about that product, which
no shipped model may be trained on. Fitted on mapped synthetic sets and tested on real dumps it
measures how far the training data carries over, in minutes rather than a training run. Neither is
a method the station runs.

Dumps come from `evaluate --lmm --dump-inputs DIR` (docs/contracts.md §Input dumps).
"""
import json
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DUMP_FORMAT = 1
HIDDEN = 32


@dataclass
class InputSet:
    """Examples on one feature grid: x (N, C + 1, H, W) features then the map resized to the grid,
    log_score (N,) ln(score / 0.5), defective (N,) bool, and per example its defect type and seed."""
    x: torch.Tensor
    log_score: torch.Tensor
    defective: np.ndarray
    defects: list
    seeds: np.ndarray
    yes_odds: np.ndarray | None = None
    score: np.ndarray | None = None


def log_score(score) -> np.ndarray:
    return np.log(np.maximum(np.asarray(score, np.float64), 1e-6) / 0.5).astype(np.float32)


def with_map(features: np.ndarray, maps: np.ndarray) -> torch.Tensor:
    """(N, C, H, W) features and (N, h, w) maps -> (N, C + 1, H, W): the map resized bilinearly to the grid."""
    m = torch.from_numpy(np.ascontiguousarray(maps, np.float32))[:, None]
    m = F.interpolate(m, size=features.shape[2:], mode="bilinear", align_corners=False)
    return torch.cat([torch.from_numpy(np.ascontiguousarray(features, np.float32)), m], 1)


def read_dump(path: str) -> InputSet:
    """An input dump's rows that carry features (the others were answered without them)."""
    with open(os.path.join(path, "dump.json")) as f:
        header = json.load(f)
    if header.get("format") != DUMP_FORMAT:
        raise ValueError(f"{path}: input dump format {header.get('format')!r}, this reads {DUMP_FORMAT}")
    with open(os.path.join(path, "inputs.jsonl")) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    rows = [r for r in rows if r["features"] is not None]
    if not rows:
        raise ValueError(f"{path}: no test image was answered with features (the golden check withheld them)")
    grids = {(r["features"]["dim"], r["features"]["height"], r["features"]["width"]) for r in rows}
    if len(grids) != 1:
        raise ValueError(f"{path}: features on {len(grids)} different grids")
    (dim, height, width), = grids
    feats = np.stack([_floats(path, r["features"]["file"], height * width * dim).reshape(height, width, dim).transpose(2, 0, 1)
                      for r in rows])
    maps = [_floats(path, r["map"]["file"], r["map"]["height"] * r["map"]["width"]).reshape(r["map"]["height"], r["map"]["width"])
            for r in rows]
    if len({m.shape for m in maps}) != 1:
        raise ValueError(f"{path}: maps of different sizes")
    odds = [r["yes_odds"] for r in rows]
    score = np.array([r["score"] for r in rows])
    return InputSet(with_map(feats, np.stack(maps)), torch.from_numpy(log_score(score)),
                    np.array([r["defect"] is not None for r in rows]), [r["defect"] for r in rows],
                    np.array([r["seed"] for r in rows]),
                    None if any(o is None for o in odds) else np.array(odds, np.float64), score)


def _floats(path: str, name: str, count: int) -> np.ndarray:
    a = np.fromfile(os.path.join(path, name), dtype="<f4")
    if a.size != count:
        raise ValueError(f"{path}/{name}: {a.size} float32 values, the row says {count}")
    return a


def read_synthetic(dataset_dirs: list) -> InputSet:
    """Mapped make_dataset.py sets (lab training-data) in the golden-relative input the model trains on."""
    from .data import load_station_sets

    examples, _ = load_station_sets(dataset_dirs, "golden-relative")
    scores = {}
    for d in dataset_dirs:
        with open(os.path.join(d, "expert", "index.json")) as f:
            for entry in json.load(f)["samples"].values():
                scores[os.path.join(d, "expert", entry["features"])] = entry["score"]
    x = with_map(np.stack([e.load_features() for e in examples]), np.stack([e.anomaly_map for e in examples]))
    defects = [e.defects[0]["type"] if e.defects else None for e in examples]
    return InputSet(x, torch.from_numpy(log_score([scores[e.features_path] for e in examples])),
                    np.array([bool(e.defects) for e in examples]), defects, np.zeros(len(examples), np.int64))


def concatenate(sets: list) -> InputSet:
    """Several sets on one feature grid as one (the map is already resized to it)."""
    if len({tuple(s.x.shape[1:]) for s in sets}) != 1:
        raise ValueError(f"inputs on different grids: {sorted({tuple(s.x.shape[1:]) for s in sets})}")
    if len(sets) == 1:
        return sets[0]
    return InputSet(torch.cat([s.x for s in sets]), torch.cat([s.log_score for s in sets]), np.concatenate([s.defective for s in sets]),
                    [d for s in sets for d in s.defects], np.concatenate([s.seeds for s in sets]))


class Probe(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.a = nn.Conv2d(channels, HIDDEN, 1)
        self.b = nn.Conv2d(HIDDEN, HIDDEN, 3, padding=1)
        self.head = nn.Linear(2 * HIDDEN + 1, 1)

    def forward(self, x, log_score):
        h = F.relu(self.b(F.relu(self.a(x))))
        return self.head(torch.cat([h.amax((2, 3)), h.mean((2, 3)), log_score[:, None]], 1))[:, 0]


def fit_probe(x, log_score, defective, steps: int, seed: int, batch: int = 32, features: bool = True) -> Probe:
    """Adam with weight decay, balanced classes, flips as augmentation. features=False zeroes every
    channel but the map, so the probe reads only what the expert gives."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    probe = Probe(x.shape[1])
    opt = torch.optim.AdamW(probe.parameters(), 1e-3, weight_decay=1e-2)
    y = torch.from_numpy(np.asarray(defective, np.float32))
    pos = max(1.0, float(y.sum()))
    weight = torch.tensor((len(y) - pos) / pos)
    for step in range(steps):
        idx = rng.integers(0, len(y), batch)
        xb = _view(x[idx], features)
        if step % 2:
            xb = xb.flip(3)
        if step % 3 == 0:
            xb = xb.flip(2)
        loss = F.binary_cross_entropy_with_logits(probe(xb, log_score[idx]), y[idx], pos_weight=weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
    probe.eval()
    return probe


def predict(probe: Probe, x, log_score, features: bool = True, chunk: int = 256) -> np.ndarray:
    with torch.no_grad():
        return np.concatenate([probe(_view(x[i:i + chunk], features), log_score[i:i + chunk]).numpy() for i in range(0, len(x), chunk)])


def _view(x, features: bool):
    if features:
        return x
    out = torch.zeros_like(x)
    out[:, -1] = x[:, -1]
    return out


def auroc(defective, scores) -> float | None:
    """Mann-Whitney AUROC with tied scores counted half; None without both classes."""
    y = np.asarray(defective, bool)
    s = np.asarray(scores, np.float64)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return None
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def per_defect(data: InputSet, scores) -> dict:
    """AUROC of each defect type against the good images."""
    out = {}
    for kind in sorted({d for d in data.defects if d is not None}):
        keep = np.array([d is None or d == kind for d in data.defects])
        out[kind] = auroc(data.defective[keep], np.asarray(scores)[keep])
    return out


def stratified_folds(defective, folds: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.zeros(len(defective), np.int64)
    for cls in (False, True):
        idx = np.flatnonzero(np.asarray(defective) == cls)
        rng.shuffle(idx)
        out[idx] = np.arange(len(idx)) % folds
    return out


def cross_validated(data: InputSet, folds: int = 5, steps: int = 600, seed: int = 0, features: bool = True) -> np.ndarray:
    """Out-of-fold probe outputs, each dump seed's images folded on their own (seeds share images)."""
    out = np.zeros(len(data.defective))
    for s in np.unique(data.seeds):
        rows = np.flatnonzero(data.seeds == s)
        fold = stratified_folds(data.defective[rows], folds, seed)
        for k in range(folds):
            train, test = rows[fold != k], rows[fold == k]
            probe = fit_probe(data.x[train], data.log_score[train], data.defective[train], steps, seed * 100 + k, features=features)
            out[test] = predict(probe, data.x[test], data.log_score[test], features)
    return out


def seed_mean(data: InputSet, scores) -> float | None:
    """AUROC per dump seed, averaged (as evaluate averages its seeds)."""
    values = [auroc(data.defective[data.seeds == s], np.asarray(scores)[data.seeds == s]) for s in np.unique(data.seeds)]
    values = [v for v in values if v is not None]
    return float(np.mean(values)) if values else None
