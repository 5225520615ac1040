"""Invented product names for training dialogs. The station's recipes are named by their users
("magnetic tile", "part", "XR-7 housing"), and the answers must use that name as given. Trained on
the synthetic families' own names, the model recalls a name instead of copying it: with 30
held-out real names it names none of 480 answers right ("magnetic tile" comes out as
"rikari part"). Names built here from random letters and codes, unlike any family, can only be
got right by copying them from the prompt."""
import numpy as np

_CONSONANTS = list("bcdfghjklmnprstvwxz") + ["ch", "sh", "th", "st", "tr", "br", "gl", "qu"]
_VOWELS = list("aeiouy") + ["ai", "ea", "oo", "ou"]


def _word(rng: np.random.Generator) -> str:
    syllables = int(rng.choice([1, 2, 3], p=[0.3, 0.5, 0.2]))
    w = "".join(str(rng.choice(_CONSONANTS)) + str(rng.choice(_VOWELS)) for _ in range(syllables))
    return w + (str(rng.choice(_CONSONANTS)) if rng.random() < 0.5 else "")


def _code(rng: np.random.Generator) -> str:
    letters = "".join(chr(ord("A") + int(i)) for i in rng.integers(0, 26, int(rng.integers(1, 4))))
    return letters + str(rng.choice(["", "-", " "])) + str(int(rng.integers(1, 1000)))


def invented_name(rng: np.random.Generator) -> str:
    """One to three words: invented words, sometimes capitalised, sometimes a part code."""
    words = []
    for _ in range(int(rng.choice([1, 2, 3], p=[0.5, 0.4, 0.1]))):
        r = rng.random()
        w = _code(rng) if r < 0.15 else _word(rng)
        words.append(w.capitalize() if 0.15 <= r < 0.25 else w.upper() if 0.25 <= r < 0.3 else w)
    return " ".join(words)
