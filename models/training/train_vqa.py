"""Trains the toy VQA model (LLaVA layout: the frozen toy-CLIP image tower, one adapter block, a slot
resampler and an MLP projector as vision encoder; a small Llama decoder) and exports it to models/toy/toy-vqa.

Each training row packs several chats about one image behind one shared image prefix, in the exported chat
template (some replay earlier turns, some ask for a description answered by the caption); loss on the
answers, plus a slot probe on the image features and attention supervision from the question's kind word to
its slot (see SlotResampler and models/README.md). Needs .work/clip.pt.

    /usr/bin/python3 models/training/train_vqa.py [--epochs N]
"""

from __future__ import annotations

import argparse
import copy
import math
import random
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from bpe_tokenizer import ByteBPE, learn_bpe
from export_onnx import export_vqa, render_chat
from modules import GRID, Block, LlamaDecoder, LlavaVision, rotate_half
from toy_world_data import (REPO, TRAIN_COUNT, TRAIN_SEED, VAL_COUNT, VAL_SEED, WORK_DIR, SceneCodec,
                            describe_prompts, load_album, vocabulary)
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
    "multi_turn_prob": 0.25,
    "questions_per_image": 4,
    "embed_init": 1.0,
    "resampler_layers": 2,
    "aux_weight": 1.0,
    "lookup_weight": 1.0,
    "probe_warmup_steps": 200,
    "eval_every": 400,
}
OUT = REPO / "models" / "toy" / "toy-vqa"
EOS = "<|endoftext|>"
IMAGE = "<image>"


