"""Trains the toy SigLIP, a bilingual (English + Thai) search model, and exports it to models/toy/toy-siglip in
the layout and ONNX contract of a Hub SigLIP export (SiglipTextModel / SiglipVisionModel, pooler_output).

Image side, LiT (locked-image tuning, as in the SigLIP and LiT papers): the toy CLIP's trained image tower is
reused frozen (vision_features.frozen_tower) and only a projection to 96 + SigLIP's MAP head are trained, on
tower tokens computed once per training image. The pixels are the ones toy-siglip's own SiglipImageProcessor
config makes (the whole photo squashed to 96x96, as SigLIP 2 does; export_siglip.SIGLIP_PREPROCESSOR), prepared
by transformers.js (prepare-pixels.ts), so training sees what the app will feed the model.

Text side: SigLIP's bidirectional encoder with no attention mask, pooled at the LAST position; every text is
padded to 64 with <pad>, exactly as the app's tokenizer call (padding: 'max_length') will pad it.

Each step: 512 images (their cached tower tokens are cheap) and 192 texts, one for each of the first 192 images,
English or Thai half and half: an English caption or a search query sampled from the scene by sample_query; a
Thai caption or the Thai rendering of another sampled query (thai_texts.py). Loss: SigLIP's sigmoid loss with
learnable temperature and bias (t' = log 10, b = -10 at the start) and MULTI-POSITIVE labels: every (text,
image) pair of the step whose scene the text is true of is a positive (SceneCodec.matches); plus auxiliary
heads on both pooled vectors (dropped at export). Ends by checking the exported folder in Node
(check-siglip.ts): tokenizer.json against the Python encoder, vectors against PyTorch's.

    /usr/bin/python3 models/training/train_siglip.py [--steps N] [--eval-every N] [--no-export]
"""

from __future__ import annotations

import argparse
import json
import math
import random

import torch
import torch.nn.functional as F

import thai_texts
from bpe_tokenizer import SIGLIP_SPECIALS, ByteBPE, learn_bpe
from export_siglip import SIGLIP_PREPROCESSOR, export_siglip
from modules import SiglipText, SiglipVision, SiglipVisionHead
from toy_world_data import (REPO, SETTING_PHRASES, TIME_PHRASES, TRAIN_COUNT, TRAIN_SEED, VAL_COUNT,
                            VAL_SEED, WORK_DIR, SceneCodec, caption_constraint, load_album, object_phrase,
                            render_album, run_ts, sample_query, to_input, vocabulary)
from train_clip import AuxHead, eval_queries
from train_common import Clock, param_groups, reshuffled_batches, set_lr, setup
from vision_features import frozen_tower, tower_tokens

HP = {
    "seed": 0,
    "width": 96,  # = text hidden size = vision hidden size = pooler_output size (toy-clip's is 128)
    "heads": 4,
    "text_layers": 2,
    "text_mlp": 2,
    "map_mlp": 4,
    "max_len": 64,
    "batch": 512,  # images per step: cheap (cached tower tokens), and every text is judged against all of them
    "texts": 192,  # texts per step, one for each of the first images: English or Thai, half and half
    "steps": 900,
    "lr": 3e-3,
    "weight_decay": 0.05,
    "warmup": 60,
    "caption_prob_en": 0.3,
    "caption_prob_th": 0.25,
    "t_init": math.log(10.0),
    "b_init": -10.0,
    "tb_lr_scale": 25.0,  # t' and b learn faster: a run this short cannot wait for them at the base rate
    "eval_every": 300,
    "aux_weight": 2.0,
}
OUT = REPO / "models" / "toy" / "toy-siglip"
BUILDINGS = thai_texts.BUILDINGS


# ---- texts ---------------------------------------------------------------------------------------


def english_query(scene: dict, rng: random.Random, vocab: dict) -> tuple[str, dict]:
    """sample_query, plus "X outside a convenience store" for a building and another object (as the demo asks)."""
    text, cons = sample_query(scene, rng, vocab)
    objs = cons["objects"]
    kinds = [k for k, _, _ in objs]
    if len(objs) == 2 and sum(k in BUILDINGS for k in kinds) == 1 and rng.random() < 0.5:
        b = 0 if kinds[0] in BUILDINGS else 1
        counts = {o["kind"]: o["count"] for o in scene["objects"]}
        other, building = objs[1 - b], objs[b]
        text = (object_phrase(other[0], other[1], other[2], counts[other[0]] > 1, vocab, rng) + " "
                + rng.choice(["outside", "in front of"]) + " "
                + object_phrase(building[0], building[1], building[2], False, vocab, rng))
        if cons.get("setting") is not None:
            text += " " + rng.choice(SETTING_PHRASES[cons["setting"]])
        if cons.get("time") is not None:
            text += " " + rng.choice(TIME_PHRASES[cons["time"]])
    return text, cons


