"""Trains Myriad-S: `/usr/bin/python3 native-models/myriad-s/train.py --config tiny --out DIR`.

Resumable: the latest checkpoint in DIR/checkpoints is picked up. Logs one JSON line per step to
DIR/train-log.jsonl. AdamW (weight decay 0.05), linear warm-up, cosine decay to 0 (docs/method.md §Architecture).
"""
import argparse
import json
import math
import os
import shutil
import sys
import time

import numpy as np

# Spinning OpenMP workers stall whenever another process holds one of a small machine's cores (2.6 s a
# step instead of 3.4 s measured here with a busy neighbour); passive waiting costs nothing when idle.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from myriad_s.bpe import BPE  # noqa: E402
from myriad_s.configs import CONFIGS  # noqa: E402
from myriad_s.corpus import make_dialog  # noqa: E402
from myriad_s.benign_residual import raise_benign_residuals  # noqa: E402
from myriad_s.faint_defect_residual import fade_defect_residuals  # noqa: E402
from myriad_s.threshold_jitter import jitter_thresholds  # noqa: E402
from myriad_s.expert_maps import add_benign_response  # noqa: E402
from myriad_s.flagged_nuisances import flagged_nuisances  # noqa: E402
from myriad_s.data import VISUAL_INPUTS, dialog_texts, encode_dialog, generate_examples, load_station_sets  # noqa: E402
from myriad_s.model import MyriadS  # noqa: E402
from myriad_s.names import invented_name  # noqa: E402


def lr_at(step: int, cfg) -> float:
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    progress = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return cfg.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def nuisance_only(examples) -> np.ndarray:
    return np.array([i for i, e in enumerate(examples) if not e.defects and e.nuisances], dtype=np.int64)


def make_batch(model, tokenizer, examples, rng, cfg, nuisance_pool=None):
    mcfg = model.cfg
    device = model.embed.weight.device
    image_id = tokenizer.token_id("<image>")
    embeds, labels, weights = [], [], []
    picks = rng.integers(0, len(examples), cfg.batch)
    instructed = np.zeros(cfg.batch, bool)
    if cfg.instructed_nuisances > 0 and nuisance_pool is not None and len(nuisance_pool):  # (no draw when off)
        instructed = rng.random(cfg.batch) < cfg.instructed_nuisances
        picks[instructed] = nuisance_pool[rng.integers(0, len(nuisance_pool), int(instructed.sum()))]
    # The stored map decides, not the benign response drawn onto it below.
    nuisances = [flagged_nuisances(examples[i].nuisances, examples[i].anomaly_map) if cfg.nuisance_needs_map
                 else examples[i].nuisances for i in picks]
    drawn = [
        # (no draw at all when off: configurations without it keep their random stream)
        add_benign_response(examples[i].anomaly_map, rng) if cfg.benign_response > 0 and rng.random() < cfg.benign_response
        else examples[i].anomaly_map
        for i in picks
    ]
    if cfg.threshold_jitter > 0:  # (no draw when off)
        drawn = jitter_thresholds(drawn, cfg.threshold_jitter, rng)
    maps = torch.from_numpy(np.stack(drawn))[:, None]
    loaded = [None if rng.random() < cfg.feature_dropout else examples[i].load_features() for i in picks]
    defective = [bool(examples[i].defects) for i in picks]
    if cfg.benign_residual > 0 and cfg.visual_input == "golden-relative":  # (no draw when off)
        loaded = raise_benign_residuals(loaded, defective, cfg.benign_residual, rng)
    if cfg.faint_defect_residual > 0 and cfg.visual_input == "golden-relative":  # (no draw when off)
        # the stored map decides what is flagged, not the benign response drawn onto it above
        loaded = fade_defect_residuals(loaded, [examples[i].anomaly_map for i in picks], defective, cfg.faint_defect_residual, rng)
    feats = torch.stack([
        torch.from_numpy(f) if f is not None else torch.zeros(mcfg.feature_channels, mcfg.feature_size, mcfg.feature_size)
        for f in loaded
    ])
    visual, cell_logits = model.visual_tokens(feats.to(device), maps.to(device))
    read = torch.tensor([f is not None for f in loaded])
    cell_loss = None
    if cfg.cell_aux_weight > 0 and bool(read.any()):
        instances = [examples[i].defects + found for i, found in zip(picks, nuisances)]
        terms = []
        if "cells" in cell_logits:
            centres = torch.zeros(len(picks), 9)
            for b, found in enumerate(instances):
                for inst in found:
                    centres[b, inst["cell"]] = 1.0
            terms.append(F.binary_cross_entropy_with_logits(cell_logits["cells"][read.to(device)], centres[read].to(device)))
        if "largest" in cell_logits:
            largest = torch.tensor([max(found, key=lambda d: d["area_fraction"])["cell"] if found else -1 for found in instances])
            use = read & (largest >= 0)
            if bool(use.any()):
                terms.append(F.cross_entropy(cell_logits["largest"][use.to(device)], largest[use].to(device)))
        if terms:
            cell_loss = cfg.cell_aux_weight * sum(terms)
    for b, i in enumerate(picks):
        e = examples[i]
        # (no draw at all when off, as for benign_response)
        product = invented_name(rng) if cfg.invented_names > 0 and rng.random() < cfg.invented_names else e.product
        dialog = make_dialog(rng, product, e.defects, nuisances[b], ignore_nuisances=bool(instructed[b]))
        ids, lab, wts = encode_dialog(tokenizer, dialog, cfg.max_len, cfg.first_answer_weight)
        at = ids.index(image_id)
        embeds.append(model.splice(ids, image_id, visual[b]))
        labels.append(lab[:at] + [-100] * visual.shape[1] + lab[at + 1 :])
        weights.append(wts[:at] + [0.0] * visual.shape[1] + wts[at + 1 :])
    t = max(len(l) for l in labels)
    x = torch.zeros(len(embeds), t, mcfg.hidden, device=device)
    y = torch.full((len(embeds), t), -100, dtype=torch.long)
    w = torch.zeros(len(embeds), t)
    mask = torch.zeros(len(embeds), t, dtype=torch.long)
    for b, (e, l, wt) in enumerate(zip(embeds, labels, weights)):
        x[b, : len(l)] = e
        y[b, : len(l)] = torch.tensor(l)
        w[b, : len(l)] = torch.tensor(wt)
        mask[b, : len(l)] = 1
    return x, y.to(device), w.to(device), mask.to(device), cell_loss


