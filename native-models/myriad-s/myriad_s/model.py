"""Myriad-S (docs/method.md §Myriad-S): frozen backbone features -> domain adapter -> small Q-Former
whose learned queries are joined by VE-Instructor expert queries -> LM width; VE-Tokenizer on the
expert map -> 3x3 = 9 expert tokens; a small decoder-only LM with rotary positions, trained from
scratch. Each of the four exported graphs (docs/contracts.md §Model files) is one module here.

Beyond the paper, the vision encoder may also emit nine feature-cell tokens and one
largest-cell token read straight from the adapted features (FeatureCells, LargestCell): where a
change is large and soft (a cast shadow) the expert map marks only its edge and the Q-Former's
queries lose where it lies. They are part of `image_embeds`, so the graph contract is unchanged and
config.json's num_image_tokens counts them."""
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class ModelConfig:
    feature_channels: int = 128  # backbone taps concatenated (features.6 + features.13 of MobileNetV2)
    feature_size: int = 32  # feature grid side: the PatchCore default input 256 at stride 8
    map_size: int = 48  # the expert map is resized to this before both map encoders
    q_dim: int = 128
    q_layers: int = 2
    q_heads: int = 4
    learned_queries: int = 16
    instructor_pools: int = 3  # map_size / 2**pools per side = expert query grid (48 -> 6x6 = 36)
    # Nine tokens read straight from the features, one per 3x3 answer cell (off in models exported
    # before them). The Q-Former's queries lose where a soft, large change such as a cast
    # shadow lies (a probe on its outputs finds the shadow's cell on 0.31-0.43 of held-out images,
    # one on the raw features on 0.86), and the expert map marks only the shadow's edge.
    feature_cells: bool = False
    # One more token: which cell holds the centre of the largest instance, read from the whole
    # feature grid at once. A cell's own features cannot tell whether a shadow that covers six cells
    # is centred in it; a linear probe over the whole grid names that cell on 0.86 of held-out shadows.
    largest_cell: bool = False
    hidden: int = 256
    layers: int = 6
    heads: int = 4
    vocab: int = 2048
    max_positions: int = 1024
    rope_theta: float = 10000.0

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    @property
    def expert_queries(self) -> int:
        return (self.map_size // 2**self.instructor_pools) ** 2

    @property
    def image_tokens(self) -> int:
        return self.learned_queries + self.expert_queries + (9 if self.feature_cells else 0) + (1 if self.largest_cell else 0)

    def to_dict(self) -> dict:
        return asdict(self)


def conv_pool_blocks(channels: list) -> nn.Sequential:
    """conv3x3 + ReLU + maxpool2 per step, the block of Myriad's VE-Instructor and VE-Tokenizer."""
    layers = []
    for cin, cout in zip(channels, channels[1:]):
        layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*layers)


class DomainAdapter(nn.Module):
    """Residual two-conv block on the frozen features; zero-initialised output, so it starts as identity."""

    def __init__(self, channels: int):
        super().__init__()
        mid = max(8, channels // 4)
        self.conv1 = nn.Conv2d(channels, mid, 3, padding=1)
        self.conv2 = nn.Conv2d(mid, channels, 1)
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)

    def forward(self, x):
        return x + self.conv2(F.relu(self.conv1(x)))


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, context):
        b, t, d = x.shape
        hd = d // self.heads
        q = self.q(x).view(b, t, self.heads, hd).transpose(1, 2)
        k, v = self.kv(context).view(b, -1, 2, self.heads, hd).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
        return self.out((att @ v).transpose(1, 2).reshape(b, t, d))


class QFormerLayer(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.n1, self.n2, self.n3 = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.self_attn = Attention(dim, heads)
        self.cross_attn = Attention(dim, heads)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, queries, image):
        h = self.n1(queries)
        queries = queries + self.self_attn(h, h)
        queries = queries + self.cross_attn(self.n2(queries), image)
        return queries + self.mlp(self.n3(queries))


