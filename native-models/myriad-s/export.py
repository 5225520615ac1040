"""Exports a trained Myriad-S to the file contract of docs/contracts.md §Model files:
`/usr/bin/python3 native-models/myriad-s/export.py --train-dir DIR --out DIR [--parity]`.

Writes vision_encoder.onnx, expert_encoder.onnx, embed_tokens.onnx, decoder_model_merged.onnx
(with KV cache), tokenizer.json, config.json and answer-language.json (the words the corpus
speaks, myriad_s/answer_language.py); with --parity also parity/ (fixed inputs and the
PyTorch outputs) for the TypeScript parity test.
"""
import argparse
import hashlib
import inspect
import json
import os
import shutil
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from myriad_s.answer_language import PATH as LANGUAGE_PATH  # noqa: E402
from myriad_s.bpe import BPE  # noqa: E402
from myriad_s.data import load_station_sets  # noqa: E402
from myriad_s.feature_domain import descriptor, distance, fit_domain  # noqa: E402
from myriad_s.generate import greedy  # noqa: E402
from myriad_s.model import ModelConfig, MyriadS  # noqa: E402
from myriad_s.prompt import PROMPT, SPECIAL, STOP_STRINGS, render_prompt  # noqa: E402

OPSET = 14
BACKBONE = {"name": "mobilenetv2-12-int8", "sha256": "83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f"}


class DecoderGraph(nn.Module):
    """Flat inputs/outputs for ONNX: past_key_values.{i}.key/.value in, present.{i}.key/.value out."""

    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, inputs_embeds, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        logits, present = self.decoder(inputs_embeds, attention_mask, position_ids, past)
        return (logits, *[t for kv in present for t in kv])


def export_graphs(model: MyriadS, out: str) -> None:
    cfg = model.cfg
    b = 1
    feats = torch.randn(b, cfg.feature_channels, cfg.feature_size, cfg.feature_size)
    amap = torch.rand(b, 1, cfg.map_size, cfg.map_size)
    kw = {"opset_version": OPSET, "do_constant_folding": True}
    # torch >= 2.9 exports through dynamo by default, which rejects dynamic_axes; the graphs here are
    # traced (TorchScript exporter) on every torch version that still has it.
    params = inspect.signature(torch.onnx.export).parameters
    if "dynamo" in params:
        kw["dynamo"] = False
    # One self-contained file per graph: the station and the packager (electron-builder.yml keeps
    # *.onnx) know nothing of .onnx.data side files, which newer torch writes by default.
    if "external_data" in params:
        kw["external_data"] = False
    torch.onnx.export(model.vision, (feats, amap), os.path.join(out, "vision_encoder.onnx"),
                      input_names=["features", "anomaly_map"], output_names=["image_embeds"],
                      dynamic_axes={"features": {0: "batch"}, "anomaly_map": {0: "batch"}, "image_embeds": {0: "batch"}}, **kw)
    torch.onnx.export(model.expert, (amap,), os.path.join(out, "expert_encoder.onnx"),
                      input_names=["anomaly_map"], output_names=["expert_embeds"],
                      dynamic_axes={"anomaly_map": {0: "batch"}, "expert_embeds": {0: "batch"}}, **kw)
    ids = torch.zeros(b, 3, dtype=torch.long)
    torch.onnx.export(model.embed, (ids,), os.path.join(out, "embed_tokens.onnx"),
                      input_names=["input_ids"], output_names=["inputs_embeds"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "inputs_embeds": {0: "batch", 1: "sequence"}}, **kw)
    past_len, t = 2, 3
    past = []
    names_in, names_out = ["inputs_embeds", "attention_mask", "position_ids"], ["logits"]
    dyn = {"inputs_embeds": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "total_sequence"},
           "position_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
    for i in range(cfg.layers):
        for kind in ("key", "value"):
            past.append(torch.randn(b, cfg.heads, past_len, cfg.head_dim))
            names_in.append(f"past_key_values.{i}.{kind}")
            names_out.append(f"present.{i}.{kind}")
            dyn[names_in[-1]] = {0: "batch", 2: "past_sequence"}
            dyn[names_out[-1]] = {0: "batch", 2: "total_sequence"}
    args = (torch.randn(b, t, cfg.hidden), torch.ones(b, past_len + t, dtype=torch.long), torch.arange(past_len, past_len + t)[None], *past)
    torch.onnx.export(DecoderGraph(model.decoder), args, os.path.join(out, "decoder_model_merged.onnx"),
                      input_names=names_in, output_names=names_out, dynamic_axes=dyn, **kw)


