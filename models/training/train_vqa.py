"""Trains the toy VQA model (LLaVA layout: the frozen toy-CLIP image tower, one adapter block and an MLP
projector as vision encoder; a small Llama decoder) and exports it to models/toy/toy-vqa.

Each training sequence is one chat about one image, in the exported chat template: the image's
questions (colour, count, presence, setting, time) in a random order, sometimes with a "describe this
photo" turn answered by the caption. Loss on the assistant's tokens only. Needs .work/clip.pt.

    /usr/bin/python3 models/training/train_vqa.py [--epochs N]
"""

from __future__ import annotations

import argparse
import copy
import random
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from bpe_tokenizer import ByteBPE, learn_bpe
from export_onnx import export_vqa, render_chat
from modules import GRID, LlamaDecoder, LlavaVision
from toy_world_data import (REPO, TRAIN_COUNT, TRAIN_SEED, VAL_COUNT, VAL_SEED, WORK_DIR, describe_prompts,
                            load_album, vocabulary)
from train_captioner import Adapter
from train_common import Clock, lr_at, param_groups, setup, text_corpus
from vision_features import frozen_tower, tower_tokens

HP = {
    "seed": 0,
    "adapter_layers": 1,
    "dim": 128,
    "layers": 4,
    "heads": 4,
    "kv_heads": 2,
    "ffn": 256,
    "max_positions": 512,
    "batch": 32,
    "epochs": 1.5,
    "lr": 3e-3,
    "weight_decay": 0.05,
    "warmup": 200,
    "describe_prob": 0.15,
    "max_turns": 3,
    "packed": True,
    "embed_init": 1.0,
    "eval_every": 400,
}
OUT = REPO / "models" / "toy" / "toy-vqa"
EOS = "<|endoftext|>"
IMAGE = "<image>"


class VisionAdapter(nn.Module):
    """Adapter block + projector on the frozen tower's tokens: what vision_encoder.onnx adds to the tower."""

    def __init__(self, width: int, heads: int, layers: int, dim: int):
        super().__init__()
        self.adapter = Adapter(width, layers, heads)
        self.projector = nn.Sequential(nn.Linear(width, dim), nn.GELU(), nn.Linear(dim, dim))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.projector(self.adapter(tokens))


class ExportVision(LlavaVision):
    def __init__(self, tower: nn.Module, va: VisionAdapter):
        nn.Module.__init__(self)
        self.tower = tower
        self.va = va

    def forward(self, pixel_values):
        return self.va(self.tower(pixel_values))


def chat_sequence(tok: ByteBPE, turns: list[tuple[str, str]]) -> tuple[list[int], list[int]]:
    """Token ids of a chat in the exported template, with targets (-100 except the assistant's answers)."""
    ids: list[int] = []
    tgt: list[int] = []
    prefix = ""
    for i, (q, a) in enumerate(turns):
        prefix += "USER: " + ((IMAGE * (GRID * GRID)) + "\n" if i == 0 else "") + q + "\nASSISTANT:"
        p = tok.encode(prefix)
        ids += p
        tgt += [-100] * len(p)
        ans = tok.encode(" " + a) + [tok.eos_id]
        ids += ans
        tgt += ans
        prefix = "\n"
    return ids, tgt


def sample_chat(entry: dict, rng: random.Random, turns: int, describe: bool) -> list[tuple[str, str]]:
    """`turns` of the image's questions in random order, plus a "describe" turn somewhere if `describe`.
    Whole batches share `turns` and `describe`, so their chats have similar lengths (less padding: attention
    cost grows with the square of the padded length)."""
    qa = [(x["q"], x["a"]) for x in entry["qa"]]
    rng.shuffle(qa)
    chat = qa[:turns]
    if describe:
        chat.insert(rng.randint(0, len(chat)), (rng.choice(describe_prompts()), entry["caption"]))
    return chat


def packed_sequence(tok: ByteBPE, entry: dict, rng: random.Random, describe: bool):
    """All of an image's questions as independent single-turn chats packed behind ONE shared image prefix:
    ids, targets, position ids and segment ids (0 = the shared prefix). Each question segment sees only the
    prefix and itself (block mask) and continues the prefix's positions, so it is exactly the single-turn
    chat the app sends, but the image tokens are computed once for all its questions."""
    prefix = tok.encode("USER: " + IMAGE * (GRID * GRID) + "\n")
    qa = [(x["q"], x["a"]) for x in entry["qa"]]
    if describe:
        qa.append((rng.choice(describe_prompts()), entry["caption"]))
    rng.shuffle(qa)
    ids, tgt, pos, seg = list(prefix), [-100] * len(prefix), list(range(len(prefix))), [0] * len(prefix)
    for k, (q, a) in enumerate(qa, start=1):
        p = tok.encode(q + "\nASSISTANT:")
        ans = tok.encode(" " + a) + [tok.eos_id]
        ids += p + ans
        tgt += [-100] * len(p) + ans
        pos += list(range(len(prefix), len(prefix) + len(p) + len(ans)))
        seg += [k] * (len(p) + len(ans))
    return ids, tgt, pos, seg


