"""Byte-level BPE in the Hugging Face tokenizers format (GPT-2 style), trained on the instruction
corpus. The station tokenises with @huggingface/tokenizers from the tokenizer.json written here;
this module's encoder must give the same ids (the TypeScript parity test checks it)."""
import json
import re
from collections import Counter

SPECIAL_TOKENS = ("<pad>", "<s>", "</s>", "<image>")

# GPT-2's pre-tokenizer pattern with \p{L} / \p{N} spelled for Python's re (no \p classes):
# [^\W\d_] is a Unicode letter, \d a decimal digit.
_PRETOKEN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")


def _bytes_to_unicode() -> dict:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_TO_CHAR = _bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}
_SPECIAL_SPLIT = re.compile("(" + "|".join(re.escape(t) for t in SPECIAL_TOKENS) + ")")


def pretokenize(text: str) -> list:
    return ["".join(BYTE_TO_CHAR[b] for b in piece.encode("utf-8")) for piece in _PRETOKEN.findall(text)]


class BPE:
    def __init__(self, vocab: dict, merges: list):
        self.vocab = vocab
        self.id_to_token = {i: t for t, i in vocab.items()}
        self.ranks = {tuple(m): r for r, m in enumerate(merges)}
        self.merges = merges
        self._cache = {}

    @classmethod
    def train(cls, texts, vocab_size: int) -> "BPE":
        words = Counter()
        for text in texts:
            for chunk in _SPECIAL_SPLIT.split(text):
                if chunk and chunk not in SPECIAL_TOKENS:
                    words.update(pretokenize(chunk))
        vocab = {t: i for i, t in enumerate(SPECIAL_TOKENS)}
        for b in range(256):
            vocab[BYTE_TO_CHAR[b]] = len(vocab)
        split = {w: list(w) for w in words}
        merges = []
        while len(vocab) < vocab_size:
            pairs = Counter()
            for w, n in words.items():
                s = split[w]
                for a, b in zip(s, s[1:]):
                    pairs[a, b] += n
            if not pairs:
                break
            (a, b), count = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
            if count < 2:
                break
            merges.append([a, b])
            vocab[a + b] = len(vocab)
            for w in words:
                s = split[w]
                if len(s) < 2:
                    continue
                out, i = [], 0
                while i < len(s):
                    if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                        out.append(a + b)
                        i += 2
                    else:
                        out.append(s[i])
                        i += 1
                split[w] = out
        return cls(vocab, merges)

    def _bpe(self, token: str) -> list:
        if token in self._cache:
            return self._cache[token]
        parts = list(token)
        while len(parts) > 1:
            ranked = [(self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            rank, i = min(ranked)
            if rank == 1 << 30:
                break
            parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2 :]
        self._cache[token] = parts
        return parts

    def encode(self, text: str) -> list:
        ids = []
        for chunk in _SPECIAL_SPLIT.split(text):
            if not chunk:
                continue
            if chunk in SPECIAL_TOKENS:
                ids.append(self.vocab[chunk])
                continue
            for piece in pretokenize(chunk):
                ids.extend(self.vocab[p] for p in self._bpe(piece))
        return ids

    def decode(self, ids) -> str:
        out, buf = [], bytearray()
        for i in ids:
            t = self.id_to_token[int(i)]
            if t in SPECIAL_TOKENS:
                out.append(buf.decode("utf-8", errors="replace"))
                buf = bytearray()
                out.append(t)
            else:
                buf.extend(CHAR_TO_BYTE[c] for c in t)
        out.append(buf.decode("utf-8", errors="replace"))
        return "".join(out)

    def token_id(self, token: str) -> int:
        return self.vocab[token]

    def to_json(self) -> dict:
        byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": self.vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
                for t in SPECIAL_TOKENS
            ],
            "normalizer": None,
            "pre_tokenizer": byte_level,
            "post_processor": None,
            "decoder": byte_level,
            "model": {
                "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                "vocab": self.vocab, "merges": [" ".join(m) for m in self.merges],
            },
        }

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, ensure_ascii=False)

    @classmethod
    def load(cls, path: str) -> "BPE":
        with open(path, encoding="utf-8") as f:
            model = json.load(f)["model"]
        return cls(model["vocab"], [m.split(" ") for m in model["merges"]])