def station_config(cfg: ModelConfig, name: str, version: str, max_new_tokens: int, visual_input: str = "raw") -> dict:
    return {
        "model_type": "myriad-s",
        "format_version": 1,
        "name": name,
        "version": version,
        "files": {"vision_encoder": "vision_encoder.onnx", "expert_encoder": "expert_encoder.onnx",
                  "embed_tokens": "embed_tokens.onnx", "decoder_model_merged": "decoder_model_merged.onnx",
                  "tokenizer": "tokenizer.json"},
        "backbone": {**BACKBONE, "feature_channels": cfg.feature_channels, "feature_height": cfg.feature_size,
                     "feature_width": cfg.feature_size},
        # What `features` holds: the backbone's raw features, or their residual against the recipe's
        # goldens (host/lmm/golden-relative-input.ts; myriad_s/golden_relative.py).
        "visual_input": visual_input,
        "map_height": cfg.map_size,
        "map_width": cfg.map_size,
        "num_image_tokens": cfg.image_tokens,
        "num_expert_tokens": 9,
        "decoder": {"hidden_size": cfg.hidden, "num_hidden_layers": cfg.layers, "num_key_value_heads": cfg.heads,
                    "head_dim": cfg.head_dim, "vocab_size": cfg.vocab, "max_position_embeddings": cfg.max_positions},
        "special_tokens": SPECIAL,
        "prompt": PROMPT,
        "stop_strings": STOP_STRINGS,
        "max_new_tokens": max_new_tokens,
        "training": {"model_config": cfg.to_dict()},
    }


def parity_case(cfg: ModelConfig, features=None):
    """Fixed inputs: the given features (a training sample's, so the station's feature-domain check lets
    them through as it would in use) or seeded ones, a map with one blob in the top left cell, a prompt
    with an instruction."""
    rng = np.random.default_rng(1234)
    feats = (rng.standard_normal((cfg.feature_channels, cfg.feature_size, cfg.feature_size)) * 0.5).astype(np.float32)
    if features is not None:
        feats = features.astype(np.float32)
    yy, xx = np.mgrid[0 : cfg.map_size, 0 : cfg.map_size] / cfg.map_size
    amap = np.clip(0.1 + 0.85 * np.exp(-(((yy - 0.15) ** 2 + (xx - 0.2) ** 2) / 0.004)), 0, 1).astype(np.float32)
    prompt = render_prompt("bottle", ["You can ignore the shadow cast when you detect anomalies."], [], None)
    return feats, amap, prompt


