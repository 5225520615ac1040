"""The answer language the corpus speaks and the station reads (answer-language.json next to
config.json, shipped with the model; the station's loader is common/answer-language.ts)."""
import json
import os

PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "answer-language.json")

with open(PATH, encoding="utf-8") as _f:
    LANGUAGE = json.load(_f)

CELL_NOUNS = tuple(c["noun"] for c in LANGUAGE["cells"])
CELL_PREPOSITIONS = tuple(c["preposition"] for c in LANGUAGE["cells"])
SPILL_LEAD = LANGUAGE["spill_lead"]
# (upper limit, word), the last without a limit
SIZE_CLASSES = tuple((float("inf") if s["below"] is None else s["below"], s["word"]) for s in LANGUAGE["sizes"])
SEVERITY = {s["word"]: s["severity"] for s in LANGUAGE["sizes"]}
NOUNS = {kind: d["noun"] for kind, d in LANGUAGE["defects"].items()}
PLURALS = {kind: d["plural"] for kind, d in LANGUAGE["defects"].items() if "plural" in d}


def dump():
    """What the corpus and the ground truth use, as JSON (test/native-models/myriad-s/answer-language.test.ts)."""
    return {"CELL_NOUNS": list(CELL_NOUNS), "CELL_PREPOSITIONS": list(CELL_PREPOSITIONS), "SPILL_LEAD": SPILL_LEAD,
            "SIZE_CLASSES": [[None if limit == float("inf") else limit, word] for limit, word in SIZE_CLASSES],
            "SEVERITY": SEVERITY, "NOUNS": NOUNS, "PLURALS": PLURALS}
