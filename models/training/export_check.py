"""Contract check: exports the three toy families with RANDOM weights into OUT and writes OUT/expected.json
with PyTorch's outputs (embeddings, greedy generations computed WITHOUT a KV cache) for one 96x96 image, so
that check-contracts.ts can verify, through the product's inference modules, that transformers.js loads the
folders and that its cached generation equals PyTorch's full recomputation.

    /usr/bin/python3 models/training/export_check.py OUT && node bin/run-ts.js models/training/check-contracts.ts OUT
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bpe_tokenizer import CLIP_SPECIALS, learn_bpe  # noqa: E402
from export_onnx import CLIP_MEAN, CLIP_STD, export_captioner, export_clip, export_vqa, render_chat  # noqa: E402
from modules import GRID, IMAGE_SIZE, CaptionEncoder, ClipText, ClipVision, Gpt2Decoder, LlamaDecoder, LlavaVision  # noqa: E402

HP = {"embed": 64, "text_width": 64, "text_layers": 2, "heads": 4, "vision_width": 64, "vision_layers": 1,
      "ffn": 128, "max_positions": 128}
TEXTS = ["a red car", "two blue boats on a beach at night", "a dog"]
QUESTION = "what color is the car?"
STEPS = 12


def corpus() -> list[str]:
    kinds = ["motorcycle", "bicycle", "car", "boat", "dog", "house", "convenience store", "tree", "person"]
    colors = ["red", "blue", "green", "yellow", "white", "black"]
    return [f"{n} {c} {k}s on a street at night. what color is the {k}? how many {k}s are there? yes no"
            for k in kinds for c in colors for n in ("one", "two", "three")]


def test_image() -> np.ndarray:
    y, x = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE]
    img = np.stack([(x * 255) // IMAGE_SIZE, (y * 255) // IMAGE_SIZE, ((x + y) * 7) % 256], -1)
    img[30:60, 20:50] = [214, 40, 40]
    return img.astype(np.uint8)


def pixels(img: np.ndarray) -> torch.Tensor:
    x = torch.from_numpy(img).float() / 255.0
    x = (x - torch.tensor(CLIP_MEAN)) / torch.tensor(CLIP_STD)
    return x.permute(2, 0, 1)[None].contiguous()


def unit(v: torch.Tensor) -> list[list[float]]:
    return (v / v.norm(dim=-1, keepdim=True)).tolist()


def spread_init(module: torch.nn.Module, std: float) -> None:
    """Random weights large enough that greedy decoding does not hinge on float rounding."""
    for name, p in module.named_parameters():
        if p.dim() >= 2:
            torch.nn.init.normal_(p, std=std)


def main(out: str) -> None:
    torch.manual_seed(0)
    os.makedirs(out, exist_ok=True)
    img = test_image()
    img.tofile(os.path.join(out, "image.rgb"))
    px = pixels(img)
    expected: dict = {"width": IMAGE_SIZE, "height": IMAGE_SIZE, "texts": TEXTS, "question": QUESTION, "steps": STEPS}

    # CLIP
    clip_tok = learn_bpe(corpus(), "clip", CLIP_SPECIALS)
    vision = ClipVision(HP["vision_width"], HP["vision_layers"], HP["heads"], HP["embed"]).eval()
    text = ClipText(len(clip_tok), HP["text_width"], HP["text_layers"], HP["heads"], HP["embed"]).eval()
    export_clip(vision, text, clip_tok, os.path.join(out, "clip"), HP)
    with torch.no_grad():
        expected["image_embedding"] = unit(vision(px))[0]
        # Pad as the JS tokenizer does (right, with <|endoftext|>), to exercise the argmax pooling.
        ids = [clip_tok.encode(t) for t in TEXTS]
        width = max(len(i) for i in ids)
        ids = torch.tensor([i + [clip_tok.eos_id] * (width - len(i)) for i in ids])
        expected["text_embeddings"] = unit(text(ids))

    # captioner
    gtok = learn_bpe(corpus(), "gpt2", ("<|endoftext|>",))
    enc = CaptionEncoder(HP["vision_width"], HP["vision_layers"], HP["heads"]).eval()
    dec = Gpt2Decoder(len(gtok), 64, 2, 4, HP["vision_width"]).eval()
    spread_init(dec, 0.3)
    with torch.no_grad():
        dec.wte.weight[gtok.eos_id] = 0  # keep <|endoftext|> from winning at once, so the check covers many steps
    export_captioner(enc, dec, gtok, os.path.join(out, "captioner"), HP)
    with torch.no_grad():
        states = enc(px)
        seq = [gtok.eos_id]
        for _ in range(STEPS):
            logits, _ = dec(torch.tensor([seq]), states)  # no cache: full recomputation every step
            nxt = int(logits[0, -1].argmax())
            seq.append(nxt)
            if nxt == gtok.eos_id:
                break
        expected["caption_ids"] = seq[1:]
        expected["caption"] = gtok.decode(seq[1:]).strip()

    # VQA (LLaVA)
    vtok = learn_bpe(corpus(), "gpt2", ("<|endoftext|>", "<image>"))
    vis = LlavaVision(HP["vision_width"], HP["vision_layers"], HP["heads"], 64).eval()
    lm = LlamaDecoder(len(vtok), 64, 2, 4, 2, HP["ffn"]).eval()
    spread_init(lm, 0.3)
    with torch.no_grad():
        lm.lm_head.weight[vtok.eos_id] = 0
    export_vqa(vis, lm, vtok, os.path.join(out, "vqa"), HP)
    with torch.no_grad():
        prompt = render_chat([("user", QUESTION)]).replace("<image>", "<image>" * (GRID * GRID))
        ids = vtok.encode(prompt)
        expected["vqa_prompt_ids"] = list(ids)
        feats = vis(px)[0]
        image_id = vtok.vocab["<image>"]
        for _ in range(STEPS):
            emb = lm.embed_tokens(torch.tensor([ids]))[0].clone()
            emb[torch.tensor(ids) == image_id] = feats
            n = len(ids)
            logits, _ = lm(emb[None], torch.ones(1, n, dtype=torch.int64), torch.arange(n)[None])
            nxt = int(logits[0, -1].argmax())
            ids.append(nxt)
            if nxt == vtok.eos_id:
                break
        answer = ids[len(expected["vqa_prompt_ids"]):]
        expected["answer_ids"] = answer
        expected["answer"] = vtok.decode(answer).strip()
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)
    print(json.dumps({k: expected[k] for k in ("caption", "answer")}))


if __name__ == "__main__":
    torch.set_num_threads(2)
    main(sys.argv[1] if len(sys.argv) > 1 else ".tmp/contract-check")
