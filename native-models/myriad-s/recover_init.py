"""Recovers a training starting point from an export: `/usr/bin/python3 native-models/myriad-s/recover_init.py
--export DIR --out TRAIN_DIR` writes TRAIN_DIR/checkpoints/last.pt and tokenizer.json, which `train.py --init
TRAIN_DIR` warm-starts from (a shipped model's training directory is not kept with it).

The ONNX graphs hold the weights under exporter names (`onnx::MatMul_697`, transposed), so the
mapping is found, not guessed: a model of the export's configuration gets a distinct random value
in every parameter, is exported by export.py's own code, and each initializer of that export is
matched to the parameter (or its transpose) it equals. The shipped values then go into those
parameters, and the recovered model is exported again and compared with the given export
initializer by initializer: any difference, or a parameter no initializer holds, is an error.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import export_graphs  # noqa: E402
from myriad_s.model import ModelConfig, MyriadS  # noqa: E402

GRAPHS = ("vision_encoder", "expert_encoder", "embed_tokens", "decoder_model_merged")


def initializers(directory: str) -> dict:
    out = {}
    for g in GRAPHS:
        for t in onnx.load(os.path.join(directory, f"{g}.onnx")).graph.initializer:
            out[(g, t.name)] = numpy_helper.to_array(t)
    return out


def parameter_map(model: MyriadS) -> dict:
    """(graph, initializer) -> (parameter name, transposed) for the model's own export."""
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand(p.shape, generator=gen) + 1.0)
    params = {n: p.detach().numpy() for n, p in model.named_parameters()}
    with tempfile.TemporaryDirectory() as tmp:
        export_graphs(model, tmp)
        marked = initializers(tmp)
    found = {}
    for key, value in marked.items():
        for name, p in params.items():
            if value.shape == p.shape and np.array_equal(value, p):
                found[key] = (name, False)
                break
            if value.ndim == 2 and value.shape == p.T.shape and np.array_equal(value, p.T):
                found[key] = (name, True)
                break
    return found


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--export", required=True, help="an export directory (config.json, the four graphs, tokenizer.json)")
    ap.add_argument("--out", required=True, help="the training directory to write")
    args = ap.parse_args(argv)
    with open(os.path.join(args.export, "config.json")) as fh:
        config = json.load(fh)
    cfg = ModelConfig(**config["training"]["model_config"])
    torch.manual_seed(0)
    model = MyriadS(cfg)
    mapping = parameter_map(model)
    shipped = initializers(args.export)
    missing = sorted(set(n for n, _ in model.named_parameters()) - set(n for n, _ in mapping.values()))
    if missing:
        raise SystemExit(f"no initializer of the export holds parameters {missing[:6]}: it cannot be recovered exactly")
    state = model.state_dict()
    for key, (name, transposed) in mapping.items():
        if key not in shipped:
            raise SystemExit(f"{args.export} has no initializer {key[1]} in {key[0]}.onnx: not an export of this code")
        value = shipped[key].T if transposed else shipped[key]
        state[name] = torch.from_numpy(np.ascontiguousarray(value)).to(state[name].dtype)
    model.load_state_dict(state)
    with tempfile.TemporaryDirectory() as tmp:
        export_graphs(model, tmp)
        again = initializers(tmp)
    differ = [k for k in shipped if k not in again or not np.array_equal(again[k], shipped[k])]
    if differ:
        raise SystemExit(f"the recovered model exports differently at {differ[:4]}")
    os.makedirs(os.path.join(args.out, "checkpoints"), exist_ok=True)
    torch.save({"model": model.state_dict(), "model_config": cfg.to_dict(), "recovered_from": config["version"]},
               os.path.join(args.out, "checkpoints", "last.pt"))
    shutil.copyfile(os.path.join(args.export, "tokenizer.json"), os.path.join(args.out, "tokenizer.json"))
    print(f"recovered {config['version']}: {len(mapping)} initializers, {len(state)} tensors, into {args.out}")


if __name__ == "__main__":
    main()
