"""Trains the toy captioner (vision-encoder-decoder: the frozen toy-CLIP image tower plus one adapter block as
encoder, a 2-layer GPT-2 with cross-attention as decoder) and exports it to models/toy/toy-captioner.

Needs models/training/.work/clip.pt (train_clip.py).

    /usr/bin/python3 models/training/train_captioner.py [--epochs N]
"""

from __future__ import annotations

import argparse
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

from bpe_tokenizer import ByteBPE, learn_bpe
from export_onnx import export_captioner
from modules import Block, CaptionEncoder, Gpt2Decoder
from toy_world_data import REPO, TRAIN_COUNT, TRAIN_SEED, VAL_COUNT, VAL_SEED, WORK_DIR, load_album, vocabulary
from train_common import Clock, lr_at, param_groups, setup, text_corpus
from vision_features import frozen_tower, tower_tokens

HP = {
    "seed": 0,
    "adapter_layers": 1,
    "n_embd": 128,
    "n_layer": 2,
    "n_head": 4,
    "n_positions": 48,
    "batch": 128,
    "epochs": 3,
    "lr": 2e-3,
    "weight_decay": 0.05,
    "warmup": 200,
}
OUT = REPO / "models" / "toy" / "toy-captioner"


class Adapter(nn.Module):
    """Trainable blocks on top of the frozen tower's tokens."""

    def __init__(self, width: int, layers: int, heads: int):
        super().__init__()
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        for b in self.blocks:
            tokens = b(tokens)[0]
        return self.ln(tokens)


class ExportEncoder(CaptionEncoder):
    """What encoder_model.onnx computes: tower, then adapter."""

    def __init__(self, tower: nn.Module, adapter: Adapter):
        nn.Module.__init__(self)
        self.tower = tower
        self.adapter = adapter

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.adapter(self.tower(pixel_values))


def encode_captions(tok: ByteBPE, captions: list[str], max_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Decoder inputs [BOS, t1..tn] and targets [t1..tn, EOS] (padding target -100)."""
    n = len(captions)
    inp = torch.full((n, max_len), tok.eos_id, dtype=torch.long)
    tgt = torch.full((n, max_len), -100, dtype=torch.long)
    for i, c in enumerate(captions):
        ids = tok.encode(" " + c)[: max_len - 1]
        seq = [tok.eos_id] + ids
        inp[i, : len(seq)] = torch.tensor(seq)
        tgt[i, : len(ids) + 1] = torch.tensor(ids + [tok.eos_id])
    return inp, tgt


@torch.no_grad()
def greedy(adapter: Adapter, dec: Gpt2Decoder, tokens: torch.Tensor, tok: ByteBPE, max_new: int = 40) -> list[str]:
    """Batched greedy decoding with the KV cache (the same path the exported graph runs)."""
    adapter.eval(), dec.eval()
    enc = adapter(tokens.float())
    b = enc.shape[0]
    cur = torch.full((b, 1), tok.eos_id, dtype=torch.long)
    past = [(torch.zeros(b, dec.n_head, 0, dec.head_dim), torch.zeros(b, dec.n_head, 0, dec.head_dim))
            for _ in range(dec.n_layer)]
    out = torch.zeros((b, 0), dtype=torch.long)
    done = torch.zeros(b, dtype=torch.bool)
    for _ in range(max_new):
        logits, past = dec(cur, enc, past)
        nxt = logits[:, -1].argmax(-1)
        nxt = torch.where(done, torch.full_like(nxt, tok.eos_id), nxt)
        out = torch.cat([out, nxt[:, None]], 1)
        done |= nxt == tok.eos_id
        cur = nxt[:, None]
        if bool(done.all()):
            break
    texts = []
    for row in out.tolist():
        if tok.eos_id in row:
            row = row[: row.index(tok.eos_id)]
        texts.append(tok.decode(row).strip())
    return texts


def caption_scores(captions: list[str], scenes: list[dict], vocab: dict) -> dict[str, float]:
    """Kinds mentioned that are present / kinds present that are mentioned / colours right (rough parse)."""
    from caption_metrics import score_captions
    return score_captions(captions, scenes, vocab)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=HP["epochs"])
    ap.add_argument("--no-export", action="store_true")
    args = ap.parse_args()
    hp = {**HP, "epochs": args.epochs}
    setup(hp["seed"])
    clock = Clock()
    vocab = vocabulary()
    train = load_album(TRAIN_SEED, TRAIN_COUNT)
    val = load_album(VAL_SEED, VAL_COUNT)
    tower, clip_hp = frozen_tower()
    width = clip_hp["vision_width"]
    tr_tokens = tower_tokens(tower, train, "train", flips=True)
    va_tokens = tower_tokens(tower, val, "val", flips=False)[0]
    print(f"[captioner] tower tokens {tuple(tr_tokens.shape)} ({clock})", flush=True)
    tok = learn_bpe(text_corpus(train.entries, vocab, seed=1), "gpt2", ("<|endoftext|>",))
    inp, tgt = encode_captions(tok, [e["caption"] for e in train.entries], hp["n_positions"])
    adapter = Adapter(width, hp["adapter_layers"], clip_hp["heads"])
    dec = Gpt2Decoder(len(tok), hp["n_embd"], hp["n_layer"], hp["n_head"], width, hp["n_positions"])
    opt = torch.optim.AdamW(param_groups([adapter, dec], hp["weight_decay"]), lr=hp["lr"], betas=(0.9, 0.98))
    n, b = len(train), hp["batch"]
    steps = n // b
    total = steps * hp["epochs"]
    gen = torch.Generator().manual_seed(hp["seed"])
    step = 0
    for epoch in range(hp["epochs"]):
        adapter.train(), dec.train()
        perm = torch.randperm(n, generator=gen)
        run = 0.0
        for it in range(steps):
            idx = perm[it * b:(it + 1) * b]
            view = torch.randint(0, tr_tokens.shape[0], (1,), generator=gen).item()
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, hp["lr"], hp["warmup"])
            length = int((tgt[idx] != -100).sum(1).max())
            enc = adapter(tr_tokens[view, idx].float())
            logits, _ = dec(inp[idx, :length], enc)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[idx, :length].reshape(-1), ignore_index=-100)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(adapter.parameters()) + list(dec.parameters()), 1.0)
            opt.step()
            step += 1
            run += loss.item()
        caps = greedy(adapter, dec, va_tokens[:200], tok)
        m = caption_scores(caps, [e["scene"] for e in val.entries[:200]], vocab)
        print(f"[captioner] epoch {epoch + 1}: loss {run / steps:.3f}; val {m}; e.g. {caps[0]!r} "
              f"for {val.entries[0]['caption']!r} ({clock})", flush=True)

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    torch.save({"hp": hp, "adapter": adapter.state_dict(), "decoder": dec.state_dict(), "merges": tok.merges},
               WORK_DIR / "captioner.pt")
    if not args.no_export:
        encoder = ExportEncoder(copy.deepcopy(tower), adapter).eval()
        dec.eval()
        export_captioner(encoder, dec, tok, str(OUT), {**hp, "vision_width": width,
                                                         "vision_layers": clip_hp["vision_layers"] + hp["adapter_layers"],
                                                         "heads": clip_hp["heads"]})
        print(f"[captioner] exported to {OUT} ({clock})", flush=True)


if __name__ == "__main__":
    main()
