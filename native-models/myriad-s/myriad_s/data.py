"""Training examples: synthetic samples with their expert map and features, and a fresh grounded
dialog for every draw, encoded into ids and loss labels."""
import json
import os
from dataclasses import dataclass

import numpy as np

from .bpe import BPE
from .corpus import make_dialog
from .expert_maps import proxy_expert_map
from .golden_relative import MAX_BANK_ROWS, build_bank, relative_features
from .synth.engine import make_sample
from .synth.parts import make_product


VISUAL_INPUTS = ("raw", "golden-relative")


class ProductGoldens:
    """A product's goldens as its expert was fitted on them: their features on disk and, once a sample
    asks, the spread of its golden bank (the costly held-out search). The bank's rows are read again
    for each sample, so nine hundred products' banks do not sit in memory at once."""

    def __init__(self, paths: list, shape: tuple):
        self.paths, self.shape, self._spread = paths, shape, None

    def bank(self):
        goldens = [np.fromfile(p, dtype="<f4").reshape(self.shape) for p in self.paths]
        bank = build_bank(goldens, self._spread)
        self._spread = bank.spread
        return bank


@dataclass
class Example:
    product: str
    defects: list
    nuisances: list
    anomaly_map: np.ndarray  # (M, M) float32, threshold at 0.5
    features: np.ndarray | None  # (C, S, S) or None (no backbone features: zeros)
    features_path: str | None = None  # read per batch: a full data set's features do not fit in memory
    features_shape: tuple = ()
    # Set for the golden-relative input: load_features() gives the features relative to these goldens.
    goldens: ProductGoldens | None = None

    def load_features(self):
        if self.features_path is None:
            return self.features
        raw = np.fromfile(self.features_path, dtype="<f4").reshape(self.features_shape)
        return raw if self.goldens is None else relative_features(raw, self.goldens.bank())


def generate_examples(seed: int, count: int, image_size: int, map_size: int, samples_per_product: int = 8) -> list:
    """Normal and anomalous samples 1:1 (docs/method.md §Training data), with proxy expert maps."""
    rng = np.random.default_rng(seed)
    out, product = [], None
    for i in range(count):
        if i % samples_per_product == 0:
            product = make_product(rng)
        s = make_sample(product, rng, image_size, anomalous=i % 2 == 1)
        m = proxy_expert_map(s.defect_mask | s.nuisance_mask, rng, map_size)
        out.append(Example(product.name, s.defects, s.nuisances, m, None))
    return out


def load_station_examples(dataset_dir: str, visual_input: str = "raw"):
    """Examples mapped by the station's own expert (make_dataset.py + the lab command training-data), and
    (feature_channels, feature_size, map_size) as that expert produced them. With visual_input
    "golden-relative" their features are relative to the goldens the sample's expert was fitted on
    (myriad_s/golden_relative.py), computed as each sample is read."""
    if visual_input not in VISUAL_INPUTS:
        raise ValueError(f"visual input must be one of {VISUAL_INPUTS}, got {visual_input!r}")
    with open(os.path.join(dataset_dir, "index.json")) as f:
        index = json.load(f)
    with open(os.path.join(dataset_dir, "expert", "index.json")) as f:
        expert = json.load(f)
    names = {p["id"]: p["name"] for p in index["products"]}
    channels, height, width = expert["features_shape"]
    if height != width or expert["map_shape"][0] != expert["map_shape"][1]:
        raise ValueError(f"square features and maps expected, got {expert['features_shape']} and {expert['map_shape']}")
    goldens = {}
    if visual_input == "golden-relative":
        goldens = product_goldens(dataset_dir, expert, {index["samples"][sid]["product"] for sid in expert["samples"]})
    out = []
    for sid, entry in expert["samples"].items():
        gt = index["samples"][sid]
        m = np.fromfile(os.path.join(dataset_dir, "expert", entry["map"]), dtype="<f4").reshape(expert["map_shape"])
        out.append(Example(names[gt["product"]], gt["defects"], gt["nuisances"], m, None,
                           os.path.join(dataset_dir, "expert", entry["features"]), tuple(expert["features_shape"]),
                           goldens.get(gt["product"])))
    return out, (channels, height, expert["map_shape"][0])


def product_goldens(dataset_dir: str, expert: dict, needed: set) -> dict:
    """Per product id, the goldens expert/index.json records for it: all of them, as the station's
    bank keeps every golden patch up to MAX_BANK_ROWS."""
    shape = tuple(expert["features_shape"])
    recorded = expert.get("products") or {}
    missing = sorted(pid for pid in needed if not (recorded.get(pid) or {}).get("goldens"))
    if missing:
        raise ValueError(f"{dataset_dir} was mapped without the goldens of {len(missing)} product(s) ({', '.join(missing[:3])}), "
                         "which the golden-relative input is computed from: map it again with npm run lab -- training-data")
    out = {}
    for pid in sorted(needed):
        files = [g["features"] for g in recorded[pid]["goldens"]]
        if len(files) * shape[1] * shape[2] > MAX_BANK_ROWS:
            raise ValueError(f"{dataset_dir}: product {pid} has {len(files)} goldens of {shape[1]}x{shape[2]} cells, over the "
                             f"{MAX_BANK_ROWS} golden patches the station's bank keeps without subsampling")
        out[pid] = ProductGoldens([os.path.join(dataset_dir, "expert", f) for f in files], shape)
    return out


def load_station_sets(dataset_dirs: list, visual_input: str = "raw"):
    """Several mapped data sets as one (e.g. a new batch of products next to an earlier one); they
    must come from the same backbone and map size."""
    examples, shape = [], None
    for d in dataset_dirs:
        part, part_shape = load_station_examples(d, visual_input)
        if shape is not None and part_shape != shape:
            raise ValueError(f"{d} was mapped with (channels, size, map) {part_shape}, the others with {shape}")
        examples, shape = examples + part, part_shape
    if shape is None:
        raise ValueError("no data set given")
    return examples, shape


def dialog_texts(examples: list, rng: np.random.Generator, per_example: int = 2) -> list:
    return ["".join(t for t, _ in make_dialog(rng, e.product, e.defects, e.nuisances)) for e in examples for _ in range(per_example)]


def encode_dialog(tokenizer: BPE, segments: list, max_len: int, first_answer_weight: float = 1.0):
    """ids (with BOS), labels (-100 where the model is not trained to produce the token) and a loss
    weight per token: the first answer, the verdict the station records, weighs first_answer_weight."""
    ids, labels, weights = [tokenizer.token_id("<s>")], [-100], [0.0]
    answers = 0
    for text, trainable in segments:
        piece = tokenizer.encode(text)
        ids += piece
        labels += piece if trainable else [-100] * len(piece)
        weight = (first_answer_weight if answers == 0 else 1.0) if trainable else 0.0
        weights += [weight] * len(piece)
        answers += int(trainable)
    return ids[:max_len], labels[:max_len], weights[:max_len]