def write_parity(model: MyriadS, tokenizer: BPE, out: str, max_new: int, features=None) -> None:
    cfg = model.cfg
    feats, amap, prompt = parity_case(cfg, features)
    pdir = os.path.join(out, "parity")
    os.makedirs(pdir, exist_ok=True)
    feats.astype("<f4").tofile(os.path.join(pdir, "features.bin"))
    amap.astype("<f4").tofile(os.path.join(pdir, "anomaly_map.bin"))
    ids = [tokenizer.token_id("<s>")] + tokenizer.encode(prompt)
    with torch.no_grad():
        f, m = torch.from_numpy(feats)[None], torch.from_numpy(amap)[None, None]
        image = model.vision(f, m)[0]
        expert = model.expert(m)[0]
        embeds = model.splice(ids, tokenizer.token_id("<image>"), torch.cat([image, expert]))
        generated, first_logits = greedy(model, embeds, tokenizer.token_id("</s>"), max_new)
    case = {
        "prompt": prompt,
        "product": "bottle",
        "instructions": ["You can ignore the shadow cast when you detect anomalies."],
        "input_ids": ids,
        "image_embeds_head": image[0, :8].tolist(),
        "expert_embeds_head": expert[0, :8].tolist(),
        "first_logits": first_logits.tolist(),
        "generated_ids": generated,
        "generated_text": tokenizer.decode(generated),
        "tokenizer_cases": [[s, tokenizer.encode(s)] for s in [
            prompt, "Operator: Where is it?\nAssistant: It is in the top left corner of the bottle.</s>",
            "Instruction: Ignore naïve {braces} & 3.5% x_y\n",
        ]],
    }
    with open(os.path.join(pdir, "parity.json"), "w") as fh:
        json.dump(case, fh)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--train-dir", required=True, help="the --out of train.py (checkpoints/last.pt, tokenizer.json)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default="myriad-s")
    ap.add_argument("--max-new-tokens", type=int, default=160)
    ap.add_argument("--instruction-budget", metavar="TOTAL,PER", default="24,24",
                    help="tokens of instruction lines the station accepts for all of an answer's instructions and for one "
                    "(config.json instruction_budget); measure it again for a new model (README.md, operator instructions)")
    ap.add_argument("--parity", action="store_true", help="also write parity/ with PyTorch reference outputs")
    ap.add_argument("--dataset", action="append", help="the training data set(s) (train.py --dataset): records their features' domain in "
                    "config.json, so the station uses features only for images like them (myriad_s/feature_domain.py); "
                    "for a golden-relative run, the domain of the relative features")
    args = ap.parse_args(argv)
    ck = torch.load(os.path.join(args.train_dir, "checkpoints", "last.pt"))
    cfg = ModelConfig(**ck["model_config"])
    model = MyriadS(cfg)
    model.load_state_dict(ck["model"])
    model.eval()
    tokenizer = BPE.load(os.path.join(args.train_dir, "tokenizer.json"))
    os.makedirs(args.out, exist_ok=True)
    export_graphs(model, args.out)
    shutil.copyfile(os.path.join(args.train_dir, "tokenizer.json"), os.path.join(args.out, "tokenizer.json"))
    language_out = os.path.join(args.out, "answer-language.json")
    if not (os.path.exists(language_out) and os.path.samefile(LANGUAGE_PATH, language_out)):
        shutil.copyfile(LANGUAGE_PATH, language_out)
    digest = hashlib.sha256(open(os.path.join(args.out, "decoder_model_merged.onnx"), "rb").read()).hexdigest()[:12]
    version = f"{ck['config']}-step{ck['step']}-{digest}"
    # Checkpoints written before the input was recorded read the raw features.
    visual_input = ck.get("visual_input", "raw")
    config = station_config(cfg, args.name, version, args.max_new_tokens, visual_input)
    total, per = (int(v) for v in args.instruction_budget.split(","))
    config["instruction_budget"] = {"total_tokens": total, "per_instruction_tokens": per}
    typical = None
    if args.dataset:
        # The domain of the input the model was trained on: for golden-relative, the relative features.
        examples, _ = load_station_sets(args.dataset, visual_input)
        descriptors = np.stack([descriptor(e.load_features()) for e in examples])
        config["feature_domain"] = fit_domain(descriptors)
        mean, std = np.array(config["feature_domain"]["mean"]), np.array(config["feature_domain"]["std"])
        typical = examples[int(np.argmin(distance(descriptors, mean, std)))].load_features()
    with open(os.path.join(args.out, "config.json"), "w") as fh:
        json.dump(config, fh, indent=2)
    if args.parity:
        write_parity(model, tokenizer, args.out, max_new=24, features=typical)
    print(f"exported {version} to {args.out}")


if __name__ == "__main__":
    main()
