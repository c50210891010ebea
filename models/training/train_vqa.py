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
    args = ap.parse_args()
    hp = {**HP, "epochs": args.epochs}
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
    print(f"[vqa] tokenizer {len(tok)} tokens; tower tokens {tuple(tr_tokens.shape)} ({clock})", flush=True)

    va = VisionAdapter(width, clip_hp["heads"], hp["adapter_layers"], hp["dim"])
    lm = LlamaDecoder(len(tok), hp["dim"], hp["layers"], hp["heads"], hp["kv_heads"], hp["ffn"])
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
            if step % 400 == 0 or step == total:
                print(f"[vqa] step {step}: val exact {evaluate(va, lm, tok, va_tokens, val.entries)} ({clock})", flush=True)

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    torch.save({"hp": hp, "va": va.state_dict(), "lm": lm.state_dict(), "merges": tok.merges}, WORK_DIR / "vqa.pt")
    if not args.no_export:
        vision = ExportVision(copy.deepcopy(tower), va).eval()
        lm.eval()
        export_vqa(vision, lm, tok, str(OUT), {**hp, "vision_width": width, "heads": clip_hp["heads"],
                                               "vision_layers": clip_hp["vision_layers"] + hp["adapter_layers"]})
        print(f"[vqa] exported to {OUT} ({clock})", flush=True)


if __name__ == "__main__":
    main()
