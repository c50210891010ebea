"""Toy-world data for training: renders albums with the project's TypeScript renderer, prepares model-input
pixels with transformers.js' own image processor, and knows what a text says about a scene.

Seeds 1..999 are reserved for evaluation, tests and demos: training albums use seeds >= 1000.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from export_onnx import CLIP_MEAN, CLIP_STD, PREPROCESSOR
from modules import IMAGE_SIZE

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "models" / "training" / ".data"
WORK_DIR = REPO / "models" / "training" / ".work"

TRAIN_SEED, TRAIN_COUNT = 1000, 15000
VAL_SEED, VAL_COUNT = 1999, 500


def run_ts(script: str, *args: str, capture: bool = False) -> str:
    cmd = ["node", str(REPO / "bin" / "run-ts.js"), str(REPO / script), *args]
    res = subprocess.run(cmd, cwd=REPO, check=True, text=True, stdout=subprocess.PIPE if capture else None)
    return res.stdout if capture else ""


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    """The renderer's vocabulary (kinds, colours, settings, plurals, ...), read from vocabulary.ts."""
    return json.loads(run_ts("models/training/dump-vocabulary.ts", capture=True))


# ---- albums and pixels --------------------------------------------------------------------------


def processor_key(processor: dict) -> str:
    """Short digest of a preprocessor config: names the pixel caches it produced."""
    return hashlib.sha1(json.dumps(processor, sort_keys=True).encode()).hexdigest()[:10]


def _processor_dir(processor: dict) -> Path:
    key = processor_key(processor)
    folder = DATA_DIR / ("processor" if key == processor_key(PREPROCESSOR) else f"processor-{key}")
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "preprocessor_config.json", "w") as f:
        json.dump(processor, f, indent=2)
    return folder


def render_album(seed: int, count: int) -> Path:
    """Renders (once) album `seed` with `count` images; returns its folder."""
    folder = DATA_DIR / f"album-s{seed}-n{count}"
    manifest = folder / "manifest.jsonl"
    if manifest.exists() and sum(1 for _ in open(manifest)) == count:
        return folder
    print(f"[data] rendering {count} images (seed {seed}) into {folder}", flush=True)
    run_ts("main/core/toy-world/render-demo.cli.ts", "--out", str(folder), "--count", str(count), "--seed", str(seed),
           "--quiet")
    return folder


@dataclass
class Album:
    entries: list[dict]
    pixels: torch.Tensor  # uint8 [N, H, W, 3], the processor's resize + crop
    processor_key: str = ""  # processor_key() of the config that made the pixels

    def __len__(self) -> int:
        return len(self.entries)


def load_album(seed: int, count: int, processor: dict = PREPROCESSOR) -> Album:
    """Album `seed` with the model-input pixels that `processor` (a preprocessor_config.json, run by
    transformers.js itself) makes of its photos; must produce IMAGE_SIZE x IMAGE_SIZE images."""
    folder = render_album(seed, count)
    entries = [json.loads(line) for line in open(folder / "manifest.jsonl") if line.strip()]
    key = processor_key(processor)
    cache = folder / f"pixels-{key}.u8"
    if not cache.exists():
        print(f"[data] preparing pixels for {folder.name} with transformers.js' image processor", flush=True)
        tmp = cache.with_suffix(".tmp")
        run_ts("models/training/prepare-pixels.ts", str(folder), str(_processor_dir(processor)), str(tmp))
        os.replace(tmp, cache)
    pixels = np.fromfile(cache, dtype=np.uint8).reshape(len(entries), IMAGE_SIZE, IMAGE_SIZE, 3)
    return Album(entries, torch.from_numpy(pixels), key)


_MEAN = torch.tensor(CLIP_MEAN).view(1, 3, 1, 1) * 255
_STD = torch.tensor(CLIP_STD).view(1, 3, 1, 1) * 255


def to_input(pixels_u8: torch.Tensor, flip: torch.Tensor | None = None) -> torch.Tensor:
    """uint8 NHWC -> normalised float NCHW, as CLIPImageProcessor does; optional per-image horizontal flip."""
    x = pixels_u8.permute(0, 3, 1, 2).float()
    if flip is not None and bool(flip.any()):
        x = torch.where(flip.view(-1, 1, 1, 1), x.flip(3), x)
    return ((x - _MEAN) / _STD).contiguous()


# ---- scenes as tensors, and what a text asks of a scene ------------------------------------------


