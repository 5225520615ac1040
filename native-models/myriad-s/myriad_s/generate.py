"""The reference greedy generation (nanoGPT style) that the station's TypeScript generator is
tested against: prefill once, then one token at a time through the KV cache."""
import torch


@torch.no_grad()
def greedy(model, prompt_embeds, eos_id: int, max_new: int):
    """prompt_embeds (T, D) -> (generated ids, logits of the prefill's last position)."""
    dec = model.decoder
    x = prompt_embeds[None]
    t = x.shape[1]
    logits, past = dec(x, torch.ones(1, t, dtype=torch.long), torch.arange(t)[None], dec.empty_past(1))
    first_logits = logits[0, -1].clone()
    ids = []
    for _ in range(max_new):
        nxt = int(logits[0, -1].argmax())
        ids.append(nxt)
        if nxt == eos_id:
            break
        x = model.embed(torch.tensor([[nxt]]))
        n = t + len(ids)
        logits, past = dec(x, torch.ones(1, n, dtype=torch.long), torch.tensor([[n - 1]]), past)
    return ids, first_logits
