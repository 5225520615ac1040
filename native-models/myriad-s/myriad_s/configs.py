"""Named configurations: `tiny` trains in seconds for the test suite; `small` in minutes for smoke
runs; `full` is the shipped model, sized for about an hour on 2 free CPU cores (about 2 s a step of
16 dialogs with libopenblas0-pthread) and small enough to answer at over 150 tokens/s there."""
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
    # Share of examples trained with zero features: the station may hand over only the stored map
    # (follow-up questions on a recorded inspection), and the answer must still be grounded in it.
    feature_dropout: float = 0.15
    # The first answer's few content words (Yes/No, type, cell) are a small share of the answer
    # tokens; weighting that answer makes them count as much as the station's use of them.
    first_answer_weight: float = 1.0
    # Share of examples whose map gets a benign sub-threshold response (expert_maps.add_benign_response).
    benign_response: float = 0.0
    # Weight of the auxiliary loss that teaches the feature cells (ModelConfig.feature_cells) which
    # cells hold an instance's centre, on examples whose features were read; the LM loss alone
    # leaves them reading too little.
    cell_aux_weight: float = 0.0
    # Share of dialogs whose product is renamed with an invented name (myriad_s/names.py), so the
    # model learns to copy the recipe's name rather than recall one of the families' names.
    invented_names: float = 0.0
    # Share of batch slots given to an image whose only instances are nuisances, with the recipe told to
    # ignore every one: "ignore the shadow cast" must turn such an image into "No", and at the natural
    # rate (about 2 % of dialogs) a model trained without it names a defect on 3 of 59 held-out shadows.
    instructed_nuisances: float = 0.0
    # What the vision encoder reads as `features` (data.VISUAL_INPUTS): the backbone's raw features, or
    # their residual against the product's goldens (myriad_s/golden_relative.py), which does not
    # carry the product's texture and colour and so means the same on a real product as on a synthetic one.
    visual_input: str = "raw"
    # Share of good examples (no defect, features read, golden-relative input only) whose residual is
    # raised in one compact region (benign_residual.amplify_benign_residual): the feature-side
    # counterpart of benign_response.
    benign_residual: float = 0.0
    # Share of defective examples (features read, golden-relative input only) whose map flags the
    # defect and whose residual is lowered there (faint_defect_residual.fade_defect_residual): a real
    # defect the map flags may barely move the features.
    faint_defect_residual: float = 0.0
    # Share of examples whose map is re-normalised as a recipe with its threshold set too low or too
    # high would have made it (threshold_jitter.rescale_threshold); the answer keeps the part's truth.
    threshold_jitter: float = 0.0
    # Nuisances count as anomalies only where the expert's map flags them (flagged_nuisances.py).
    nuisance_needs_map: bool = False
    extra: dict = field(default_factory=dict)


CONFIGS = {
    "tiny": lambda: TrainConfig(
        model=ModelConfig(feature_channels=16, q_dim=32, q_layers=1, q_heads=2, learned_queries=4, hidden=48,
                          layers=2, heads=2, vocab=400, max_positions=512, feature_cells=True, largest_cell=True),
        steps=8, batch=4, warmup=2, examples=24, image_size=64, tokenizer_vocab=400, max_len=256, checkpoint_every=4,
        cell_aux_weight=0.2, invented_names=0.5, instructed_nuisances=0.25,
    ),
    # A few minutes on a shared 2-core machine: checks that the pipeline learns, not a shippable model.
    "small": lambda: TrainConfig(
        model=ModelConfig(q_dim=64, q_layers=1, q_heads=4, learned_queries=8, hidden=128, layers=3, heads=4,
                          vocab=1024, max_positions=512),
        steps=300, batch=8, warmup=30, examples=400, image_size=128, tokenizer_vocab=1024, max_len=320, checkpoint_every=50,
    ),
    "full": lambda: TrainConfig(
        model=ModelConfig(q_dim=96, q_layers=2, q_heads=4, learned_queries=8, hidden=192, layers=4, heads=4,
                          vocab=1024, max_positions=512, feature_cells=True, largest_cell=True),
        steps=1800, batch=16, warmup=90, examples=6000, tokenizer_vocab=1024, max_len=320, checkpoint_every=100,
        feature_dropout=0.25, first_answer_weight=3.0, benign_response=0.35, cell_aux_weight=0.2,
        invented_names=0.5, instructed_nuisances=0.1,
    ),
}