def run_identity(args, cfg) -> dict:
    """What makes a run this run: a checkpoint of another is not resumed under it (a stale --out
    would otherwise continue someone else's weights on a schedule it never had). --steps may change:
    extending a run is resuming it."""
    return {"config": args.config, "lr": cfg.lr,
            "datasets": sorted(os.path.abspath(d) for d in args.dataset) if args.dataset else None,
            "init": os.path.abspath(args.init) if args.init else None,
            "visual_input": cfg.visual_input, "benign_residual": cfg.benign_residual,
            "faint_defect_residual": cfg.faint_defect_residual, "threshold_jitter": cfg.threshold_jitter,
            "nuisance_needs_map": cfg.nuisance_needs_map}


# What a checkpoint written before an entry was recorded trained with.
IDENTITY_DEFAULTS = {"visual_input": "raw", "benign_residual": 0.0, "faint_defect_residual": 0.0, "threshold_jitter": 0.0,
                     "nuisance_needs_map": False}


def identity_mismatch(saved: dict | None, current: dict) -> list:
    if saved is None:  # checkpoints written before runs were recorded
        return []
    saved = {**IDENTITY_DEFAULTS, **saved}
    return [f"{k}: checkpoint {saved.get(k)!r}, now {current[k]!r}" for k in current
            if saved.get(k) != current[k] and not (k == "init" and None in (saved.get(k), current[k]))]


def checkpoint_input(ck: dict) -> str:
    """The visual input a checkpoint was trained on."""
    return ck.get("visual_input", IDENTITY_DEFAULTS["visual_input"])


