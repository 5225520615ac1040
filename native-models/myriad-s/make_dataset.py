"""Writes a synthetic inspection data set for the station's expert to map:
`/usr/bin/python3 native-models/myriad-s/make_dataset.py --out DIR [--products 400 --refs 4 --per-product 16]`.

Layout: DIR/index.json (products with their reference images, samples with full ground truth) and
DIR/<product>/*.png. The lab command `npm run lab -- training-data` then fits the
station's PatchCore on each product's references and writes DIR/expert/ (maps and backbone
features, exactly as the station computes them), which train.py --dataset DIR reads.
"""
import argparse
import json
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from myriad_s.synth.camera import capture  # noqa: E402
from myriad_s.synth.engine import make_sample  # noqa: E402
from myriad_s.synth.parts import make_product, render  # noqa: E402

FORMAT = 1


def save_png(path: str, image: np.ndarray) -> None:
    Image.fromarray((np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)).save(path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--products", type=int, default=400)
    ap.add_argument("--refs", type=int, default=4, help="normal reference images per product for the expert")
    ap.add_argument("--per-product", type=int, default=16, help="samples per product, normal and anomalous 1:1")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--camera", action="store_true", help="each capture drifts in exposure, focus and noise (synth/camera.py)")
    ap.add_argument("--faint-share", type=float, default=0.0, help="share of defects painted at 30-70%% of their contrast")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    index = {"format": FORMAT, "size": args.size, "seed": args.seed, "products": [], "samples": {}}
    for p in range(args.products):
        product = make_product(rng)
        pid = f"p{p:05d}"
        os.makedirs(os.path.join(args.out, pid), exist_ok=True)
        refs = []
        for r in range(args.refs):
            image, _ = render(product, rng, args.size)
            if args.camera:
                image = capture(image, rng)
            refs.append(f"{pid}/ref_{r:02d}.png")
            save_png(os.path.join(args.out, refs[-1]), image)
        samples = []
        for s in range(args.per_product):
            sample = make_sample(product, rng, args.size, anomalous=s % 2 == 1, camera=args.camera, faint_share=args.faint_share)
            sid = f"{pid}/s_{s:03d}"
            save_png(os.path.join(args.out, sid + ".png"), sample.image)
            index["samples"][sid] = {"image": sid + ".png", "product": pid, "defects": sample.defects, "nuisances": sample.nuisances}
            samples.append(sid)
        index["products"].append({"id": pid, "name": product.name, "family": product.family, "references": refs, "samples": samples})
    with open(os.path.join(args.out, "index.json"), "w") as f:
        json.dump(index, f)
    print(f"wrote {len(index['samples'])} samples of {args.products} products to {args.out}")


if __name__ == "__main__":
    main()