class SceneCodec:
    """Scenes as small integer tensors, so "does text t describe image j" is one vectorised test."""

    def __init__(self, vocab: dict):
        self.kinds = vocab["kinds"]
        self.colors = vocab["colors"]
        self.settings = vocab["settings"]
        self.times = vocab["times"]
        self.k = {k: i for i, k in enumerate(self.kinds)}
        self.c = {c: i for i, c in enumerate(self.colors)}

    def encode(self, scenes: list[dict]) -> dict[str, torch.Tensor]:
        n, nk = len(scenes), len(self.kinds)
        col = torch.full((n, nk), -1, dtype=torch.long)
        cnt = torch.zeros((n, nk), dtype=torch.long)
        for i, s in enumerate(scenes):
            for o in s["objects"]:
                col[i, self.k[o["kind"]]] = self.c[o["color"]]
                cnt[i, self.k[o["kind"]]] = o["count"]
        return {
            "setting": torch.tensor([self.settings.index(s["setting"]) for s in scenes]),
            "time": torch.tensor([self.times.index(s["time"]) for s in scenes]),
            "color": col,
            "count": cnt,
        }

    def encode_constraints(self, cons: list[dict]) -> dict[str, torch.Tensor]:
        m, nk = len(cons), len(self.kinds)
        req = torch.zeros((m, nk), dtype=torch.bool)
        col = torch.full((m, nk), -1, dtype=torch.long)
        cnt = torch.zeros((m, nk), dtype=torch.long)
        for i, c in enumerate(cons):
            for kind, color, count in c["objects"]:
                req[i, self.k[kind]] = True
                if color is not None:
                    col[i, self.k[kind]] = self.c[color]
                if count is not None:
                    cnt[i, self.k[kind]] = count
        return {
            "setting": torch.tensor([-1 if c.get("setting") is None else self.settings.index(c["setting"]) for c in cons]),
            "time": torch.tensor([-1 if c.get("time") is None else self.times.index(c["time"]) for c in cons]),
            "required": req,
            "color": col,
            "count": cnt,
            "exact": torch.tensor([bool(c.get("exact")) for c in cons]),
        }

    @staticmethod
    def matches(t: dict[str, torch.Tensor], s: dict[str, torch.Tensor]) -> torch.Tensor:
        """[M, N] bool: constraint m holds for scene n."""
        ok = (t["setting"][:, None] < 0) | (t["setting"][:, None] == s["setting"][None])
        ok &= (t["time"][:, None] < 0) | (t["time"][:, None] == s["time"][None])
        present = s["count"][None] > 0  # [1, N, K]
        obj_ok = present & ((t["color"][:, None] < 0) | (t["color"][:, None] == s["color"][None]))
        obj_ok &= (t["count"][:, None] == 0) | (t["count"][:, None] == s["count"][None])
        ok &= (~t["required"][:, None] | obj_ok).all(-1)
        same_kinds = (t["required"][:, None] == present).all(-1)
        ok &= ~t["exact"][:, None] | same_kinds
        return ok


def caption_constraint(scene: dict) -> dict:
    """A full caption names everything: it matches only scenes with exactly the same content."""
    return {
        "objects": [(o["kind"], o["color"], o["count"]) for o in scene["objects"]],
        "setting": scene["setting"],
        "time": scene["time"],
        "exact": True,
    }


SETTING_PHRASES = {
    "street": ["on a street", "on the street", "in the street"],
    "beach": ["on a beach", "on the beach", "at the beach"],
    "park": ["in a park", "in the park"],
    "countryside": ["in the countryside"],
    "harbor": ["at a harbor", "at the harbor", "in a harbor"],
}
SETTING_NOUNS = {"street": "a street", "beach": "a beach", "park": "a park", "countryside": "the countryside",
                 "harbor": "a harbor"}
TIME_PHRASES = {"day": ["during the day", "in the daytime", "by day"], "night": ["at night", "by night"]}


def object_phrase(kind: str, color: str | None, count: int | None, plural_hint: bool, vocab: dict,
                  rng: random.Random) -> str:
    numbers = vocab["numberWords"]
    plural = vocab["plurals"][kind]
    if kind == "person":
        if count is not None:
            noun = "a person" if count == 1 else f"{numbers[str(count)]} people"
        else:
            noun = rng.choice(["people", "a person"]) if plural_hint else rng.choice(["a person", "person"])
        if color is not None:
            return f"{noun} {rng.choice(['in', 'wearing'])} {color}"
        return noun
    words = []
    if count is not None:
        words.append(rng.choice(["one", "a single"]) if count == 1 else numbers[str(count)])
    elif rng.random() < 0.4:
        words.append("an" if (color or kind)[0] in "aeiou" else "a")
        plural_hint = False
    if color is not None:
        words.append(color)
    words.append(plural if (count is not None and count > 1) or (count is None and plural_hint) else kind)
    return " ".join(words)


def sample_query(scene: dict, rng: random.Random, vocab: dict) -> tuple[str, dict]:
    """A search-style text true of `scene` ("red car", "two dogs on a beach", "a harbor at night", ...)
    with the constraint it expresses (which other scenes it is also true of)."""
    cons: dict = {"objects": [], "setting": None, "time": None}
    parts: list[str] = []
    objs = scene["objects"]
    if rng.random() < 0.12:  # the place and/or the time only
        which = rng.choice(["setting", "time", "both", "both"])
        if which in ("setting", "both"):
            cons["setting"] = scene["setting"]
        if which in ("time", "both"):
            cons["time"] = scene["time"]
        if which == "time":
            return rng.choice([f"a photo {rng.choice(TIME_PHRASES[scene['time']])}", scene["time"]]), cons
        text = SETTING_NOUNS[scene["setting"]]
        if cons["time"] is not None:
            text += " " + rng.choice(TIME_PHRASES[scene["time"]])
        return text, cons
    chosen = rng.sample(objs, 2 if len(objs) >= 2 and rng.random() < 0.25 else 1)
    for o in chosen:
        color = o["color"] if rng.random() < 0.6 else None
        count = o["count"] if rng.random() < 0.35 else None
        cons["objects"].append((o["kind"], color, count))
        parts.append(object_phrase(o["kind"], color, count, o["count"] > 1, vocab, rng))
    text = " and ".join(parts)
    if rng.random() < 0.35:
        cons["setting"] = scene["setting"]
        text += " " + rng.choice(SETTING_PHRASES[scene["setting"]])
    if rng.random() < 0.35:
        cons["time"] = scene["time"]
        text += " " + rng.choice(TIME_PHRASES[scene["time"]])
    if rng.random() < 0.15:
        text = rng.choice(["a photo of ", "a picture of "]) + text
    return text, cons


def describe_prompts() -> list[str]:
    return ["describe this photo.", "describe the image.", "what is in this picture?", "what do you see?"]
