"""The prompt format, written into config.json so the station assembles prompts exactly as the
model was trained on them (host/lmm/myriad-s/prompt.ts reads it from there)."""

PROMPT = {
    "preamble": "Product: {product}\nImage: <image>\n",
    "instruction": "Instruction: {text}\n",
    "operator": "Operator: {text}\n",
    "assistant": "Assistant: {text}</s>\n",
    "first_question": "Is there any anomaly on the {product}?",
    "assistant_prefix": "Assistant:",
}
SPECIAL = {"bos": "<s>", "eos": "</s>", "pad": "<pad>", "image": "<image>"}
STOP_STRINGS = ["</s>", "\nOperator:"]


def fill(template: str, **values: str) -> str:
    """Replaces {name} fields by plain substitution: product names and operator text may hold braces."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def render_prompt(product: str, instructions: list, history: list, question: str | None) -> str:
    """Text up to where the model continues; history holds (role, text) with role operator/assistant."""
    text = fill(PROMPT["preamble"], product=product)
    text += "".join(fill(PROMPT["instruction"], text=i) for i in instructions)
    if history and history[0][0] == "assistant":
        # The station asks the first question itself; its history starts with the first answer.
        history = [("operator", fill(PROMPT["first_question"], product=product))] + list(history)
    for role, turn in history:
        text += fill(PROMPT[role], text=turn)
    q = fill(PROMPT["first_question"], product=product) if question is None else question
    return text + fill(PROMPT["operator"], text=q) + PROMPT["assistant_prefix"]
