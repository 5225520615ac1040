"""Reference pipeline for `npm run bench`: PatchCore as a user of anomalib runs it today.

Eager PyTorch on the CPU (Debian's python3-torch), PIL decoding, torchvision-style preprocessing,
the same backbone and taps as the station, anomalib's PatchCore steps (3x3 average pooling,
bilinear upsampling to the finer tap, concatenation, k-center-greedy coreset on a sparse random
projection, torch.cdist nearest neighbour, bilinear upsampling of the patch scores, Gaussian blur
with sigma 4, image score = max of the map).

The backbone is the public int8 ONNX model converted to a float32 torch module: weights and biases
are dequantised and each quantised tensor's range becomes a clamp (that is where the model's
ReLU6 lives), which is what a torch user holding only this file would run.

Usage: patchcore_reference.py CONFIG.json OUT.json
CONFIG: {"model": path, "taps": [tensor names], "input_size": int, "bank_rows": int,
         "coreset": "greedy"|"random", "sigma": float, "golden": [paths], "test": [paths], "warmup": int,
         "dump_embedding": optional path}
"""
import json
import resource
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper
from PIL import Image

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


class ConvertedBackbone(torch.nn.Module):
    """The QLinear graph up to the tap tensors, as float convolutions and clamped adds."""

    def __init__(self, path, taps):
        super().__init__()
        model = onnx.load(path)
        init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
        self.taps = list(taps)
        self.steps = []
        needed = set(self.taps)
        # walk backwards to keep only the nodes the taps depend on
        keep = []
        for node in reversed(model.graph.node):
            if any(o in needed for o in node.output):
                keep.append(node)
                needed.update(i for i in node.input if i not in init)
        keep.reverse()

        def scalar(name):
            return float(init[name])

        def out_range(scale, zp):
            s, z = scalar(scale), float(init[zp])
            return (0 - z) * s, (255 - z) * s

        for node in keep:
            op, i, o = node.op_type, list(node.input), node.output[0]
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            if op == "QuantizeLinear":
                self.steps.append(("input", i[0], o, out_range(i[1], i[2])))
            elif op == "QLinearConv":
                w_scale = init[i[4]].astype(np.float32)
                w_zp = init[i[5]].astype(np.float32)
                shape = (-1, 1, 1, 1)
                w = (init[i[3]].astype(np.float32) - w_zp.reshape(shape if w_zp.ndim else ())) * w_scale.reshape(
                    shape if w_scale.ndim else ()
                )
                b = init[i[8]].astype(np.float32) * scalar(i[1]) * w_scale if len(i) > 8 else None
                conv = {
                    "weight": torch.from_numpy(w),
                    "bias": None if b is None else torch.from_numpy(np.asarray(b, dtype=np.float32).reshape(-1)),
                    "stride": attrs.get("strides", [1, 1]),
                    "padding": attrs.get("pads", [0, 0, 0, 0])[:2],
                    "groups": attrs.get("group", 1),
                }
                self.steps.append(("conv", i[0], o, out_range(i[6], i[7]), conv))
            elif op == "QLinearAdd":
                self.steps.append(("add", (i[0], i[3]), o, out_range(i[6], i[7])))
            else:
                raise ValueError(f"unsupported op on the way to the taps: {op}")

    @torch.no_grad()
    def forward(self, x):
        values = {}
        for step in self.steps:
            kind, src, dst, (lo, hi) = step[0], step[1], step[2], step[3]
            if kind == "input":
                y = x
            elif kind == "conv":
                c = step[4]
                y = F.conv2d(values[src], c["weight"], c["bias"], c["stride"], c["padding"], 1, c["groups"])
            else:
                y = values[src[0]] + values[src[1]]
            values[dst] = y.clamp(lo, hi)
        return [values[t] for t in self.taps]


def load_image(path, size):
    image = Image.open(path).convert("RGB").resize((size, size), Image.BILINEAR)
    x = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0)
    return (x - MEAN) / STD


def embed(features):
    pooled = [F.avg_pool2d(f, 3, 1, 1) for f in features]
    size = pooled[0].shape[-2:]
    pooled = [pooled[0]] + [F.interpolate(p, size=size, mode="bilinear", align_corners=False) for p in pooled[1:]]
    e = torch.cat(pooled, 1)
    return e.permute(0, 2, 3, 1).reshape(-1, e.shape[1]), size


