"""Named configurations: `tiny` trains in seconds for the test suite; `full` is the shipped model
(about an hour on 2 CPU cores)."""
from dataclasses import dataclass, field

from .model import ModelConfig


@dataclass
class TrainConfig:
    model: ModelConfig
    steps: int
    batch: int
    lr: float = 1e-4 * 10  # the paper's 1e-4 is for frozen LLMs; a from-scratch LM needs more
    warmup: int = 100
    weight_decay: float = 0.05
    examples: int = 4000
    image_size: int = 128
    tokenizer_vocab: int = 2048
    max_len: int = 384
    checkpoint_every: int = 200
    seed: int = 0
    extra: dict = field(default_factory=dict)


CONFIGS = {
    "tiny": lambda: TrainConfig(
        model=ModelConfig(feature_channels=16, q_dim=32, q_layers=1, q_heads=2, learned_queries=4, hidden=48,
                          layers=2, heads=2, vocab=400, max_positions=512),
        steps=8, batch=4, warmup=2, examples=24, image_size=64, tokenizer_vocab=400, max_len=256, checkpoint_every=4,
    ),
    "full": lambda: TrainConfig(model=ModelConfig(), steps=3000, batch=16, warmup=150, examples=6000),
}
