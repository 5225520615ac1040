"""Paints the synthetic engine's defects onto a real set's good test images, for evaluation only:
`/usr/bin/python3 native-models/myriad-s/paint_real.py --dataset ../shared/data/SET --out DIR
[--types pitting,hole,crack,...] [--count 30] [--seed 0]`.

DIR is a set in the MVTec AD layout that `npm run evaluate -- --dataset DIR --lmm` reads:
train/good links to the real set's goldens, test/good holds the first COUNT real good test images,
and test/TYPE/ the next COUNT (or the same ones when there are too few) with one painted defect
each, its mask in ground_truth/TYPE/ and the words that name it in defect_types.json. A model that
names painted defects on real parts but not real defects lacks defects that look like the real
ones in its training data; one that names neither does not read real parts the way it reads
synthetic ones. Painters work on a square: the image is resized to 256 x 256, painted and resized
back, so a wide part's defect is stretched by its aspect; only the defect and a few pixels around it
are taken from that round trip, the rest of the image stays its source.
"""
import argparse
import json
import os
import sys

import numpy as np
from PIL import Image, ImageFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from myriad_s.answer_language import NOUNS  # noqa: E402
from myriad_s.synth import defects as d  # noqa: E402
from myriad_s.synth.engine import PAINTERS, edge_damage_word  # noqa: E402
from myriad_s.synth.parts import FAMILIES  # noqa: E402

SIZE = 256
# Pixels around a painted mask that still take the painted image: the painters blend a little beyond it.
EDGE = 3
# What shows where a real part's edge is broken away: a dark fixture.
CONTEXT = {"background": np.full(3, 0.05, np.float32)}
# Cut-paste moves a patch of another image of the same product, which one real image does not give.
KINDS = tuple(k for k in PAINTERS if k != "cut-paste")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")


def paint(image: Image.Image, kind: str, rng: np.random.Generator):
    """One painted defect on a real image, at the image's own size: (image, mask), or None when the
    painter found no place for a mask of the engine's minimum size in 20 tries."""
    width, height = image.size
    pixels = np.asarray(image.convert("RGB").resize((SIZE, SIZE), Image.BILINEAR), np.float32) / 255
    for _ in range(20):
        out, mask = PAINTERS[kind](pixels, rng, None, CONTEXT)
        if mask.sum() >= d.MIN_MASK_PIXELS:
            painted = Image.fromarray((np.clip(out, 0, 1) * 255 + 0.5).astype(np.uint8)).resize((width, height), Image.BILINEAR)
            plane = Image.fromarray(mask.astype(np.uint8) * 255).resize((width, height), Image.NEAREST)
            if np.asarray(plane).any():
                # Only the defect and its edge come from the square round trip; elsewhere the image is
                # its source, pixel for pixel. Resampling blurs a part that is not square, and a model
                # (or a probe) tells blurred images from sharp ones without reading any defect.
                near = np.asarray(plane.filter(ImageFilter.MaxFilter(2 * EDGE + 1))) > 0
                source = np.asarray(image.convert("RGB"))
                return Image.fromarray(np.where(near[..., None], np.asarray(painted), source)), plane
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True, help="a real set in the MVTec AD layout (train/good, test/good)")
    ap.add_argument("--out", required=True, help="a new folder")
    ap.add_argument("--types", default="pitting,hole,crack,scratch,missing piece,fray,dent,contamination",
                    help="comma-separated painted types: " + ", ".join(KINDS))
    ap.add_argument("--count", type=int, default=30, help="good and painted images per type")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    kinds = [k.strip() for k in args.types.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        ap.error(f"--types: unknown {', '.join(unknown) or '(none given)'}; choose from {', '.join(KINDS)}")
    if args.count < 1:
        ap.error("--count must be at least 1")
    goods_dir = os.path.join(args.dataset, "test", "good")
    train_dir = os.path.join(args.dataset, "train", "good")
    for folder in (train_dir, goods_dir):
        if not os.path.isdir(folder):
            ap.error(f"--dataset: {folder} is not a folder (MVTec AD layout expected)")
    if os.path.exists(args.out):
        ap.error(f"--out: {args.out} exists; give a new folder")
    goods = sorted(f for f in os.listdir(goods_dir) if f.lower().endswith(IMAGE_SUFFIXES))
    if not goods:
        ap.error(f"--dataset: {goods_dir} holds no images")

    rng = np.random.default_rng(args.seed)
    os.makedirs(os.path.join(args.out, "train"))
    os.symlink(os.path.realpath(train_dir), os.path.join(args.out, "train", "good"))
    os.makedirs(os.path.join(args.out, "test", "good"))
    shown = goods[: args.count]
    for name in shown:
        os.symlink(os.path.realpath(os.path.join(goods_dir, name)), os.path.join(args.out, "test", "good", name))
    canvases = goods[args.count : 2 * args.count] if len(goods) >= 2 * args.count else shown
    words = {}
    for kind in kinds:
        folder = kind.replace(" ", "_")
        # The engine's words for the type on a part of any material (edge damage: frayed or chipped).
        words[folder] = sorted({NOUNS[edge_damage_word(kind, family)] for family in FAMILIES})
        os.makedirs(os.path.join(args.out, "test", folder))
        os.makedirs(os.path.join(args.out, "ground_truth", folder))
        for name in canvases:
            result = paint(Image.open(os.path.join(goods_dir, name)), kind, rng)
            if result is None:
                continue
            stem = os.path.splitext(name)[0]
            result[0].save(os.path.join(args.out, "test", folder, stem + ".png"))
            result[1].save(os.path.join(args.out, "ground_truth", folder, stem + "_mask.png"))
    with open(os.path.join(args.out, "defect_types.json"), "w") as f:
        json.dump(words, f, indent=1)
    print(f"painted {len(kinds)} types on {len(canvases)} good images of {args.dataset} into {args.out}")


if __name__ == "__main__":
    main()
