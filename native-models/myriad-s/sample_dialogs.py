"""Prints synthetic samples with their ground truth and one grounded dialog each, as JSON lines:
`/usr/bin/python3 native-models/myriad-s/sample_dialogs.py --count 40 --seed 0`. Used by the tests
to check the corpus against the station's answer grammar, and to eyeball the data."""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from myriad_s.bpe import BPE  # noqa: E402
from myriad_s.corpus import make_dialog  # noqa: E402
from myriad_s.data import encode_dialog  # noqa: E402
from myriad_s.synth.engine import make_sample  # noqa: E402
from myriad_s.synth.parts import make_product  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--ignore-nuisances", action="store_true",
                    help="every nuisance gets its ignore instruction (train.py's instructed_nuisances slots)")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    rows = []
    for i in range(args.count):
        product = make_product(rng)
        s = make_sample(product, rng, args.size, anomalous=i % 2 == 1, nuisance_rate=0.4)
        segments = make_dialog(rng, product.name, s.defects, s.nuisances, ignore_nuisances=args.ignore_nuisances)
        rows.append({"product": product.name, "family": product.family, "defects": s.defects, "nuisances": s.nuisances,
                     "segments": segments, "defect_pixels": int(s.defect_mask.sum())})
    tokenizer = BPE.train(["".join(t for t, _ in r["segments"]) for r in rows], 400)
    for r in rows:
        whole = tokenizer.encode("".join(t for t, _ in r["segments"]))
        pieces = [i for t, _ in r["segments"] for i in tokenizer.encode(t)]
        r["segments_encode_as_whole"] = whole == pieces
        # The loss weights training sees, per segment: which weights its tokens got, and whether each
        # token's weight is non-zero exactly where it has a label.
        ids, labels, weights = encode_dialog(tokenizer, r["segments"], 10**6, first_answer_weight=3.0)
        at, r["segment_weights"] = 1, []
        for text, _ in r["segments"]:
            n = len(tokenizer.encode(text))
            r["segment_weights"].append(sorted(set(weights[at : at + n])))
            at += n
        r["weights_follow_labels"] = all((w > 0) == (l != -100) for w, l in zip(weights, labels))
        print(json.dumps(r))


if __name__ == "__main__":
    main()
