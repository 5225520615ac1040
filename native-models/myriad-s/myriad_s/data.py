"""Training examples: synthetic samples with their expert map and features, and a fresh grounded
dialog for every draw, encoded into ids and loss labels."""
from dataclasses import dataclass

import numpy as np

from .bpe import BPE
from .corpus import make_dialog
from .expert_maps import proxy_expert_map
from .synth.engine import make_sample
from .synth.parts import make_product


@dataclass
class Example:
    product: str
    defects: list
    nuisances: list
    anomaly_map: np.ndarray  # (M, M) float32, threshold at 0.5
    features: np.ndarray | None  # (C, S, S) or None (no backbone features: zeros)


def generate_examples(seed: int, count: int, image_size: int, map_size: int, samples_per_product: int = 8) -> list:
    """Normal and anomalous samples 1:1 (MYRIAD.md section 3), with proxy expert maps."""
    rng = np.random.default_rng(seed)
    out, product = [], None
    for i in range(count):
        if i % samples_per_product == 0:
            product = make_product(rng)
        s = make_sample(product, rng, image_size, anomalous=i % 2 == 1)
        m = proxy_expert_map(s.defect_mask | s.nuisance_mask, rng, map_size)
        out.append(Example(product.name, s.defects, s.nuisances, m, None))
    return out


def dialog_texts(examples: list, rng: np.random.Generator, per_example: int = 2) -> list:
    return ["".join(t for t, _ in make_dialog(rng, e.product, e.defects, e.nuisances)) for e in examples for _ in range(per_example)]


def encode_dialog(tokenizer: BPE, segments: list, max_len: int):
    """ids (with BOS) and labels (-100 where the model is not trained to produce the token)."""
    ids, labels = [tokenizer.token_id("<s>")], [-100]
    for text, trainable in segments:
        piece = tokenizer.encode(text)
        ids += piece
        labels += piece if trainable else [-100] * len(piece)
    return ids[:max_len], labels[:max_len]
