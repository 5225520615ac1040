"""Grounded instruction dialogs: every answer is generated from the ground truth of a synthetic
sample, so descriptions (type, 3x3 location, size, count, colour, shape) are right by construction."""
import numpy as np

from .answer_language import CELL_NOUNS, CELL_PREPOSITIONS, NOUNS, PLURALS, SEVERITY, SPILL_LEAD
from .prompt import PROMPT, fill

NUMBERS = ("no", "one", "two", "three", "four", "five", "six")

IGNORE_NUISANCE = {
    "shadow": ["You can ignore the shadow cast when you detect anomalies.", "Ignore shadows.", "Shadows are not defects."],
    "dust": ["Ignore dust specks.", "Dust on the part is acceptable."],
    "reflection": ["Ignore reflections.", "Reflections of the lamp are not defects."],
}
IRRELEVANT = ["Be precise.", "Report defects clearly.", "Check the edges carefully.", "Answer briefly."]
QUESTIONS = {
    "type": ["What type of defect is it?", "What kind of anomaly is this?", "What is the defect?", "Which defect do you see?", "What type of anomaly?"],
    "location": ["Where is it?", "Where is the defect?", "Which part of the image is affected?", "Where exactly?", "Where are the anomalies?"],
    "size": ["How big is it?", "How large is the defect?", "What size is it?", "How big are the defects?"],
    "count": ["How many defects are there?", "How many anomalies?", "Count the defects.", "How many?"],
    "colour": ["What colour is it?", "What color is the defect?", "Which colour does the anomaly have?"],
    "shape": ["What shape is it?", "Describe its shape.", "What is the shape of the defect?"],
    "severity": ["How severe is it?", "Is it serious?", "How bad is the defect?"],
    "describe": ["Describe all defects.", "Describe the anomalies in detail.", "Tell me more.", "Describe what you see."],
    "refuse": ["What caused this defect?", "Who made this part?", "What is the serial number?", "When was it produced?",
               "Which machine made it?", "What is the temperature of the part?"],
}
REFUSAL = "I cannot tell that from the image."
MAX_SPILL = 2  # cells named beyond the centroid's: more reads as a list, not a place


def _locative(cell: int) -> str:
    return f"{CELL_PREPOSITIONS[cell]} {CELL_NOUNS[cell]}"


def _spill(inst: dict) -> str:
    """", extending into the top and the center": the other cells that hold at least a fifth of the
    instance's pixels (ground_truth.describe_instance), most first, as the station's map narrator says
    it (host/lmm/expert-narrator/phrases.ts regionLocation). A large or border-straddling instance
    otherwise gets one cell, and the model's choice between two cells it can see is a coin toss."""
    others = [c for c in inst.get("cells", []) if c != inst["cell"]][:MAX_SPILL]
    return SPILL_LEAD + " " + _join([CELL_NOUNS[c] for c in others]) if others else ""


def _count(n: int) -> str:
    return NUMBERS[n] if n < len(NUMBERS) else str(n)


def _join(items: list) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _join_instances(items: list) -> str:
    """Instances joined with semicolons once any carries a spill list, whose own "and" would
    otherwise run into the next instance ("extending into the top and a tiny dust speck")."""
    if len(items) == 1 or not any(SPILL_LEAD in i for i in items):
        return _join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


def _percent(area: float) -> str:
    return "less than 1%" if area < 0.01 else f"{round(area * 100)}%"


def sample_instructions(rng: np.random.Generator, defects: list, nuisances: list, ignore_nuisances: bool = False):
    """0-2 recipe instructions and the filter they impose: (texts, keep(instance) -> bool).
    ignore_nuisances: every nuisance present gets its ignore instruction (no draw for it)."""
    texts, ignored_types, min_area = [], set(), 0.0
    for n in nuisances:
        if n["type"] in ignored_types:
            continue
        if ignore_nuisances or rng.random() < 0.5:
            texts.append(str(rng.choice(IGNORE_NUISANCE[n["type"]])))
            ignored_types.add(n["type"])
    if rng.random() < 0.15:
        p = int(rng.choice([1, 2, 5]))
        texts.append(f"Only report defects larger than {p}% of the image.")
        min_area = p / 100
    if defects and rng.random() < 0.1 and defects[0]["type"] in PLURALS:
        t = defects[0]["type"]
        texts.append(f"{PLURALS[t]} are acceptable.")
        ignored_types.add(t)
    if rng.random() < 0.1:
        kind = list(IGNORE_NUISANCE)[rng.integers(3)]
        text = str(rng.choice(IGNORE_NUISANCE[kind]))
        if kind not in ignored_types:  # (a recipe states a rule once)
            texts.append(text)
        ignored_types.add(kind)
    if rng.random() < 0.15:
        texts.append(str(rng.choice(IRRELEVANT)))
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], lambda inst: inst["type"] not in ignored_types and inst["area_fraction"] >= min_area


