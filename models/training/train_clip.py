"""Stage 1 of the toy CLIP: trains it whole (hybrid CNN/transformer image tower, causal transformer text tower)
on the toy world, saves .work/clip.pt and (unless --no-export) exports it to models/toy/toy-clip. The image tower
trained here is shared, frozen, by every other toy model; stage 2 (train_clip_head.py) then replaces the
search head on that locked tower and exports the committed toy-clip.

Texts per image: its caption (which matches only scenes with identical content) or a search-style query
sampled from its scene ("red car", "two dogs on a beach"), which is true of other images in the batch as
well. The contrastive loss therefore uses multi-positive targets: every image a text is true of is a
positive, judged from the scenes. An auxiliary head on the pooled image vector predicts the scene's
attributes (setting, time, per kind: presence, colour, count) to speed up learning; it is not exported.

    /usr/bin/python3 models/training/train_clip.py [--epochs N] [--no-export]
"""

from __future__ import annotations

import argparse
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

from bpe_tokenizer import CLIP_SPECIALS, ByteBPE, learn_bpe
from export_onnx import export_clip
from modules import ClipText, ClipVision
from toy_world_data import (REPO, TRAIN_COUNT, TRAIN_SEED, VAL_COUNT, VAL_SEED, WORK_DIR, SceneCodec,
                            caption_constraint, load_album, sample_query, to_input, vocabulary)
from train_common import Clock, lr_at, param_groups, setup, text_corpus

HP = {
    "seed": 0,
    "vision_width": 128,
    "vision_layers": 1,
    "heads": 4,
    "embed": 128,
    "text_width": 128,
    "text_layers": 2,
    "batch": 128,
    "epochs": 8,
    "lr": 2e-3,
    "weight_decay": 0.05,
    "warmup": 300,
    "caption_prob": 0.4,
    "extra_queries": 0,
    "sigmoid_weight": 0.0,
    "aux_weight": 1.0,
}
OUT = REPO / "models" / "toy" / "toy-clip"


class AuxHead(nn.Module):
    """Predicts the scene from the pooled image vector: setting, time, and per kind presence/colour/count."""

    def __init__(self, width: int, codec: SceneCodec):
        super().__init__()
        self.ns, self.nt, self.nk, self.nc = len(codec.settings), len(codec.times), len(codec.kinds), len(codec.colors)
        self.head = nn.Linear(width, self.ns + self.nt + self.nk * (1 + self.nc + 3))

    def loss(self, pooled: torch.Tensor, s: dict[str, torch.Tensor]) -> torch.Tensor:
        out = self.head(pooled)
        b = out.shape[0]
        i = 0
        setting = out[:, i:i + self.ns]; i += self.ns
        time = out[:, i:i + self.nt]; i += self.nt
        presence = out[:, i:i + self.nk]; i += self.nk
        color = out[:, i:i + self.nk * self.nc].reshape(b, self.nk, self.nc); i += self.nk * self.nc
        count = out[:, i:].reshape(b, self.nk, 3)
        present = s["count"] > 0
        loss = F.cross_entropy(setting, s["setting"]) + F.cross_entropy(time, s["time"])
        loss = loss + F.binary_cross_entropy_with_logits(presence, present.float())
        if present.any():
            loss = loss + F.cross_entropy(color[present], s["color"][present])
            loss = loss + F.cross_entropy(count[present], s["count"][present] - 1)
        return loss


def pad_batch(ids: list[list[int]], pad: int) -> torch.Tensor:
    width = max(len(x) for x in ids)
    return torch.tensor([x + [pad] * (width - len(x)) for x in ids])