def packed_bias(seg: torch.Tensor) -> torch.Tensor:
    """[B, 1, T, T] additive mask: causal, and a token sees the shared prefix (segment 0) and its own segment;
    padding has segment -1."""
    t = seg.shape[1]
    causal = torch.ones(t, t, dtype=torch.bool).tril()[None]
    same = seg[:, :, None] == seg[:, None, :]
    prefix = (seg == 0)[:, None, :]
    ok = causal & (same | prefix)
    return ((~ok).float() * -1e9)[:, None]


def hidden_with_bias(lm: LlamaDecoder, emb: torch.Tensor, pos: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """LlamaDecoder.hidden with an explicit attention bias (training only; same weights and maths)."""
    freqs = pos.float()[:, :, None] * lm.inv_freq[None, None, :]
    e = torch.cat([freqs, freqs], dim=-1)
    cos, sin = e.cos()[:, None], e.sin()[:, None]
    x = emb
    for layer in lm.layers:
        x, _ = layer(x, cos, sin, bias)
    return lm.norm(x)


def pad(seqs: list[list[int]], value: int) -> torch.Tensor:
    width = max(len(s) for s in seqs)
    return torch.tensor([s + [value] * (width - len(s)) for s in seqs])


def question_kind(q: str) -> str:
    if q.startswith("what color"):
        return "color"
    if q.startswith("how many"):
        return "count"
    if q.startswith("is there"):
        return "presence"
    if q.startswith("where"):
        return "setting"
    return "time"


@torch.no_grad()
def evaluate(va: VisionAdapter, lm: LlamaDecoder, tok: ByteBPE, tokens: torch.Tensor, entries: list[dict],
             limit: int = 200) -> dict[str, float]:
    """Single-turn exact match of the first answer token, per question kind."""
    va.eval(), lm.eval()
    hits: dict[str, list[int]] = {}
    image_id = tok.vocab[IMAGE]
    for i, e in enumerate(entries[:limit]):
        feats = va(tokens[i:i + 1].float())[0]
        prompts = [tok.encode(render_chat([("user", x["q"])]).replace(IMAGE, IMAGE * (GRID * GRID))) for x in e["qa"]]
        ids = pad(prompts, tok.eos_id)
        lengths = torch.tensor([len(p) for p in prompts])
        mask = (torch.arange(ids.shape[1])[None] < lengths[:, None]).long()
        emb = lm.embed_tokens(ids)
        emb[ids == image_id] = feats.repeat(len(prompts), 1)
        pos = torch.arange(ids.shape[1])[None].expand(len(prompts), -1)
        hidden, _ = lm.hidden(emb, mask, pos)
        last = hidden[torch.arange(len(prompts)), lengths - 1]
        pred = lm.lm_head(last).argmax(-1).tolist()
        for x, p in zip(e["qa"], pred):
            hits.setdefault(question_kind(x["q"]), []).append(int(tok.decode([p]).strip() == x["a"]))
    return {k: round(sum(v) / len(v), 3) for k, v in sorted(hits.items())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=float, default=HP["epochs"])
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--lr", type=float, default=HP["lr"])
    ap.add_argument("--batch", type=int, default=HP["batch"])
    ap.add_argument("--warmup", type=int, default=HP["warmup"])
    ap.add_argument("--eval-every", type=int, default=HP["eval_every"])
    args = ap.parse_args()
    hp = {**HP, "epochs": args.epochs, "lr": args.lr, "batch": args.batch, "warmup": args.warmup,
          "eval_every": args.eval_every}
    rng = setup(hp["seed"])
    clock = Clock()
    vocab = vocabulary()
    train = load_album(TRAIN_SEED, TRAIN_COUNT)
    val = load_album(VAL_SEED, VAL_COUNT)
    tower, clip_hp = frozen_tower()
    width = clip_hp["vision_width"]
    tr_tokens = tower_tokens(tower, train, "train", flips=True)
    va_tokens = tower_tokens(tower, val, "val", flips=False)[0]
    corpus = text_corpus(train.entries, vocab, seed=1) + ["USER: ASSISTANT:"] * 100
    tok = learn_bpe(corpus, "gpt2", (EOS, IMAGE))
    for x in {qa["a"] for e in train.entries for qa in e["qa"]}:
        assert len(tok.encode(" " + x)) == 1, f"answer {x!r} is not one token"
    for e in train.entries[:50]:  # segment-wise encoding must equal encoding the rendered chat
        turns = sample_chat(e, rng, rng.randint(1, hp["max_turns"]), rng.random() < 0.5)
        ids, _ = chat_sequence(tok, turns)
        text = "".join(f"USER: {(IMAGE * 36) + chr(10) if i == 0 else ''}{q}\nASSISTANT: {a}{EOS}\n"
                       for i, (q, a) in enumerate(turns))
        assert ids == tok.encode(text.rstrip("\n")), "chat tokenisation differs from the template's"
        pids, _, ppos, pseg = packed_sequence(tok, e, rng, True)
        for k in range(1, max(pseg) + 1):  # each packed segment = the single-turn chat the app sends
            one = [t for t, s in zip(pids, pseg) if s in (0, k)]
            q_a = tok.decode([t for t, s in zip(pids, pseg) if s == k], skip_special_tokens=False)
            assert one == tok.encode("USER: " + IMAGE * 36 + "\n" + q_a), "packed tokenisation differs"
            assert [p for p, s in zip(ppos, pseg) if s in (0, k)] == list(range(len(one)))
    print(f"[vqa] tokenizer {len(tok)} tokens; tower tokens {tuple(tr_tokens.shape)} ({clock})", flush=True)

    va = VisionAdapter(width, clip_hp["heads"], hp["adapter_layers"], hp["dim"])
    lm = LlamaDecoder(len(tok), hp["dim"], hp["layers"], hp["heads"], hp["kv_heads"], hp["ffn"])
    # Unit-scale token embeddings (not 0.02): the projected image tokens are O(1), and tiny question-token
    # embeddings get drowned in the residual stream after the first attention layer.
    nn.init.normal_(lm.embed_tokens.weight, std=hp["embed_init"])
    opt = torch.optim.AdamW(param_groups([va, lm], hp["weight_decay"]), lr=hp["lr"], betas=(0.9, 0.98))
    n, b = len(train), hp["batch"]
    steps_per_epoch = n // b
    total = int(steps_per_epoch * hp["epochs"])
    gen = torch.Generator().manual_seed(hp["seed"])
    image_id = tok.vocab[IMAGE]
    step = 0
    run = 0.0
    while step < total:
        perm = torch.randperm(n, generator=gen)
        for it in range(steps_per_epoch):
            if step >= total:
                break
            va.train(), lm.train()
            idx = perm[it * b:(it + 1) * b]
            view = int(torch.randint(0, tr_tokens.shape[0], (1,), generator=gen))
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, hp["lr"], hp["warmup"])
            if hp["packed"]:
                packs = [packed_sequence(tok, train.entries[i], rng, rng.random() < hp["describe_prob"])
                         for i in idx.tolist()]
                ids = pad([x[0] for x in packs], tok.eos_id)
                tgt = pad([x[1] for x in packs], -100)
                pos = pad([x[2] for x in packs], 0)
                seg = pad([x[3] for x in packs], -1)
                feats = va(tr_tokens[view, idx].float())  # [B, 36, dim]
                emb = lm.embed_tokens(ids)
                emb = emb.masked_scatter((ids == image_id)[..., None], feats)
                hidden = hidden_with_bias(lm, emb, pos, packed_bias(seg))
            else:
                turns, describe = rng.randint(1, hp["max_turns"]), rng.random() < hp["describe_prob"]
                seqs = [chat_sequence(tok, sample_chat(train.entries[i], rng, turns, describe)) for i in idx.tolist()]
                ids = pad([s for s, _ in seqs], tok.eos_id)
                tgt = pad([t for _, t in seqs], -100)
                mask = pad([[1] * len(s) for s, _ in seqs], 0)
                feats = va(tr_tokens[view, idx].float())  # [B, 36, dim]
                emb = lm.embed_tokens(ids)
                emb = emb.masked_scatter((ids == image_id)[..., None], feats)
                pos = torch.arange(ids.shape[1])[None].expand(len(idx), -1)
                hidden, _ = lm.hidden(emb, mask, pos)
            # next-token prediction: hidden at t predicts token t+1
            h, y = hidden[:, :-1], tgt[:, 1:]
            keep = y != -100
            loss = F.cross_entropy(lm.lm_head(h[keep]), y[keep])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(va.parameters()) + list(lm.parameters()), 1.0)
            opt.step()
            step += 1
            run += loss.item()
            if step % 100 == 0:
                print(f"[vqa] step {step}/{total} loss {run / 100:.3f} ({clock})", flush=True)
                run = 0.0
            if step % hp["eval_every"] == 0 or step == total:
                print(f"[vqa] step {step}: val exact {evaluate(va, lm, tok, va_tokens, val.entries)} ({clock})", flush=True)

    out = Path(args.out)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    ckpt = WORK_DIR / ("vqa.pt" if out == OUT else f"vqa-{out.parent.name}.pt")
    torch.save({"hp": hp, "va": va.state_dict(), "lm": lm.state_dict(), "merges": tok.merges}, ckpt)
    if not args.no_export:
        OUT_DIR = out
        vision = ExportVision(copy.deepcopy(tower), va).eval()
        lm.eval()
        export_vqa(vision, lm, tok, str(OUT_DIR), {**hp, "vision_width": width, "heads": clip_hp["heads"],
                                               "vision_layers": clip_hp["vision_layers"] + hp["adapter_layers"]})
        print(f"[vqa] exported to {OUT_DIR} ({clock})", flush=True)


if __name__ == "__main__":
    main()