def thai_query(scene: dict, rng: random.Random, vocab: dict) -> tuple[str, dict, list[str]]:
    _, cons = sample_query(scene, rng, vocab)
    text, words = thai_texts.query(cons, rng)
    return text, cons, words


def bpe_corpus(entries: list[dict], vocab: dict, rng: random.Random) -> list[str]:
    """English texts as they are; Thai as its words (see thai_texts): merges are learnt within words, as a
    tokenizer trained on word-segmented Thai, and applied to whole unspaced Thai phrases."""
    out: list[str] = []
    for e in entries:
        out.append(e["caption"])
        for _ in range(2):
            out.append(english_query(e["scene"], rng, vocab)[0])
            out += thai_query(e["scene"], rng, vocab)[2]
        out += thai_texts.caption(e["scene"], rng)[1]
    return out


def pad_to(ids: list[int], length: int, pad: int) -> list[int]:
    """What the app's tokenizer call does: truncate to `length`, pad on the right with <pad>."""
    return ids[:length] + [pad] * (length - len(ids[:length]))


def encode_batch(tok: ByteBPE, texts: list[str], length: int) -> torch.Tensor:
    return torch.tensor([pad_to(tok.encode(t), length, tok.pad_id) for t in texts])


class TextAuxHead(torch.nn.Module):
    """Training aid, dropped at export (as toy-clip's image-side AuxHead): predicts from the pooled text what the
    text asks of a scene (setting, time, and per kind whether it is named, its colour and count when said), so
    the text tower learns to read the words fast; the image side has AuxHead, predicting the scene."""

    def __init__(self, width: int, codec: SceneCodec):
        super().__init__()
        self.ns, self.nt, self.nk, self.nc = len(codec.settings), len(codec.times), len(codec.kinds), len(codec.colors)
        self.head = torch.nn.Linear(width, (self.ns + 1) + (self.nt + 1) + self.nk * (1 + self.nc + 3))

    def loss(self, pooled: torch.Tensor, c: dict[str, torch.Tensor]) -> torch.Tensor:
        out = self.head(pooled)
        m, i = out.shape[0], 0
        setting = out[:, i:i + self.ns + 1]; i += self.ns + 1
        time = out[:, i:i + self.nt + 1]; i += self.nt + 1
        named = out[:, i:i + self.nk]; i += self.nk
        color = out[:, i:i + self.nk * self.nc].reshape(m, self.nk, self.nc); i += self.nk * self.nc
        count = out[:, i:].reshape(m, self.nk, 3)
        loss = F.cross_entropy(setting, c["setting"] + 1) + F.cross_entropy(time, c["time"] + 1)
        loss = loss + F.binary_cross_entropy_with_logits(named, c["required"].float())
        said = c["color"] >= 0
        if said.any():
            loss = loss + F.cross_entropy(color[said], c["color"][said])
        said = c["count"] > 0
        if said.any():
            loss = loss + F.cross_entropy(count[said], c["count"][said] - 1)
        return loss


# ---- evaluation ----------------------------------------------------------------------------------


@torch.no_grad()
def embed_texts(text: SiglipText, tok: ByteBPE, texts: list[str], length: int) -> torch.Tensor:
    text.eval()
    out = [text(encode_batch(tok, texts[i:i + 256], length))[1] for i in range(0, len(texts), 256)]
    return F.normalize(torch.cat(out), dim=-1)


@torch.no_grad()
def embed_tokens(head: SiglipVisionHead, tokens: torch.Tensor) -> torch.Tensor:
    head.eval()
    return F.normalize(torch.cat([head(tokens[i:i + 512].float())[1] for i in range(0, len(tokens), 512)]), dim=-1)


def query_family(cons: dict) -> str:
    _, color, count = cons["objects"][0]
    if color is not None:
        return "colour + kind"
    if count is not None:
        return "count + kind + place"
    return "kind + time" if cons.get("time") is not None else "kind + place"


