"""Shared training plumbing: determinism, schedules, tokenizer corpora, timing."""

from __future__ import annotations

import math
import os
import random
import time

import torch

from toy_world_data import describe_prompts, sample_query


def setup(seed: int) -> random.Random:
    """Two CPU threads (the training machines are shared), deterministic seeds."""
    torch.set_num_threads(int(os.environ.get("TRAIN_THREADS", "2")))
    torch.manual_seed(seed)
    return random.Random(seed)


def lr_at(step: int, total: int, base: float, warmup: int) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def set_lr(opt: torch.optim.Optimizer, step: int, total: int, base: float, warmup: int) -> None:
    """The schedule's rate at `step` for every parameter group, times the group's "lr_scale" (default 1)."""
    rate = lr_at(step, total, base, warmup)
    for g in opt.param_groups:
        g["lr"] = rate * g.get("lr_scale", 1.0)


def reshuffled_batches(n: int, batch: int, gen: torch.Generator):
    """Endless batches of indices in 0..n-1 without repeats, reshuffled with `gen` whenever fewer than `batch`
    remain (the first shuffle happens at the first batch)."""
    perm, cursor = torch.randperm(n, generator=gen), 0
    while True:
        if cursor + batch > n:
            perm, cursor = torch.randperm(n, generator=gen), 0
        yield perm[cursor:cursor + batch]
        cursor += batch


def param_groups(modules: list[torch.nn.Module], weight_decay: float) -> list[dict]:
    """Weight decay on matrices only (not on norms, biases, embeddings' positions or scales)."""
    decay, no_decay = [], []
    for m in modules:
        for name, p in m.named_parameters():
            if not p.requires_grad:
                continue
            (decay if p.dim() >= 2 and "pos" not in name else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def text_corpus(entries: list[dict], vocab: dict, seed: int, queries_per_image: int = 2) -> list[str]:
    """Everything the toy models read or write: captions, questions, answers, search queries, prompts."""
    rng = random.Random(seed)
    out: list[str] = []
    for e in entries:
        out.append(e["caption"])
        for qa in e["qa"]:
            out.append(qa["q"] + " " + qa["a"])
        for _ in range(queries_per_image):
            out.append(sample_query(e["scene"], rng, vocab)[0])
    out += describe_prompts()
    return out


class Clock:
    def __init__(self) -> None:
        self.start = time.time()

    def __str__(self) -> str:
        s = time.time() - self.start
        return f"{int(s // 60)}m{int(s % 60):02d}s"
