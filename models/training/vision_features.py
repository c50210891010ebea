"""The trained CLIP image tower, reused (frozen) as the image encoder of the captioner and the VQA model.

Like LLaVA reuses a CLIP ViT: the tower's 36 output tokens feed a small trainable adapter (one transformer
block, plus a projector for LLaVA) and the language model. Because the tower is frozen, its tokens are
computed once per training image (and its mirror image) and cached, so the decoders train in minutes.
"""

from __future__ import annotations

import hashlib

import torch

from export_onnx import PREPROCESSOR
from modules import ClipVision, VisionTower
from toy_world_data import WORK_DIR, Album, processor_key, to_input


def load_clip_vision() -> tuple[ClipVision, dict]:
    ckpt = torch.load(WORK_DIR / "clip.pt")
    hp = ckpt["hp"]
    vision = ClipVision(hp["vision_width"], hp["vision_layers"], hp["heads"], hp["embed"])
    vision.load_state_dict(ckpt["vision"])
    vision.eval()
    for p in vision.parameters():
        p.requires_grad_(False)
    return vision, hp


def frozen_tower() -> tuple[VisionTower, dict]:
    vision, hp = load_clip_vision()
    return vision.tower, hp


@torch.no_grad()
def tower_tokens(tower: VisionTower, album: Album, name: str, flips: bool) -> torch.Tensor:
    """float16 [F, N, 36, width] tokens (F = 2 with mirrored images), cached next to the CLIP checkpoint.

    The cache is named by the CLIP checkpoint and, for pixels from another preprocessor than the toy CLIP's
    (e.g. toy-siglip's), by that preprocessor too."""
    digest = hashlib.sha1((WORK_DIR / "clip.pt").read_bytes()).hexdigest()[:10]
    pixels = "" if album.processor_key in ("", processor_key(PREPROCESSOR)) else f"-px{album.processor_key}"
    cache = WORK_DIR / f"tokens-{name}-{digest}{pixels}-{'flip' if flips else 'plain'}.pt"
    if cache.exists():
        return torch.load(cache)
    tower.eval()
    views = []
    for flip in ([False, True] if flips else [False]):
        chunks = []
        for i in range(0, len(album), 256):
            px = album.pixels[i:i + 256]
            chunks.append(tower(to_input(px, torch.full((len(px),), flip))).half())
        views.append(torch.cat(chunks))
    out = torch.stack(views)
    torch.save(out, cache)
    return out
