"""How much the dialog model's visual input can tell on real parts (myriad_s/input_probe.py).

  ceiling  DUMP... : a probe cross-validated on each dump's own test images, once reading the
                     features and the map, once the map alone: what the input holds beyond the expert.
  transfer --dataset SET... --test DUMP... : a probe fitted on mapped synthetic sets (or, with
                     --train-dump, on dumps such as a paint_real.py set's), tested on the dumps:
                     how far the training data carries over to these products.

DUMPs come from `npm run evaluate -- ... --lmm --dump-inputs DUMP`. Every figure is an image AUROC,
beside the expert's and the dialog model's own (its first answer's lean) on the same images.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from myriad_s import input_probe as ip  # noqa: E402


def _reference(data: ip.InputSet) -> dict:
    return {"images": int(len(data.defective)), "defective": int(data.defective.sum()),
            "expert_auroc": ip.seed_mean(data, data.score),
            "model_auroc": None if data.yes_odds is None else ip.seed_mean(data, data.yes_odds)}


def _rounded(v):
    if isinstance(v, dict):
        return {k: _rounded(x) for k, x in v.items()}
    return None if v is None else round(float(v), 4) if isinstance(v, float) else v


def ceiling(args) -> dict:
    out = {}
    for path in args.dumps:
        data = ip.read_dump(path)
        probe = ip.cross_validated(data, args.folds, args.steps, args.seed)
        map_only = ip.cross_validated(data, args.folds, args.steps, args.seed, features=False)
        out[path] = {**_reference(data), "probe_auroc": ip.seed_mean(data, probe), "map_probe_auroc": ip.seed_mean(data, map_only),
                     "per_defect": {"expert": ip.per_defect(data, data.score), "probe": ip.per_defect(data, probe),
                                    **({} if data.yes_odds is None else {"model": ip.per_defect(data, data.yes_odds)})}}
        print(f"{path}: {json.dumps(_rounded(out[path]))}", file=sys.stderr, flush=True)
    return out


def transfer(args) -> dict:
    train = ip.concatenate(([ip.read_synthetic(args.dataset)] if args.dataset else []) + [ip.read_dump(d) for d in args.train_dump or []])
    print(f"fitting on {len(train.defective)} images ({int(train.defective.sum())} defective)", file=sys.stderr, flush=True)
    probe = ip.fit_probe(train.x, train.log_score, train.defective, args.steps, args.seed)
    out = {"training_expert_auroc": ip.auroc(train.defective, train.log_score.numpy())}
    for path in args.test:
        data = ip.read_dump(path)
        scores = ip.predict(probe, data.x, data.log_score)
        out[path] = {**_reference(data), "probe_auroc": ip.seed_mean(data, scores),
                     "per_defect": {"expert": ip.per_defect(data, data.score), "probe": ip.per_defect(data, scores)}}
        print(f"{path}: {json.dumps(_rounded(out[path]))}", file=sys.stderr, flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("ceiling")
    c.add_argument("dumps", nargs="+")
    c.add_argument("--folds", type=int, default=5)
    c.add_argument("--steps", type=int, default=600)
    t = sub.add_parser("transfer")
    t.add_argument("--dataset", action="append", help="a mapped make_dataset.py set (lab training-data)")
    t.add_argument("--train-dump", action="append", help="an input dump to fit on")
    t.add_argument("--test", action="append", required=True)
    t.add_argument("--steps", type=int, default=3000)
    for p in (c, t):
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--threads", type=int, default=2)
        p.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if args.mode == "transfer" and not (args.dataset or args.train_dump):
        ap.error("transfer fits on --dataset or --train-dump")
    if getattr(args, "folds", 2) < 2 or args.steps < 1:
        ap.error("--folds must be at least 2 and --steps at least 1")
    torch.set_num_threads(args.threads)
    np.seterr(all="ignore")
    try:
        result = ceiling(args) if args.mode == "ceiling" else transfer(args)
    except (ValueError, FileNotFoundError) as e:
        print(f"input_probe: {e}", file=sys.stderr)
        return 2
    with open(args.out, "w") as f:
        json.dump(_rounded(result), f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