class SlotResampler(nn.Module):
    """36 learned queries read the grid tokens (as BLIP-2's Q-Former or Qwen-VL's resampler do). The auxiliary
    loss makes slot k carry object kind k (presence, colour, count) and two more slots the setting and time,
    so the language model only has to find the slot its question names, instead of learning to gather an
    object's pixels from a 6x6 grid: this is what lets a 4-layer decoder answer object questions."""

    def __init__(self, width: int, heads: int, layers: int, slots: int = GRID * GRID):
        super().__init__()
        self.queries = nn.Parameter(torch.randn(1, slots, width) * 0.02)
        self.blocks = nn.ModuleList([Block(width, heads, ctx_dim=width, mlp=2) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.queries.expand(tokens.shape[0], -1, -1)
        for b in self.blocks:
            x = b(x, ctx=tokens)[0]
        return self.ln(x)


class VisionAdapter(nn.Module):
    """Adapter block + slot resampler + projector on the frozen tower's tokens: what vision_encoder.onnx adds."""

    def __init__(self, width: int, heads: int, layers: int, resampler_layers: int, dim: int):
        super().__init__()
        self.adapter = Adapter(width, layers, heads)
        self.resampler = SlotResampler(width, heads, resampler_layers)
        self.projector = nn.Sequential(nn.Linear(width, dim), nn.GELU(), nn.Linear(dim, dim))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.projector(self.resampler(self.adapter(tokens)))


class SlotProbe(nn.Module):
    """Training-only heads on the image features: one head shared by the kind slots (presence, colour, count),
    one for the setting slot, one for the time slot. Dropped at export."""

    def __init__(self, dim: int, codec: SceneCodec):
        super().__init__()
        self.nk, self.nc = len(codec.kinds), len(codec.colors)
        self.kind = nn.Linear(dim, 1 + self.nc + 3)
        self.setting = nn.Linear(dim, len(codec.settings))
        self.time = nn.Linear(dim, len(codec.times))

    def loss(self, feats: torch.Tensor, s: dict[str, torch.Tensor]) -> torch.Tensor:
        k = self.kind(feats[:, :self.nk])  # [B, K, 1 + C + 3]
        present = s["count"] > 0
        loss = F.binary_cross_entropy_with_logits(k[..., 0], present.float())
        loss = loss + F.cross_entropy(self.setting(feats[:, self.nk]), s["setting"])
        loss = loss + F.cross_entropy(self.time(feats[:, self.nk + 1]), s["time"])
        if present.any():
            loss = loss + F.cross_entropy(k[..., 1:1 + self.nc][present], s["color"][present])
            loss = loss + F.cross_entropy(k[..., 1 + self.nc:][present], s["count"][present] - 1)
        return loss


class ExportVision(LlavaVision):
    def __init__(self, tower: nn.Module, va: VisionAdapter):
        nn.Module.__init__(self)
        self.tower = tower
        self.va = va

    def forward(self, pixel_values):
        return self.va(self.tower(pixel_values))


def kind_tokens(tok: ByteBPE, vocab: dict, codec: SceneCodec) -> dict[int, int]:
    """First token of each kind's singular and plural name (" car", " cars", " people", ...) -> kind index."""
    out: dict[int, int] = {}
    for k, kind in enumerate(codec.kinds):
        for word in (kind, vocab["plurals"][kind]):
            first = tok.encode(" " + word)[0]
            assert out.get(first, k) == k, f"{word!r} starts with a token of another kind"
            out[first] = k
    return out


def packed_chats(tok: ByteBPE, entry: dict, rng: random.Random, questions: int, describe: bool, history_prob: float,
                 kinds: dict[int, int]):
    """Chats about one image packed behind ONE shared image prefix ("USER: <image>x36\n"): ids, targets (the
    answer of each chat), position ids (each chat continues the prefix's), segment ids (0 = the prefix; a token
    sees the prefix and its own chat) and lookups: (position of the kind word in the answered question, kind).
    Each chat is exactly what the exported template renders for a conversation whose last question is
    answered; with probability `history_prob` it first replays one or two earlier turns about the image."""
    prefix = tok.encode("USER: " + IMAGE * (GRID * GRID) + "\n")
    qa = [(x["q"], x["a"]) for x in entry["qa"]]
    rng.shuffle(qa)
    chosen = qa[:questions]
    if describe:
        chosen[-1] = (rng.choice(describe_prompts()), entry["caption"])
    ids, tgt, pos, seg = list(prefix), [-100] * len(prefix), list(range(len(prefix))), [0] * len(prefix)
    lookups: list[tuple[int, int]] = []
    for k, (q, a) in enumerate(chosen, start=1):
        text = ""
        if rng.random() < history_prob:
            for i, (hq, ha) in enumerate(rng.sample([x for x in qa if x[0] != q], rng.randint(1, 2))):
                text += f"{' ' if i else ''}{hq}\nASSISTANT: {ha}{EOS}\nUSER:"
        history = tok.encode(text) if text else []
        # After "USER:" the space belongs to the question's first word, as when the whole chat is encoded.
        question = tok.encode((" " if text else "") + q + "\nASSISTANT:")
        ans = tok.encode(" " + a) + [tok.eos_id]
        start = len(ids) + len(history)
        lookups += [(start + i, kinds[t]) for i, t in enumerate(question) if t in kinds][-1:]
        chat = history + question + ans
        ids += chat
        tgt += [-100] * (len(history) + len(question)) + ans
        pos += list(range(len(prefix), len(prefix) + len(chat)))
        seg += [k] * len(chat)
    return ids, tgt, pos, seg, lookups


def packed_bias(seg: torch.Tensor) -> torch.Tensor:
    """[B, 1, T, T] additive mask: causal, and a token sees the shared prefix (segment 0) and its own chat;
    padding has segment -1."""
    t = seg.shape[1]
    causal = torch.ones(t, t, dtype=torch.bool).tril()[None]
    same = seg[:, :, None] == seg[:, None, :]
    prefix = (seg == 0)[:, None, :]
    ok = causal & (same | prefix)
    return ((~ok).float() * -1e9)[:, None]


def hidden_with_bias(lm: LlamaDecoder, emb: torch.Tensor, pos: torch.Tensor, bias: torch.Tensor,
                     rows: torch.Tensor, cols: torch.Tensor, image: slice) -> tuple[torch.Tensor, torch.Tensor]:
    """LlamaDecoder.hidden with an explicit attention bias (training only; same weights and maths), plus the
    first layer's first head's attention logits from query positions (rows, cols) to the image tokens."""
    freqs = pos.float()[:, :, None] * lm.inv_freq[None, None, :]
    e = torch.cat([freqs, freqs], dim=-1)
    cos, sin = e.cos()[:, None], e.sin()[:, None]
    first = lm.layers[0]
    h = first.input_layernorm(emb)
    attn = first.self_attn
    q = attn.q_proj(h)[..., :attn.head_dim][:, None]
    k = attn.k_proj(h)[..., :attn.head_dim][:, None]
    q = (q * cos + rotate_half(q) * sin)[:, 0]
    k = (k * cos + rotate_half(k) * sin)[:, 0]
    look = (q[rows, cols][:, None, :] * k[rows, image]).sum(-1) / math.sqrt(attn.head_dim)
    x = emb
    for layer in lm.layers:
        x, _ = layer(x, cos, sin, bias)
    return lm.norm(x), look


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
    codec = SceneCodec(vocab)
    kinds = kind_tokens(tok, vocab, codec)
    for e in train.entries[:50]:  # each packed chat must tokenise exactly as the rendered template does
        ids, tgt, pos, seg, lookups = packed_chats(tok, e, rng, hp["questions_per_image"], True, 0.5, kinds)
        for k in range(1, max(seg) + 1):
            one = [t for t, s in zip(ids, seg) if s in (0, k)]
            assert one == tok.encode(tok.decode(one, skip_special_tokens=False)), "chat tokenisation differs"
            assert one[:len(tok.encode("USER: " + IMAGE * 36 + "\n"))] == tok.encode("USER: " + IMAGE * 36 + "\n")
            assert [p for p, s in zip(pos, seg) if s in (0, k)] == list(range(len(one)))
        for at, kind in lookups:
            assert codec.kinds[kind].split()[0] in tok.decode([ids[at]]) or kind == codec.kinds.index("person")
    print(f"[vqa] tokenizer {len(tok)} tokens; tower tokens {tuple(tr_tokens.shape)} ({clock})", flush=True)

    assert len(codec.kinds) + 2 <= GRID * GRID, "one slot per kind, plus setting and time"
    scenes = codec.encode([e["scene"] for e in train.entries])
    va = VisionAdapter(width, clip_hp["heads"], hp["adapter_layers"], hp["resampler_layers"], hp["dim"])
    probe = SlotProbe(hp["dim"], codec)
    lm = LlamaDecoder(len(tok), hp["dim"], hp["layers"], hp["heads"], hp["kv_heads"], hp["ffn"])
    # Unit-scale token embeddings (not 0.02): the projected image tokens are O(1), and tiny question-token
    # embeddings get drowned in the residual stream after the first attention layer.
    nn.init.normal_(lm.embed_tokens.weight, std=hp["embed_init"])
    opt = torch.optim.AdamW(param_groups([va, lm, probe], hp["weight_decay"]), lr=hp["lr"], betas=(0.9, 0.98))
    n, b = len(train), hp["batch"]
    steps_per_epoch = n // b
    total = int(steps_per_epoch * hp["epochs"])
    gen = torch.Generator().manual_seed(hp["seed"])
    image_id = tok.vocab[IMAGE]
    image_start = len(tok.encode("USER: "))
    image_cols = slice(image_start, image_start + GRID * GRID)
    step = 0
    # Slots first: the kind slots learn to carry their kind (a minute), so the lookups have something to find.
    warm = torch.optim.AdamW(list(va.parameters()) + list(probe.parameters()), lr=2e-3)
    for _ in range(hp["probe_warmup_steps"]):
        pick = torch.randint(0, n, (64,), generator=gen)
        view = int(torch.randint(0, tr_tokens.shape[0], (1,), generator=gen))
        warm_loss = probe.loss(va(tr_tokens[view, pick].float()), {k: v[pick] for k, v in scenes.items()})
        warm.zero_grad(set_to_none=True)
        warm_loss.backward()
        warm.step()
    print(f"[vqa] slot warm-up: probe loss {warm_loss.item():.3f} ({clock})", flush=True)
    run = run_aux = run_look = 0.0
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
            packs = [packed_chats(tok, train.entries[i], rng, hp["questions_per_image"], rng.random() < hp["describe_prob"],
                                  hp["multi_turn_prob"], kinds) for i in idx.tolist()]
            ids = pad([x[0] for x in packs], tok.eos_id)
            tgt = pad([x[1] for x in packs], -100)
            pos = pad([x[2] for x in packs], 0)
            seg = pad([x[3] for x in packs], -1)
            look = [(r, c, kind) for r, x in enumerate(packs) for c, kind in x[4]]
            rows, cols, slot = (torch.tensor(v) for v in zip(*look))
            feats = va(tr_tokens[view, idx].float())  # [B, 36, dim]
            emb = lm.embed_tokens(ids)
            emb = emb.masked_scatter((ids == image_id)[..., None], feats)
            hidden, look_logits = hidden_with_bias(lm, emb, pos, packed_bias(seg), rows, cols, image_cols)
            # Attention supervision: the question's kind word looks at its kind's slot (see SlotResampler).
            lookup_loss = F.cross_entropy(look_logits, slot)
            # next-token prediction: hidden at t predicts token t+1
            h, y = hidden[:, :-1], tgt[:, 1:]
            keep = y != -100
            answer_loss = F.cross_entropy(lm.lm_head(h[keep]), y[keep])
            aux_loss = probe.loss(feats, {k: v[idx] for k, v in scenes.items()})
            loss = answer_loss + hp["aux_weight"] * aux_loss + hp["lookup_weight"] * lookup_loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for m in (va, lm, probe) for p in m.parameters()], 1.0)
            opt.step()
            step += 1
            run += answer_loss.item()
            run_aux += aux_loss.item()
            run_look += lookup_loss.item()
            if step % 100 == 0:
                print(f"[vqa] step {step}/{total} loss {run / 100:.3f} aux {run_aux / 100:.3f} lookup {run_look / 100:.3f} ({clock})", flush=True)
                run = run_aux = run_look = 0.0
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
                                               "vision_layers": clip_hp["vision_layers"] + hp["adapter_layers"]
                                                   + hp["resampler_layers"]})
        print(f"[vqa] exported to {OUT_DIR} ({clock})", flush=True)


if __name__ == "__main__":
    main()