def cell_pool(size: int) -> nn.AvgPool2d:
    """Average pooling of a size x size grid to the 3x3 answer grid with plain AvgPool (exportable;
    adaptive pooling is not when 3 does not divide the size): kernel ceil(size/3), padding spread."""
    k = -(-size // 3)
    pad = -(-(3 * k - size) // 2)
    assert (size + 2 * pad - k) // k + 1 == 3 and 2 * pad <= k, f"cannot pool a {size} grid to 3x3"
    return nn.AvgPool2d(k, stride=k, padding=pad, count_include_pad=False)


class FeatureCells(nn.Module):
    """Adapted features -> nine tokens, one per 3x3 cell, each carrying its cell's identity scaled by
    the evidence the features hold there (as ExpertEncoder does for the map); the evidence logits are
    also returned for training's auxiliary loss (which cells hold an instance's centre)."""

    def __init__(self, cfg: "ModelConfig"):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(cfg.feature_channels, cfg.q_dim, 1), nn.ReLU(),
                                  nn.Conv2d(cfg.q_dim, cfg.q_dim, 3, padding=1), nn.ReLU())
        self.pool = cell_pool(cfg.feature_size)
        self.proj = nn.Linear(cfg.q_dim, cfg.hidden)
        self.evidence = nn.Linear(cfg.q_dim, 1)
        self.pos = nn.Parameter(torch.randn(1, 9, cfg.hidden) * 0.02)
        self.cell = nn.Parameter(torch.randn(1, 9, cfg.hidden) * 0.1)

    def forward(self, adapted):
        h = self.pool(self.conv(adapted)).flatten(2).transpose(1, 2)  # (B, 9, q_dim)
        logits = self.evidence(h)  # (B, 9, 1)
        return self.proj(h) + self.pos + torch.sigmoid(logits) * self.cell, logits[..., 0]


class LargestCell(nn.Module):
    """Adapted features -> one token, the mixture of nine cell embeddings weighted by where the
    largest instance's centre is predicted to lie (logits returned for the auxiliary loss)."""

    def __init__(self, cfg: "ModelConfig", channels: int = 32):
        super().__init__()
        grid = max(g for g in range(1, 9) if cfg.feature_size % g == 0)  # 8 x 8 on the shipped 32 x 32 grid
        self.reduce = nn.Sequential(nn.Conv2d(cfg.feature_channels, channels, 1), nn.ReLU(), nn.AvgPool2d(cfg.feature_size // grid))
        self.head = nn.Linear(channels * grid * grid, 9)
        self.where = nn.Parameter(torch.randn(9, cfg.hidden) * 0.1)
        self.bias = nn.Parameter(torch.zeros(1, 1, cfg.hidden))

    def forward(self, adapted):
        logits = self.head(self.reduce(adapted).flatten(1))  # (B, 9)
        return (torch.softmax(logits, dim=-1) @ self.where)[:, None] + self.bias, logits


class VisionEncoder(nn.Module):
    """features (B, C, S, S) + anomaly_map (B, 1, M, M) -> image_embeds (B, learned + expert queries
    [+ 9 feature cells] [+ 1 largest cell], hidden)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.adapter = DomainAdapter(cfg.feature_channels)
        grid = cfg.feature_size // 2
        self.image_proj = nn.Linear(cfg.feature_channels, cfg.q_dim)
        self.image_pos = nn.Parameter(torch.randn(1, grid * grid, cfg.q_dim) * 0.02)
        chans = [1, 8, 16, 32, 64, 128][: cfg.instructor_pools + 1]
        self.instructor = conv_pool_blocks(chans)
        self.instructor_proj = nn.Conv2d(chans[-1], cfg.q_dim, 1)
        self.expert_pos = nn.Parameter(torch.randn(1, cfg.expert_queries, cfg.q_dim) * 0.02)
        self.queries = nn.Parameter(torch.randn(1, cfg.learned_queries, cfg.q_dim) * 0.02)
        self.layers = nn.ModuleList(QFormerLayer(cfg.q_dim, cfg.q_heads) for _ in range(cfg.q_layers))
        self.norm = nn.LayerNorm(cfg.q_dim)
        self.to_lm = nn.Linear(cfg.q_dim, cfg.hidden)
        self.cells = FeatureCells(cfg) if cfg.feature_cells else None
        self.largest = LargestCell(cfg) if cfg.largest_cell else None

    def forward(self, features, anomaly_map):
        return self.with_cell_logits(features, anomaly_map)[0]

    def with_cell_logits(self, features, anomaly_map):
        """(image_embeds, {"cells": the feature cells' evidence logits (B, 9), "largest": the largest
        instance's cell logits (B, 9)}, each present when its part is configured)."""
        adapted = self.adapter(features)
        x = F.avg_pool2d(adapted, 2)  # (B, C, S/2, S/2): fewer tokens to cross-attend
        image = self.image_proj(x.flatten(2).transpose(1, 2)) + self.image_pos
        expert = self.instructor_proj(self.instructor(anomaly_map)).flatten(2).transpose(1, 2) + self.expert_pos
        queries = torch.cat([self.queries.expand(features.shape[0], -1, -1), expert], dim=1)
        for layer in self.layers:
            queries = layer(queries, image)
        parts, logits = [self.to_lm(self.norm(queries))], {}
        if self.cells is not None:
            tokens, logits["cells"] = self.cells(adapted)
            parts.append(tokens)
        if self.largest is not None:
            tokens, logits["largest"] = self.largest(adapted)
            parts.append(tokens)
        return torch.cat(parts, dim=1), logits


class ExpertEncoder(nn.Module):
    """VE-Tokenizer: anomaly_map (B, 1, M, M) -> expert_embeds (B, 9, hidden), one token per 3x3 cell."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        pools = int(round(math.log2(cfg.map_size / 3)))
        assert cfg.map_size == 3 * 2**pools, "map_size must be 3 * 2**k so the pooled grid is the 3x3 answer grid"
        chans = [1, 16, 32, 64, 128, 128, 128][: pools + 1]
        self.blocks = conv_pool_blocks(chans)
        self.proj = nn.Conv2d(chans[-1], cfg.hidden, 1)
        self.pos = nn.Parameter(torch.randn(1, 9, cfg.hidden) * 0.02)
        # Each cell's own identity, scaled by how much evidence the map holds there: the tokens of
        # hot cells then name their place, so the decoder can read "where" by plain averaging over
        # the nine tokens instead of having to learn an arg-max attention first.
        self.evidence = nn.Conv2d(chans[-1], 1, 1)
        self.cell = nn.Parameter(torch.randn(1, 9, cfg.hidden) * 0.1)

    def forward(self, anomaly_map):
        h = self.blocks(anomaly_map)
        gate = torch.sigmoid(self.evidence(h)).flatten(2).transpose(1, 2)  # (B, 9, 1)
        return self.proj(h).flatten(2).transpose(1, 2) + self.pos + gate * self.cell


class RMSNorm(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * self.weight


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class DecoderLayer(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.heads, self.hd = cfg.heads, cfg.head_dim
        self.n1, self.n2 = RMSNorm(cfg.hidden), RMSNorm(cfg.hidden)
        self.qkv = nn.Linear(cfg.hidden, 3 * cfg.hidden, bias=False)
        self.o = nn.Linear(cfg.hidden, cfg.hidden, bias=False)
        self.mlp = nn.Sequential(nn.Linear(cfg.hidden, 4 * cfg.hidden, bias=False), nn.GELU(), nn.Linear(4 * cfg.hidden, cfg.hidden, bias=False))

    def forward(self, x, cos, sin, mask, past_k, past_v):
        b, t, d = x.shape
        q, k, v = self.qkv(self.n1(x)).view(b, t, 3, self.heads, self.hd).permute(2, 0, 3, 1, 4)  # each (B, nh, T, hd)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        k = torch.cat([past_k, k], dim=2)  # (B, nh, past + T, hd)
        v = torch.cat([past_v, v], dim=2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
        att = torch.softmax(att.masked_fill(~mask, -1e9), dim=-1)
        x = x + self.o((att @ v).transpose(1, 2).reshape(b, t, d))
        return x + self.mlp(self.n2(x)), k, v


class Decoder(nn.Module):
    """inputs_embeds (B, T, D), attention_mask (B, past + T), position_ids (B, T), past keys/values
    (B, nh, past, hd) per layer -> logits (B, T, V) and the present keys/values (B, nh, past + T, hd)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.layers))
        self.norm = RMSNorm(cfg.hidden)
        self.lm_head = nn.Linear(cfg.hidden, cfg.vocab, bias=False)
        inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2).float() / cfg.head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, inputs_embeds, attention_mask, position_ids, past):
        t = inputs_embeds.shape[1]
        past_len = past[0][0].shape[2]
        freqs = position_ids.float().unsqueeze(-1) * self.inv_freq  # (B, T, hd/2)
        cos, sin = freqs.cos().unsqueeze(1), freqs.sin().unsqueeze(1)  # (B, 1, T, hd/2)
        q_pos = torch.arange(t, device=inputs_embeds.device) + past_len
        k_pos = torch.arange(attention_mask.shape[1], device=inputs_embeds.device)
        causal = k_pos.unsqueeze(0) <= q_pos.unsqueeze(1)  # (T, past + T)
        mask = causal.unsqueeze(0).unsqueeze(0) & (attention_mask > 0).unsqueeze(1).unsqueeze(1)
        x, present = inputs_embeds, []
        for layer, (pk, pv) in zip(self.layers, past):
            x, k, v = layer(x, cos, sin, mask, pk, pv)
            present.append((k, v))
        return self.lm_head(self.norm(x)), present

    def empty_past(self, batch: int, device=None):
        z = torch.zeros(batch, self.cfg.heads, 0, self.cfg.head_dim, device=device)
        return [(z, z) for _ in self.layers]


class MyriadS(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.vision = VisionEncoder(cfg)
        self.expert = ExpertEncoder(cfg)
        self.embed = nn.Embedding(cfg.vocab, cfg.hidden)
        nn.init.normal_(self.embed.weight, std=0.02)
        self.decoder = Decoder(cfg)
        self.decoder.lm_head.weight = self.embed.weight  # tied: one vocabulary matrix to learn

    def visual_tokens(self, features, anomaly_map):
        """((B, image_tokens + 9, hidden): what replaces the <image> placeholder in the prompt, and
        the vision encoder's cell logits for training's auxiliary losses)."""
        image, cell_logits = self.vision.with_cell_logits(features, anomaly_map)
        return torch.cat([image, self.expert(anomaly_map)], dim=1), cell_logits

    def splice(self, ids: list, image_id: int, visual):
        """Embeddings of one prompt with its <image> token replaced by the visual tokens."""
        tokens = torch.tensor(ids, dtype=torch.long, device=self.embed.weight.device)
        emb = self.embed(tokens)
        at = ids.index(image_id)
        return torch.cat([emb[:at], visual, emb[at + 1 :]], dim=0)

    def count_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
