"""Stage 2 of toy-clip: retrains its search head on the LOCKED image tower of stage 1 and exports models/toy/toy-clip.

Stage 1 (train_clip.py) trains the whole CLIP, image tower included, and writes .work/clip.pt. That tower is
then reused frozen by toy-siglip, the captioner and the VQA model (vision_features.frozen_tower), so this stage
never changes it and never rewrites clip.pt: it reads the tower's tokens from the same cache those scripts use
(vision_features.tower_tokens, named after clip.pt's digest) and trains, as LiT (locked-image tuning) does:

- image side: tower tokens -> SigLIP's MAP head (a learned probe attends to the 36 tokens, then a residual MLP)
  -> linear projection to 128 = `image_embeds` (the head of stage 1, one attention-pooling query and a linear
  projection, is replaced);
- text side: stage 1's causal text tower (same tokenizer, pooled at <|endoftext|>, projection to 128), further
  trained.

Each step: 512 images (their tokens are cached, so images are cheap; mirrored half the time) and a text for
each of the first 256: its caption (p = 0.4) or a search query sampled from its scene (sample_query). Loss:
SigLIP's sigmoid loss (learnable temperature and bias, t = 10, b = -10 at the start) with MULTI-POSITIVE labels:
every (text, image) pair of the step whose scene the text is true of (SceneCodec.matches) is a positive; plus
auxiliary heads (dropped at export) on both vectors: the image's scene (train_clip.AuxHead) and what the text
asks of a scene (train_siglip.TextAuxHead), weight 2. Stage 1's softmax multi-positive loss with aux weight 1
(`--set loss=softmax aux_weight=1.0`) reached 90.6% validation precision@10, this recipe 92.8% (600 steps each).

The export keeps the CLIP contract of stage 1 (CLIPVisionModelWithProjection / CLIPTextModelWithProjection,
pixel_values -> image_embeds, input_ids -> text_embeds, projection_dim 128, the same tokenizer.json). Before
exporting, the script checks that the exported tower's weights equal clip.pt's and that it reproduces the
cached tower tokens of validation photos.

A from-scratch rebuild (train-all.sh) runs both stages, then the scripts that reuse the tower (a new stage 1
means a new tower, so all of them must be retrained after it):

    TRAIN_THREADS=1 /usr/bin/python3 models/training/train_clip.py --no-export  # stage 1 -> .work/clip.pt
    /usr/bin/python3 models/training/train_clip_head.py   # stage 2 (this script) -> models/toy/toy-clip
    /usr/bin/python3 models/training/train_siglip.py      # then train_captioner.py, train_vqa.py

Rerunning this script alone, on the clip.pt whose tower the other committed models use, leaves their weights
valid (it runs in about 2 minutes with the tokens cached). It uses one thread unless TRAIN_THREADS is set. Options: [--steps N] [--eval-every N] [--no-export] [--checkpoint PATH] [--set NAME=VALUE ...] (HP
overrides, for experiments)
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from bpe_tokenizer import CLIP_SPECIALS, ByteBPE
from export_onnx import export_clip
from modules import ClipText, MapHead, VisionTower
from toy_world_data import (REPO, TRAIN_COUNT, TRAIN_SEED, VAL_COUNT, VAL_SEED, WORK_DIR, SceneCodec,
                            caption_constraint, load_album, sample_query, to_input, vocabulary)
from train_clip import OUT, AuxHead, eval_queries, pad_batch, soft_ce
from train_common import Clock, param_groups, reshuffled_batches, set_lr, setup
from train_siglip import TextAuxHead, query_family
from vision_features import load_clip_vision, tower_tokens

HP = {
    "seed": 0,
    "heads": 4,
    "map_mlp": 4,
    "batch": 512,  # images per step (cached tower tokens)
    "texts": 256,  # texts per step, one for each of the step's first images
    "steps": 600,
    "lr": 2e-3,
    "text_lr_scale": 0.5,  # the text tower starts trained (stage 1); the new image head starts from scratch
    "weight_decay": 0.05,
    "warmup": 60,
    "caption_prob": 0.4,
    "aux_weight": 2.0,
    "eval_every": 200,
    "loss": "sigmoid",  # or "softmax" (stage 1's multi-positive cross-entropy)
    "tb_lr_scale": 25.0,  # the sigmoid loss's temperature and bias learn faster (as in train_siglip.py)
}
CHECKPOINT = WORK_DIR / "clip-head.pt"


class ClipHead(nn.Module):
    """What stage 2 trains on the locked tower's tokens: MAP pooling, then the projection to the shared space."""

    def __init__(self, width: int, embed: int, heads: int, mlp: int):
        super().__init__()
        self.pool = MapHead(width, heads, mlp)
        self.proj = nn.Linear(width, embed, bias=False)

    def pooled(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.pool(tokens)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.proj(self.pool(tokens))


class ClipVisionLocked(nn.Module):
    """The exported image side: locked tower + stage-2 head; pixel_values -> image_embeds."""

    def __init__(self, tower: VisionTower, head: ClipHead):
        super().__init__()
        self.tower = tower
        self.head = head

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.head(self.tower(pixel_values))


def embed_ids(text: ClipText, ids: list[list[int]], pad: int, chunk: int = 64) -> torch.Tensor:
    """text(ids) with the texts sorted by length and padded per chunk: a query is half a caption's length,
    and padding after <|endoftext|> is inert (causal attention, pooled at the first <|endoftext|>)."""
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = torch.cat([text(pad_batch([ids[i] for i in order[j:j + chunk]], pad)) for j in range(0, len(ids), chunk)])
    return out[torch.argsort(torch.tensor(order))]


@torch.no_grad()
def embed_tokens(head: ClipHead, tokens: torch.Tensor) -> torch.Tensor:
    head.eval()
    return F.normalize(torch.cat([head(tokens[i:i + 512].float()) for i in range(0, len(tokens), 512)]), dim=-1)


@torch.no_grad()
def embed_texts(text: ClipText, tok: ByteBPE, texts: list[str]) -> torch.Tensor:
    text.eval()
    out = [text(pad_batch([tok.encode(t) for t in texts[i:i + 256]], tok.eos_id)) for i in range(0, len(texts), 256)]
    return F.normalize(torch.cat(out), dim=-1)


def evaluate(head: ClipHead, text: ClipText, tok: ByteBPE, entries: list[dict], tokens: torch.Tensor,
             codec: SceneCodec, vocab: dict) -> dict:
    """Precision@10 of train_clip.eval_queries() with >= 10 relevant photos (overall, per family) and caption ->
    photo top-5, as train_clip.evaluate, on cached tower tokens."""
    img = embed_tokens(head, tokens)
    scenes = codec.encode([e["scene"] for e in entries])
    sims = embed_texts(text, tok, [e["caption"] for e in entries]) @ img.T
    top5 = ((sims > sims.diag()[:, None]).sum(1) < 5).float().mean().item()
    qs = eval_queries(entries, vocab)
    rel = SceneCodec.matches(codec.encode_constraints([c for _, c in qs]), scenes)
    keep = rel.sum(1) >= 10
    qs = [q for q, k in zip(qs, keep) if k]
    rel = rel[keep]
    top10 = (embed_texts(text, tok, [q for q, _ in qs]) @ img.T).topk(10, dim=1).indices
    p10 = rel.gather(1, top10).float().mean(1).tolist()
    families = [query_family(c) for _, c in qs]
    return {
        "caption_top5": top5, "p10": sum(p10) / len(p10), "queries": len(qs),
        "families": {f: f"{sum(v for v, g in zip(p10, families) if g == f) / families.count(f):.3f} "
                        f"({families.count(f)})" for f in sorted(set(families))},
        "worst": sorted(zip([round(v, 1) for v in p10], [q for q, _ in qs]))[:5],
    }


@torch.no_grad()
def check_locked_tower(vision: ClipVisionLocked, val, va_tokens: torch.Tensor) -> str:
    """The tower about to be exported is clip.pt's, bit for bit, and reproduces the cached tokens."""
    fresh, _ = load_clip_vision()
    ref = fresh.tower.state_dict()
    for name, value in vision.tower.state_dict().items():
        assert torch.equal(value, ref[name]), f"tower tensor {name} differs from clip.pt's"
    vision.tower.eval()
    n = 64
    tokens = vision.tower(to_input(val.pixels[:n]))
    assert torch.equal(tokens, fresh.tower(to_input(val.pixels[:n]))), "tower tokens differ from clip.pt's tower"
    diff = (tokens - va_tokens[:n].float()).abs().max().item()  # the cache is float16
    assert diff < 1e-2, f"tower tokens differ from the cached ones by {diff}"
    return (f"tower = clip.pt's ({len(ref)} tensors equal); tokens of {n} validation photos equal a fresh clip.pt "
            f"tower's and the cached float16 ones to {diff:.1e}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=HP["steps"])
    ap.add_argument("--eval-every", type=int, default=HP["eval_every"])
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--checkpoint", default=str(CHECKPOINT))
    ap.add_argument("--set", nargs="*", default=[], help="HP overrides, name=value (experiments)")
    args = ap.parse_args()
    hp = {**HP, "steps": args.steps, "eval_every": args.eval_every}
    # One thread unless TRAIN_THREADS says otherwise: this stage's many small ops ran 2.8x slower with two
    # threads than with one on the 2-core machine (0.53 against 0.19 s/step, nothing else running).
    os.environ.setdefault("TRAIN_THREADS", "1")
    for kv in args.set:
        k, v = kv.split("=", 1)
        hp[k] = type(HP[k])(v)
    rng = setup(hp["seed"])
    clock = Clock()
    vocab = vocabulary()
    codec = SceneCodec(vocab)
    stage1 = torch.load(WORK_DIR / "clip.pt")
    s1 = stage1["hp"]
    digest = hashlib.sha1((WORK_DIR / "clip.pt").read_bytes()).hexdigest()[:10]
    tok = ByteBPE("clip", [tuple(m) for m in stage1["merges"]], CLIP_SPECIALS)
    train = load_album(TRAIN_SEED, TRAIN_COUNT)
    val = load_album(VAL_SEED, VAL_COUNT)
    locked, _ = load_clip_vision()  # frozen, eval mode
    tower = locked.tower
    tr_tokens = tower_tokens(tower, train, "train", flips=True)  # [2, N, 36, 128] float16, shared with the decoders
    va_tokens = tower_tokens(tower, val, "val", flips=False)[0]
    print(f"[clip-head] {hp}", flush=True)
    print(f"[clip-head] stage 1 = clip.pt {digest}; tower tokens {tuple(tr_tokens.shape)}; tokenizer {len(tok)} "
          f"tokens ({clock})", flush=True)

    scenes = [e["scene"] for e in train.entries]
    s_all = codec.encode(scenes)
    caption_ids = [tok.encode(e["caption"]) for e in train.entries]
    caption_cons = [caption_constraint(s) for s in scenes]
    width, embed = s1["vision_width"], s1["embed"]
    head = ClipHead(width, embed, hp["heads"], hp["map_mlp"])
    text = ClipText(len(tok), s1["text_width"], s1["text_layers"], s1["heads"], embed)
    text.load_state_dict(stage1["text"])
    aux_img, aux_txt = AuxHead(width, codec), TextAuxHead(embed, codec)
    logit_scale = nn.Parameter(torch.tensor(math.log(10.0) if hp["loss"] == "sigmoid" else math.log(1 / 0.07)))
    bias = nn.Parameter(torch.tensor(-10.0))
    groups = param_groups([head, aux_img, aux_txt], hp["weight_decay"])
    groups += [{**g, "lr_scale": hp["text_lr_scale"]} for g in param_groups([text], hp["weight_decay"])]
    groups += [{"params": [logit_scale, bias], "weight_decay": 0.0,
                "lr_scale": hp["tb_lr_scale"] if hp["loss"] == "sigmoid" else 1.0}]
    opt = torch.optim.AdamW(groups, lr=hp["lr"], betas=(0.9, 0.98))

    gen = torch.Generator().manual_seed(hp["seed"])
    batches = reshuffled_batches(len(train), hp["batch"], gen)
    run_loss = run_aux = 0.0
    for step in range(hp["steps"]):
        head.train(), text.train()
        idx = next(batches)
        set_lr(opt, step, hp["steps"], hp["lr"], hp["warmup"])
        flip = (torch.rand(len(idx), generator=gen) < 0.5).long()
        x = tr_tokens[flip, idx].float()
        ids, cons = [], []
        for i in idx[:hp["texts"]].tolist():
            if rng.random() < hp["caption_prob"]:
                ids.append(caption_ids[i])
                cons.append(caption_cons[i])
            else:
                q, c = sample_query(scenes[i], rng, vocab)
                ids.append(tok.encode(q))
                cons.append(c)
        s_b = {k: v[idx] for k, v in s_all.items()}
        c_b = codec.encode_constraints(cons)
        pos = SceneCodec.matches(c_b, s_b)  # [texts, images]
        pooled = head.pooled(x)
        img_vec = head.proj(pooled)
        txt_vec = embed_ids(text, ids, tok.eos_id)
        cos = F.normalize(txt_vec, dim=-1) @ F.normalize(img_vec, dim=-1).T
        if hp["loss"] == "sigmoid":  # SigLIP's: every (text, image) pair judged on its own
            logits = logit_scale.exp() * cos + bias
            loss = -F.logsigmoid((pos.float() * 2 - 1) * logits).sum() / len(ids)
        else:
            logits = logit_scale.clamp(max=math.log(100)).exp() * cos
            has_text = pos.any(0)  # images no text of the step is true of have no target in image -> text
            loss = 0.5 * (soft_ce(logits, pos) + soft_ce(logits.T[has_text], pos.T[has_text]))
        aux = aux_img.loss(pooled, s_b) + aux_txt.loss(txt_vec, c_b)
        opt.zero_grad(set_to_none=True)
        (loss + hp["aux_weight"] * aux).backward()
        torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], 1.0)
        opt.step()
        run_loss += loss.item()
        run_aux += aux.item()
        if (step + 1) % 50 == 0:
            print(f"[clip-head] step {step + 1}/{hp['steps']} contrastive {run_loss / 50:.3f} aux {run_aux / 50:.3f} "
                  f"scale {logit_scale.exp().item():.1f} bias {bias.item():.2f} ({clock})", flush=True)
            run_loss = run_aux = 0.0
        if (step + 1) % hp["eval_every"] == 0 or step + 1 == hp["steps"]:
            m = evaluate(head, text, tok, val.entries, va_tokens, codec, vocab)
            print(f"[clip-head] step {step + 1}: val query P@10 {m['p10']:.3f} over {m['queries']} queries, caption->photo "
                  f"top5 {m['caption_top5']:.3f}; worst {m['worst']} ({clock})", flush=True)
    print(f"[clip-head] per family (P@10, queries): {m['families']}", flush=True)

    torch.save({"hp": hp, "stage1": digest, "head": head.state_dict(), "text": text.state_dict(),
                "merges": tok.merges}, args.checkpoint)
    if args.no_export:
        return
    vision = ClipVisionLocked(tower, head).eval()
    print(f"[clip-head] {check_locked_tower(vision, val, va_tokens)}", flush=True)
    text.eval()
    export_clip(vision, text, tok, str(OUT), s1)
    print(f"[clip-head] exported to {OUT.relative_to(REPO)} ({clock})", flush=True)


if __name__ == "__main__":
    main()