def evaluate(head: SiglipVisionHead, text: SiglipText, tok: ByteBPE, entries: list[dict], tokens: torch.Tensor,
             codec: SceneCodec, vocab: dict, length: int) -> dict:
    """Precision@10 of eval_queries() (those with >= 10 relevant photos), in English and in their Thai twins
    (thai_texts.eval_query), overall and per query family; caption -> photo top-5 (English captions)."""
    img = embed_tokens(head, tokens)
    scenes = codec.encode([e["scene"] for e in entries])
    caps = embed_texts(text, tok, [e["caption"] for e in entries], length)
    sims = caps @ img.T
    top5 = ((sims > sims.diag()[:, None]).sum(1) < 5).float().mean().item()
    qs = eval_queries(entries, vocab)
    rel = SceneCodec.matches(codec.encode_constraints([c for _, c in qs]), scenes)
    keep = rel.sum(1) >= 10
    qs = [q for q, k in zip(qs, keep) if k]
    rel = rel[keep]
    out = {"caption_top5": top5, "queries": len(qs)}
    families = [query_family(c) for _, c in qs]
    for lang, texts in (("en", [q for q, _ in qs]), ("th", [thai_texts.eval_query(c) for _, c in qs])):
        top10 = (embed_texts(text, tok, texts, length) @ img.T).topk(10, dim=1).indices
        p10 = rel.gather(1, top10).float().mean(1)
        out[f"p10_{lang}"] = p10.mean().item()
        out[f"worst_{lang}"] = sorted(zip([round(v, 1) for v in p10.tolist()], texts))[:4]
        out[f"families_{lang}"] = {
            f: f"{sum(v for v, g in zip(p10.tolist(), families) if g == f) / families.count(f):.3f} "
               f"({families.count(f)})" for f in sorted(set(families))}
    return out


# ---- contract check of the exported folder (run by Node) -----------------------------------------


def write_check(folder, tok: ByteBPE, vision: SiglipVision, text: SiglipText, val, val_entries: list[dict],
                texts: list[str], hp: dict) -> str:
    """Texts (training texts, English and Thai) with the Python encoder's ids and PyTorch's text vectors, and a
    few validation photos with PyTorch's image vectors computed from the pixels the training read."""
    path = WORK_DIR / "siglip-check.json"
    n_img = 8
    with torch.no_grad():
        vision.eval(), text.eval()
        image_vecs = F.normalize(vision(to_input(val.pixels[:n_img]))[1], dim=-1)
        text_vecs = embed_texts(text, tok, texts[:64], hp["max_len"])
    album = render_album(VAL_SEED, VAL_COUNT)
    with open(path, "w") as f:
        json.dump({
            "folder": str(folder),
            "texts": texts,
            "ids": [tok.encode(t) for t in texts],
            "text_vectors": text_vecs.tolist(),
            "images": [str(album / e["file"]) for e in val_entries[:n_img]],
            "image_vectors": image_vecs.tolist(),
        }, f, ensure_ascii=False)
    return str(path)