def soft_ce(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy against a distribution spread evenly over each row's positives."""
    t = targets.float()
    t = t / t.sum(-1, keepdim=True).clamp(min=1)
    return -(t * F.log_softmax(logits, -1)).sum(-1).mean()


@torch.no_grad()
def embed_images(vision: ClipVision, pixels: torch.Tensor) -> torch.Tensor:
    vision.eval()
    out = torch.cat([vision(to_input(pixels[i:i + 256])) for i in range(0, len(pixels), 256)])
    return F.normalize(out, dim=-1)


@torch.no_grad()
def embed_texts(text: ClipText, tok: ByteBPE, texts: list[str]) -> torch.Tensor:
    text.eval()
    out = []
    for i in range(0, len(texts), 256):
        out.append(text(pad_batch([tok.encode(t) for t in texts[i:i + 256]], tok.eos_id)))
    return F.normalize(torch.cat(out), dim=-1)


def eval_queries(entries: list[dict], vocab: dict) -> list[tuple[str, dict]]:
    """Attribute queries like the quality report's: colour+kind, kind+time, count+kind+setting, kind+setting."""
    from toy_world_data import SETTING_PHRASES, TIME_PHRASES
    qs: list[tuple[str, dict]] = []
    for kind in vocab["kinds"]:
        plural = vocab["plurals"][kind]
        for color in vocab["colorsByKind"][kind]:
            name = f"person in {color}" if kind == "person" else f"{color} {kind}"
            qs.append((name, {"objects": [(kind, color, None)]}))
        for time in vocab["times"]:
            qs.append((f"{kind} {TIME_PHRASES[time][0]}", {"objects": [(kind, None, None)], "time": time}))
        for setting in vocab["settings"]:
            qs.append((f"{kind} {SETTING_PHRASES[setting][0]}", {"objects": [(kind, None, None)], "setting": setting}))
            for n in (2, 3):
                qs.append((f"{vocab['numberWords'][str(n)]} {plural} {SETTING_PHRASES[setting][0]}",
                           {"objects": [(kind, None, n)], "setting": setting}))
    return qs


def evaluate(vision: ClipVision, text: ClipText, tok: ByteBPE, album, codec: SceneCodec, vocab: dict) -> dict:
    img = embed_images(vision, album.pixels)
    scenes = codec.encode([e["scene"] for e in album.entries])
    caps = embed_texts(text, tok, [e["caption"] for e in album.entries])
    sims = caps @ img.T
    rank = (sims > sims.diag()[:, None]).sum(1)
    top5 = (rank < 5).float().mean().item()
    qs = eval_queries(album.entries, vocab)
    rel = SceneCodec.matches(codec.encode_constraints([c for _, c in qs]), scenes)
    keep = rel.sum(1) >= 10
    qs = [q for q, k in zip(qs, keep) if k]
    rel = rel[keep]
    qe = embed_texts(text, tok, [q for q, _ in qs])
    top10 = (qe @ img.T).topk(10, dim=1).indices
    p10 = rel.gather(1, top10).float().mean(1)
    worst = sorted(zip(p10.tolist(), [q for q, _ in qs]))[:5]
    return {"caption_top5": top5, "query_p10": p10.mean().item(), "queries": len(qs), "worst": worst}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=HP["epochs"])
    ap.add_argument("--no-export", action="store_true")
    args = ap.parse_args()
    hp = {**HP, "epochs": args.epochs}
    rng = setup(hp["seed"])
    clock = Clock()
    vocab = vocabulary()
    train = load_album(TRAIN_SEED, TRAIN_COUNT)
    val = load_album(VAL_SEED, VAL_COUNT)
    codec = SceneCodec(vocab)
    tok = learn_bpe(text_corpus(train.entries, vocab, seed=1), "clip", CLIP_SPECIALS)
    print(f"[clip] {len(train)} train images, tokenizer {len(tok)} tokens ({clock})", flush=True)

    scenes = [e["scene"] for e in train.entries]
    s_all = codec.encode(scenes)
    caption_ids = [tok.encode(e["caption"]) for e in train.entries]
    caption_cons = [caption_constraint(s) for s in scenes]

    vision = ClipVision(hp["vision_width"], hp["vision_layers"], hp["heads"], hp["embed"])
    text = ClipText(len(tok), hp["text_width"], hp["text_layers"], hp["heads"], hp["embed"])
    aux = AuxHead(hp["vision_width"], codec)
    logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    sig_scale = nn.Parameter(torch.tensor(10.0))
    sig_bias = nn.Parameter(torch.tensor(-5.0))
    opt = torch.optim.AdamW(param_groups([vision, text, aux], hp["weight_decay"]) + [{"params": [logit_scale, sig_scale, sig_bias],
                            "weight_decay": 0.0}], lr=hp["lr"], betas=(0.9, 0.98))
    n, b = len(train), hp["batch"]
    steps_per_epoch = n // b
    total = steps_per_epoch * hp["epochs"]
    gen = torch.Generator().manual_seed(hp["seed"])
    step = 0
    for epoch in range(hp["epochs"]):
        vision.train(), text.train(), aux.train()
        perm = torch.randperm(n, generator=gen)
        run_loss = run_aux = 0.0
        for it in range(steps_per_epoch):
            idx = perm[it * b:(it + 1) * b]
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, hp["lr"], hp["warmup"])
            flip = torch.rand(len(idx), generator=gen) < 0.5
            x = to_input(train.pixels[idx], flip)
            ids, cons = [], []
            for i in idx.tolist():
                if rng.random() < hp["caption_prob"]:
                    ids.append(caption_ids[i])
                    cons.append(caption_cons[i])
                else:
                    q, c = sample_query(scenes[i], rng, vocab)
                    ids.append(tok.encode(q))
                    cons.append(c)
            for _ in range(hp["extra_queries"]):  # more texts per image: the image tower is the costly part
                for i in idx.tolist():
                    q, c = sample_query(scenes[i], rng, vocab)
                    ids.append(tok.encode(q))
                    cons.append(c)
            s_b = {k: v[idx] for k, v in s_all.items()}
            pos = SceneCodec.matches(codec.encode_constraints(cons), s_b)  # [texts, images]
            pooled = vision.pooled(x)
            img = F.normalize(vision.proj(pooled), dim=-1)
            txt = F.normalize(text(pad_batch(ids, tok.eos_id)), dim=-1)
            cos = txt @ img.T
            logits = logit_scale.clamp(max=math.log(100)).exp() * cos
            contrastive = 0.5 * (soft_ce(logits, pos) + soft_ce(logits.T, pos.T))
            # SigLIP-style pairwise term: every (text, image) pair is judged on its own, so a query's many
            # positives are all pushed above every negative with one threshold (what precision@10 needs).
            if hp["sigmoid_weight"] > 0:
                sig = F.binary_cross_entropy_with_logits(sig_scale * cos + sig_bias, pos.float(), reduction="sum")
                contrastive = contrastive + hp["sigmoid_weight"] * sig / len(ids)
            aux_loss = aux.loss(pooled, s_b)
            loss = contrastive + hp["aux_weight"] * aux_loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], 1.0)
            opt.step()
            step += 1
            run_loss += contrastive.item()
            run_aux += aux_loss.item()
            if (it + 1) % 40 == 0:
                print(f"[clip] epoch {epoch + 1} step {it + 1}/{steps_per_epoch} contrastive {run_loss / 40:.3f} "
                      f"aux {run_aux / 40:.3f} scale {logit_scale.exp().item():.1f} ({clock})", flush=True)
                run_loss = run_aux = 0.0
        m = evaluate(vision, text, tok, val, codec, vocab)
        print(f"[clip] epoch {epoch + 1}: val caption->photo top5 {m['caption_top5']:.3f}, "
              f"query P@10 {m['query_p10']:.3f} over {m['queries']} queries; worst {m['worst']} ({clock})", flush=True)

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    torch.save({"hp": hp, "vision": vision.state_dict(), "text": text.state_dict(), "merges": tok.merges},
               WORK_DIR / "clip.pt")
    if not args.no_export:
        vision.eval(), text.eval()
        export_clip(vision, text, tok, str(OUT), hp)
        print(f"[clip] exported to {OUT} ({clock})", flush=True)


if __name__ == "__main__":
    main()