def _phrase(inst: dict, product: str | None = None, details: bool = False) -> str:
    adjectives = [inst["size"]] + ([inst["colour"], inst["shape"]] if details else [])
    where = _locative(inst["cell"]) + (f" of the {product}" if product else "") + _spill(inst)
    return f"a {' '.join(adjectives)} {NOUNS[inst['type']]} {where}"


def first_answer(product: str, found: list, ignored: list) -> str:
    if not found:
        tail = f"; the {_join(sorted({NOUNS[i['type']] for i in ignored}))} was ignored as instructed" if ignored else ""
        return f"No, there is no anomaly on the {product}{tail}."
    if len(found) == 1:
        return f"Yes, there is {_phrase(found[0], product)}."
    return f"Yes, there are {_count(len(found))} anomalies on the {product}: {_join_instances([_phrase(i) for i in found])}."


def follow_up_answer(kind: str, product: str, found: list) -> str:
    if kind == "refuse":
        return REFUSAL
    if not found:
        return f"There is no anomaly on the {product}."
    one = len(found) == 1
    names = [NOUNS[i["type"]] for i in found]
    if kind == "type":
        return f"It is a {names[0]}." if one else f"They are {_join(['a ' + n for n in names])}."
    if kind == "location":
        if one:
            return f"It is {_locative(found[0]['cell'])} of the {product}{_spill(found[0])}."
        return _join_instances([f"the {n} is {_locative(i['cell'])}{_spill(i)}" for n, i in zip(names, found)]).capitalize() + "."
    if kind == "size":
        big = found[0]
        base = f"{big['size']}, about {_percent(big['area_fraction'])} of the image"
        return f"It is {base}." if one else f"The largest, the {names[0]}, is {base}; the others are smaller."
    if kind == "count":
        return "There is one anomaly." if one else f"There are {_count(len(found))} anomalies."
    if kind in ("colour", "shape"):
        key = "colour" if kind == "colour" else "shape"
        if one:
            return f"It is {found[0][key]}."
        return _join([f"the {n} is {i[key]}" for n, i in zip(names, found)]).capitalize() + "."
    if kind == "severity":
        return f"It is a {SEVERITY[found[0]['size']]} defect." if one else f"The worst is a {SEVERITY[found[0]['size']]} {names[0]}."
    if kind == "describe":
        head = "There is one anomaly" if one else f"There are {_count(len(found))} anomalies"
        return f"{head}: {_join_instances([_phrase(i, details=True) for i in found])}."
    raise ValueError(f"unknown question kind {kind}")


def make_dialog(rng: np.random.Generator, product: str, defects: list, nuisances: list, max_follow_ups: int = 3,
                ignore_nuisances: bool = False):
    """A grounded dialog as segments [(text, trainable)]; trainable text is what the model must say."""
    instructions, keep = sample_instructions(rng, defects, nuisances, ignore_nuisances)
    everything = sorted(defects + nuisances, key=lambda i: -i["area_fraction"])
    found = [i for i in everything if keep(i)]
    ignored = [i for i in everything if not keep(i)]
    segments = [(fill(PROMPT["preamble"], product=product), False)]
    segments += [(fill(PROMPT["instruction"], text=t), False) for t in instructions]
    turns = [(fill(PROMPT["first_question"], product=product), first_answer(product, found, ignored))]
    for kind in rng.permutation(list(QUESTIONS))[: rng.integers(0, max_follow_ups + 1)]:
        turns.append((str(rng.choice(QUESTIONS[kind])), follow_up_answer(str(kind), product, found)))
    for question, answer in turns:
        segments.append((fill(PROMPT["operator"], text=question) + PROMPT["assistant_prefix"], False))
        segments.append((" " + answer + "</s>", True))
        segments.append(("\n", False))
    return segments