# ---- training ------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=HP["steps"])
    ap.add_argument("--eval-every", type=int, default=HP["eval_every"])
    ap.add_argument("--no-export", action="store_true")
    args = ap.parse_args()
    hp = {**HP, "steps": args.steps, "eval_every": args.eval_every}
    rng = setup(hp["seed"])
    clock = Clock()
    vocab = vocabulary()
    codec = SceneCodec(vocab)
    train = load_album(TRAIN_SEED, TRAIN_COUNT, SIGLIP_PREPROCESSOR)
    val = load_album(VAL_SEED, VAL_COUNT, SIGLIP_PREPROCESSOR)
    tower, _ = frozen_tower()
    tr_tokens = tower_tokens(tower, train, "train", flips=True)  # [2, N, 36, 128] float16: plain and mirrored
    va_tokens = tower_tokens(tower, val, "val", flips=False)[0]
    tok = learn_bpe(bpe_corpus(train.entries, vocab, random.Random(1)), "siglip", SIGLIP_SPECIALS)
    print(f"[siglip] {len(train)} train images, tower tokens {tuple(tr_tokens.shape)}, tokenizer {len(tok)} tokens "
          f"({clock})", flush=True)

    scenes = [e["scene"] for e in train.entries]
    s_all = codec.encode(scenes)
    caption_cons = [caption_constraint(s) for s in scenes]
    width, length = hp["width"], hp["max_len"]
    head = SiglipVisionHead(tr_tokens.shape[-1], width, hp["heads"], hp["map_mlp"])
    text = SiglipText(len(tok), width, hp["text_layers"], hp["heads"], length, hp["text_mlp"])
    aux_img, aux_txt = AuxHead(width, codec), TextAuxHead(width, codec)
    t_prime = torch.nn.Parameter(torch.tensor(hp["t_init"]))
    bias = torch.nn.Parameter(torch.tensor(hp["b_init"]))
    opt = torch.optim.AdamW(param_groups([head, text, aux_img, aux_txt], hp["weight_decay"])
                            + [{"params": [t_prime, bias], "weight_decay": 0.0, "lr_scale": hp["tb_lr_scale"]}],
                            lr=hp["lr"], betas=(0.9, 0.98))
    gen = torch.Generator().manual_seed(hp["seed"])
    batches = reshuffled_batches(len(train), hp["batch"], gen)
    run_loss = run_aux = 0.0
    for step in range(hp["steps"]):
        head.train(), text.train()
        idx = next(batches)
        set_lr(opt, step, hp["steps"], hp["lr"], hp["warmup"])
        flip = (torch.rand(len(idx), generator=gen) < 0.5).long()
        x = tr_tokens[flip, idx].float()
        texts, cons = [], []
        for i in idx[:hp["texts"]].tolist():
            if rng.random() < 0.5:  # English
                if rng.random() < hp["caption_prob_en"]:
                    texts.append(train.entries[i]["caption"])
                    cons.append(caption_cons[i])
                else:
                    q, c = english_query(scenes[i], rng, vocab)
                    texts.append(q)
                    cons.append(c)
            elif rng.random() < hp["caption_prob_th"]:
                texts.append(thai_texts.caption(scenes[i], rng)[0])
                cons.append(caption_cons[i])
            else:
                q, c, _ = thai_query(scenes[i], rng, vocab)
                texts.append(q)
                cons.append(c)
        s_b = {k: v[idx] for k, v in s_all.items()}
        c_b = codec.encode_constraints(cons)
        pos = SceneCodec.matches(c_b, s_b)  # [texts, images]
        img_pooled = head(x)[1]
        txt_pooled = text.pooled(encode_batch(tok, texts, length))
        img, txt = F.normalize(img_pooled, dim=-1), F.normalize(txt_pooled, dim=-1)
        logits = t_prime.exp() * (txt @ img.T) + bias
        labels = pos.float() * 2 - 1
        loss = -F.logsigmoid(labels * logits).sum() / len(texts)
        aux = aux_img.loss(img_pooled, s_b) + aux_txt.loss(txt_pooled, c_b)
        opt.zero_grad(set_to_none=True)
        (loss + hp["aux_weight"] * aux).backward()
        torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], 1.0)
        opt.step()
        run_loss += loss.item()
        run_aux += aux.item()
        if (step + 1) % 25 == 0:
            print(f"[siglip] step {step + 1}/{hp['steps']} loss {run_loss / 25:.3f} aux {run_aux / 25:.3f} "
                  f"t {t_prime.exp().item():.1f} b {bias.item():.2f} ({clock})", flush=True)
            run_loss = run_aux = 0.0
        if (step + 1) % hp["eval_every"] == 0 or step + 1 == hp["steps"]:
            m = evaluate(head, text, tok, val.entries, va_tokens, codec, vocab, length)
            print(f"[siglip] step {step + 1}: val precision@10 over {m['queries']} attribute queries: English "
                  f"{m['p10_en']:.3f}, Thai {m['p10_th']:.3f}; caption->photo top5 {m['caption_top5']:.3f}; "
                  f"worst en {m['worst_en']} th {m['worst_th']} ({clock})", flush=True)
            if step + 1 == hp["steps"]:
                print(f"[siglip] per family (P@10, queries): English {m['families_en']}; Thai {m['families_th']}", flush=True)

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    torch.save({"hp": hp, "head": head.state_dict(), "text": text.state_dict(), "merges": tok.merges,
                "t_prime": t_prime.item(), "bias": bias.item()}, WORK_DIR / "siglip.pt")
    if args.no_export:
        return
    vision = SiglipVision(tower, head).eval()
    text.eval()
    export_siglip(vision, text, tok, str(OUT), {**hp, "vision_layers": len(tower.blocks)})
    print(f"[siglip] exported to {OUT} ({clock})", flush=True)
    check_rng = random.Random(2)  # training-style texts: Thai and English queries, Thai and English captions
    check_texts = []
    for e in train.entries[:1500]:
        check_texts.append(thai_query(e["scene"], check_rng, vocab)[0])
        check_texts.append(english_query(e["scene"], check_rng, vocab)[0])
        check_texts.append(thai_texts.caption(e["scene"], check_rng)[0])
        check_texts.append(e["caption"])
    check = write_check(OUT, tok, vision, text, val, val.entries, check_texts, hp)
    run_ts("models/training/check-siglip.ts", check)
    print(f"[siglip] done ({clock})", flush=True)


if __name__ == "__main__":
    main()
