"""Scores generated captions against scenes (training-time twin of models/quality/measure-quality.ts)."""

from __future__ import annotations

import re


def _kind_forms(vocab: dict) -> dict[str, str]:
    forms = {}
    for kind in vocab["kinds"]:
        forms[kind] = kind
        forms[vocab["plurals"][kind]] = kind
    return forms


def parse_caption(caption: str, vocab: dict) -> tuple[set[str], list[tuple[str, str]], list[tuple[str, int]]]:
    """Kinds mentioned, (colour, kind) pairs and (kind, count) pairs stated by a caption."""
    text = caption.lower()
    forms = _kind_forms(vocab)
    alt = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    colors = "|".join(vocab["colors"])
    kinds = {forms[m.group(1)] for m in re.finditer(rf"\b({alt})\b", text)}
    numbers = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}
    pairs: list[tuple[str, str]] = []
    counts: list[tuple[str, int]] = []
    for m in re.finditer(rf"\b(a|an|one|two|three)\s+({colors})\s+({alt})\b", text):
        pairs.append((m.group(2), forms[m.group(3)]))
        counts.append((forms[m.group(3)], numbers[m.group(1)]))
    for m in re.finditer(rf"\b(a person|one person|two people|three people)\s+in\s+({colors})\b", text):
        pairs.append((m.group(2), "person"))
        counts.append(("person", numbers[m.group(1).split()[0]]))
    return kinds, pairs, counts


def score_captions(captions: list[str], scenes: list[dict], vocab: dict) -> dict[str, float]:
    mentioned = mentioned_ok = present = present_hit = colours = colours_ok = n_counts = counts_ok = 0
    for caption, scene in zip(captions, scenes):
        objs = {o["kind"]: o for o in scene["objects"]}
        kinds, pairs, counts = parse_caption(caption, vocab)
        mentioned += len(kinds)
        mentioned_ok += len(kinds & objs.keys())
        present += len(objs)
        present_hit += len(objs.keys() & kinds)
        for color, kind in pairs:
            colours += 1
            colours_ok += int(kind in objs and objs[kind]["color"] == color)
        for kind, count in counts:
            n_counts += 1
            counts_ok += int(kind in objs and objs[kind]["count"] == count)
    return {
        "kinds_precision": round(mentioned_ok / max(1, mentioned), 3),
        "kinds_recall": round(present_hit / max(1, present), 3),
        "colors": round(colours_ok / max(1, colours), 3),
        "counts": round(counts_ok / max(1, n_counts), 3),
    }