def coreset(bank, rows, seed=0):
    """anomalib's KCenterGreedy over a sparse random projection (Johnson-Lindenstrauss, eps 0.9)."""
    if rows >= bank.shape[0]:
        return bank
    g = torch.Generator().manual_seed(seed)
    dim = max(1, min(bank.shape[1], int(4 * np.log(bank.shape[0]) / (0.9**2 / 2 - 0.9**3 / 3))))
    density = 1 / np.sqrt(bank.shape[1])
    proj = (torch.rand(bank.shape[1], dim, generator=g) < density).float()
    proj *= torch.where(torch.rand(bank.shape[1], dim, generator=g) < 0.5, -1.0, 1.0) / np.sqrt(density * dim)
    z = bank @ proj
    chosen = [int(torch.randint(z.shape[0], (1,), generator=g))]
    dist = torch.cdist(z, z[chosen[-1]].unsqueeze(0)).squeeze(1)
    for _ in range(rows - 1):
        idx = int(torch.argmax(dist))
        chosen.append(idx)
        dist = torch.minimum(dist, torch.cdist(z, z[idx].unsqueeze(0)).squeeze(1))
    return bank[chosen]


def gaussian_blur(x, sigma):
    radius = int(4 * sigma + 0.5)
    t = torch.arange(-radius, radius + 1, dtype=torch.float32)
    k = torch.exp(-(t**2) / (2 * sigma**2))
    k = (k / k.sum()).view(1, 1, 1, -1)
    x = F.conv2d(F.pad(x, (radius, radius, 0, 0), mode="reflect"), k)
    return F.conv2d(F.pad(x, (0, 0, radius, radius), mode="reflect"), k.transpose(2, 3))


def ms(t0):
    return (time.perf_counter() - t0) * 1000.0


def main(config_path, out_path):
    cfg = json.load(open(config_path))
    size = cfg["input_size"]
    t0 = time.perf_counter()
    backbone = ConvertedBackbone(cfg["model"], cfg["taps"]).eval()
    load_ms = ms(t0)

    t0 = time.perf_counter()
    rows = []
    for path in cfg["golden"]:
        e, grid = embed(backbone(load_image(path, size)))
        rows.append(e)
    bank = torch.cat(rows)
    n_rows = min(bank.shape[0], cfg["bank_rows"])
    if cfg.get("coreset", "greedy") == "greedy":
        bank = coreset(bank, n_rows)
    else:
        # same bank size, rows drawn at random: the greedy loop over 200 images takes hours here
        bank = bank[torch.randperm(bank.shape[0], generator=torch.Generator().manual_seed(0))[:n_rows]]
    fit_ms = ms(t0)

    if cfg.get("dump_embedding"):
        # the embedding of the first test image, (patches, dim) float32 row-major, for parity checks
        e, _ = embed(backbone(load_image(cfg["test"][0], size)))
        e.numpy().astype(np.float32).tofile(cfg["dump_embedding"])

    timings = {"decode": [], "backbone": [], "expert": [], "total": []}
    scores = []
    tests = cfg["test"]
    for n, path in enumerate([tests[i % len(tests)] for i in range(cfg["warmup"])] + tests):
        t_all = time.perf_counter()
        t = time.perf_counter()
        x = load_image(path, size)
        decode = ms(t)
        t = time.perf_counter()
        feats = backbone(x)
        back = ms(t)
        t = time.perf_counter()
        with torch.no_grad():
            e, grid = embed(feats)
            dist = torch.cdist(e, bank).min(dim=1).values
            amap = dist.view(1, 1, grid[0], grid[1])
            amap = F.interpolate(amap, size=(size, size), mode="bilinear", align_corners=False)
            amap = gaussian_blur(amap, cfg["sigma"])
            score = float(amap.max())
        expert = ms(t)
        total = ms(t_all)
        if n >= cfg["warmup"]:
            for k, v in (("decode", decode), ("backbone", back), ("expert", expert), ("total", total)):
                timings[k].append(v)
            scores.append(score)

    json.dump(
        {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "load_ms": load_ms,
            "fit_ms": fit_ms,
            "bank_rows": int(bank.shape[0]),
            "dim": int(bank.shape[1]),
            "timings_ms": timings,
            "scores": scores,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        },
        open(out_path, "w"),
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