def save_checkpoint(path, model, opt, step, cfg_name, rng, run):
    tmp = path + ".tmp"
    cpu_state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save({"model": cpu_state, "optimizer": opt.state_dict(), "step": step, "config": cfg_name,
                "model_config": model.cfg.to_dict(), "rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
                "run": run, "visual_input": run["visual_input"]}, tmp)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", choices=sorted(CONFIGS), default="full")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, help="override the configuration's step count")
    ap.add_argument("--lr", type=float, help="override the configuration's peak learning rate (e.g. lower for a warm-started stage)")
    ap.add_argument("--examples", type=int, help="override the number of generated examples (proxy maps only)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--init", help="a training directory to start from: its checkpoints/last.pt weights and its tokenizer "
                    "(a fresh schedule and optimizer; parameters it lacks keep their initialisation); when --out already "
                    "holds a checkpoint of this run, that is resumed instead (a checkpoint of another run is refused)")
    ap.add_argument("--device", default="cpu", help="torch device, e.g. cuda: same data, same schedule; checkpoints are saved for the CPU")
    ap.add_argument("--dataset", action="append", help="a data set mapped by the station's expert (make_dataset.py + "
                    "npm run lab -- training-data); repeat it to train on several; without it, proxy maps from the ground truth "
                    "are used (tests and smoke runs only)")
    ap.add_argument("--benign-residual", type=float, help="share of good examples whose golden-relative residual is raised in one "
                    "compact region (myriad_s/benign_residual.py); default: the configuration's")
    ap.add_argument("--faint-defect-residual", type=float, help="share of defective examples whose map flags the defect "
                    "and whose golden-relative residual is lowered there (myriad_s/faint_defect_residual.py); default: the configuration's")
    ap.add_argument("--threshold-jitter", type=float, help="share of examples whose map is re-normalised as a recipe with a "
                    "threshold set too low or too high would have made it (myriad_s/threshold_jitter.py); default: the configuration's")
    ap.add_argument("--nuisance-needs-map", action="store_true", help="a nuisance (shadow, dust, reflection) counts as an anomaly "
                    "only where the expert's map flags it (myriad_s/flagged_nuisances.py)")
    ap.add_argument("--visual-input", choices=VISUAL_INPUTS, help="what the vision encoder reads as features: the backbone's raw "
                    "features or their residual against each product's goldens (golden-relative, needs --dataset); overrides "
                    "the configuration's (raw). A run is resumed only with its own input; --init may start from a run on another")
    args = ap.parse_args(argv)
    cfg = CONFIGS[args.config]()
    if args.steps is not None:
        cfg.steps = args.steps
    if args.examples is not None:
        cfg.examples = args.examples
    if args.lr is not None:
        if not args.lr > 0:
            raise SystemExit("--lr must be positive")
        cfg.lr = args.lr
    if args.visual_input is not None:
        cfg.visual_input = args.visual_input
    if args.benign_residual is not None:
        if not 0.0 <= args.benign_residual <= 1.0:
            raise SystemExit(f"--benign-residual is a share in [0, 1], got {args.benign_residual}")
        cfg.benign_residual = args.benign_residual
    if args.faint_defect_residual is not None:
        if not 0.0 <= args.faint_defect_residual <= 1.0:
            raise SystemExit(f"--faint-defect-residual is a share in [0, 1], got {args.faint_defect_residual}")
        cfg.faint_defect_residual = args.faint_defect_residual
    if args.threshold_jitter is not None:
        if not 0.0 <= args.threshold_jitter <= 1.0:
            raise SystemExit(f"--threshold-jitter is a share in [0, 1], got {args.threshold_jitter}")
        cfg.threshold_jitter = args.threshold_jitter
    if args.nuisance_needs_map:
        cfg.nuisance_needs_map = True
    if cfg.visual_input != "raw" and not args.dataset:
        raise SystemExit(f"--visual-input {cfg.visual_input} needs --dataset: it is computed from each product's goldens, "
                         "which only a data set mapped by the station's expert holds")
    torch.set_num_threads(args.threads)
    torch.manual_seed(cfg.seed)
    os.makedirs(os.path.join(args.out, "checkpoints"), exist_ok=True)
    ckpt_path = os.path.join(args.out, "checkpoints", "last.pt")
    tok_path = os.path.join(args.out, "tokenizer.json")
    rng = np.random.default_rng(cfg.seed)

    t0 = time.time()
    if args.dataset:
        examples, (channels, size, map_size) = load_station_sets(args.dataset, cfg.visual_input)
        cfg.model.feature_channels, cfg.model.feature_size, cfg.model.map_size = channels, size, map_size
    else:
        examples = generate_examples(cfg.seed, cfg.examples, cfg.image_size, cfg.model.map_size)
    if args.init and not os.path.exists(ckpt_path):
        shutil.copyfile(os.path.join(args.init, "tokenizer.json"), tok_path)  # the weights' token ids
    if os.path.exists(tok_path):
        tokenizer = BPE.load(tok_path)
    else:
        tokenizer = BPE.train(dialog_texts(examples, np.random.default_rng(cfg.seed + 1)), cfg.tokenizer_vocab)
        tokenizer.save(tok_path)
    cfg.model.vocab = len(tokenizer.vocab)
    print(f"data: {len(examples)} examples, vocab {cfg.model.vocab}, {time.time() - t0:.1f}s", flush=True)

    model = MyriadS(cfg.model).to(args.device)
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "pos" not in n and "queries" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "pos" not in n and "queries" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr)
    step = 0
    run = run_identity(args, cfg)
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location="cpu")
        differs = identity_mismatch(ck.get("run"), run)
        if differs:
            raise SystemExit(f"{args.out} holds a checkpoint of another run ({'; '.join(differs)}): resume it with "
                             "its own arguments, or train into a new --out")
        model.load_state_dict(ck["model"])
        model.to(args.device)
        opt.load_state_dict(ck["optimizer"])
        step = ck["step"]
        rng.bit_generator.state = ck["rng"]
        torch.set_rng_state(ck["torch_rng"])
        print(f"resumed at step {step}", flush=True)
    elif args.init:
        init_ck = torch.load(os.path.join(args.init, "checkpoints", "last.pt"), map_location="cpu")
        init = init_ck["model"]
        own = model.state_dict()
        foreign = [k for k, v in init.items() if k not in own or own[k].shape != v.shape]
        if foreign:
            raise SystemExit(f"--init {args.init} is not this configuration: {foreign[:4]}")
        missing, _ = model.load_state_dict(init, strict=False)
        print(f"initialised from {args.init}; new parameters: {missing}", flush=True)
        if checkpoint_input(init_ck) != cfg.visual_input:
            # A warm start on another input: the decoder's language and the map's reading carry over;
            # the vision encoder relearns what the features say.
            print(f"--init {args.init} was trained on the {checkpoint_input(init_ck)} input; this run reads the {cfg.visual_input} input", flush=True)

    pool = nuisance_only(examples)
    log = open(os.path.join(args.out, "train-log.jsonl"), "a")
    model.train()
    while step < cfg.steps:
        t = time.time()
        for g in opt.param_groups:
            g["lr"] = lr_at(step, cfg)
        x, y, w, mask, cell_loss = make_batch(model, tokenizer, examples, rng, cfg, pool)
        pos = (mask.cumsum(1) - 1).clamp(min=0)
        logits, _ = model.decoder(x, mask, pos, model.decoder.empty_past(x.shape[0], x.device))
        per_token = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), y[:, 1:].reshape(-1),
                                    ignore_index=-100, reduction="none")
        w = w[:, 1:].reshape(-1)
        lm_loss = (per_token * w).sum() / w.sum()
        loss = lm_loss if cell_loss is None else lm_loss + cell_loss
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        record = {"step": step, "loss": round(lm_loss.item(), 4),
                  **({"aux_loss": round(cell_loss.item(), 4)} if cell_loss is not None else {}), "lr": opt.param_groups[0]["lr"], "seconds": round(time.time() - t, 3)}
        log.write(json.dumps(record) + "\n")
        log.flush()
        if step % 20 == 0 or step == cfg.steps:
            print(json.dumps(record), flush=True)
        if step % cfg.checkpoint_every == 0 or step == cfg.steps:
            save_checkpoint(ckpt_path, model, opt, step, args.config, rng, run)
    log.close()


if __name__ == "__main__":
    main()
