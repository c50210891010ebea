"""Thai renderings of the toy world's texts, for the bilingual toy SigLIP: search queries from the constraint
sets that toy_world_data.sample_query draws (so a Thai text is true of exactly the scenes its English twin is
true of), and captions from scenes.

Thai is written without spaces between words, noun first with its modifiers after it, the classifier after
the number: "two dogs on a beach" = สุนัข|สอง|ตัว|ที่|ชาย|หาด, "a person in red" = คน|ใส่|เสื้อ|สี|แดง.
Every text is built from words (the | above); the tokenizer learns its merges from these words (see
train_siglip.bpe_corpus), while the texts themselves join them with no space, as people type them (a space
sometimes separates phrases, as in written Thai).
"""

from __future__ import annotations

import random

# Each entry: alternatives, the first preferred; an alternative is a tuple of words.
KINDS: dict[str, list[tuple[str, ...]]] = {
    "motorcycle": [("รถ", "มอเตอร์ไซค์"), ("มอเตอร์ไซค์",)],
    "bicycle": [("จักรยาน",)],
    "car": [("รถ", "ยนต์"), ("รถ", "เก๋ง")],
    "bus": [("รถ", "บัส"), ("รถ", "เมล์")],
    "boat": [("เรือ",)],
    "convenience store": [("ร้าน", "สะดวก", "ซื้อ")],
    "house": [("บ้าน",)],
    "tree": [("ต้น", "ไม้")],
    "person": [("คน",)],
    "dog": [("สุนัข",), ("หมา",)],
    "cat": [("แมว",)],
    "bird": [("นก",)],
    "umbrella": [("ร่ม",)],
}
CLASSIFIERS = {"motorcycle": "คัน", "bicycle": "คัน", "car": "คัน", "bus": "คัน", "umbrella": "คัน", "boat": "ลำ",
               "house": "หลัง", "tree": "ต้น", "person": "คน", "dog": "ตัว", "cat": "ตัว", "bird": "ตัว",
               "convenience store": "ร้าน"}
NUMBERS = {1: "หนึ่ง", 2: "สอง", 3: "สาม"}
COLORS: dict[str, list[tuple[str, ...]]] = {
    "red": [("แดง",)], "blue": [("น้ำ", "เงิน"), ("ฟ้า",)], "green": [("เขียว",)], "yellow": [("เหลือง",)],
    "white": [("ขาว",)], "black": [("ดำ",)], "orange": [("ส้ม",)], "purple": [("ม่วง",)],
}
SETTINGS = {"street": ("บน", "ถนน"), "beach": ("ที่", "ชาย", "หาด"), "park": ("ใน", "สวน", "สาธารณะ"),
            "countryside": ("ใน", "ชนบท"), "harbor": ("ที่", "ท่า", "เรือ")}
SETTING_NOUNS = {"street": ("ถนน",), "beach": ("ชาย", "หาด"), "park": ("สวน", "สาธารณะ"), "countryside": ("ชนบท",),
                 "harbor": ("ท่า", "เรือ")}
TIMES = {"day": ("ตอน", "กลาง", "วัน"), "night": ("ตอน", "กลาง", "คืน")}
OUTSIDE = "หน้า"  # in front of / outside
AND = "และ"
PHOTO = ("รูป", "ภาพ")
BUILDINGS = ("convenience store", "house")

Phrase = list[str]  # words


def _pick(options: list[tuple[str, ...]], rng: random.Random | None) -> tuple[str, ...]:
    if rng is None or len(options) == 1 or rng.random() < 0.7:
        return options[0]
    return rng.choice(options[1:])


def object_words(kind: str, color: str | None, count: int | None, rng: random.Random | None) -> Phrase:
    """"red car" = รถยนต์สีแดง, "person in red" = คนใส่เสื้อสีแดง, "two dogs" = สุนัขสองตัว (rng None: preferred words)."""
    words = list(_pick(KINDS[kind], rng))
    if color is not None:
        if kind == "person":
            words += ["ใส่", "เสื้อ"]
        words += ["สี", *_pick(COLORS[color], rng)]
    if count is not None:
        words += [NUMBERS[count], CLASSIFIERS[kind]]
    return words


def _objects(objs: list[tuple[str, str | None, int | None]], rng: random.Random | None) -> list[Phrase]:
    """Objects as phrases: "X outside a building" (หน้า) when one of them is a building and the other is not
    (some of the time), else a list joined with และ."""
    phrases = [object_words(k, c, n, rng) for k, c, n in objs]
    buildings = [i for i, (k, _, _) in enumerate(objs) if k in BUILDINGS]
    if len(buildings) == 1 and len(objs) >= 2 and (rng is None or rng.random() < 0.6):
        b = buildings[0]
        others = [p for i, p in enumerate(phrases) if i != b]
        return _join(others) + [[OUTSIDE, *phrases[b]]]
    return _join(phrases)


def _join(phrases: list[Phrase]) -> list[Phrase]:
    """A, B และ C: และ ("and") before the last item."""
    if len(phrases) <= 1:
        return phrases
    return phrases[:-1] + [[AND, *phrases[-1]]]


def render(phrases: list[Phrase], spaced: bool) -> str:
    return (" " if spaced else "").join("".join(p) for p in phrases)


def query(cons: dict, rng: random.Random) -> tuple[str, list[str]]:
    """A Thai search text for a constraint set from sample_query; returns (text, its words)."""
    spaced = rng.random() < 0.1
    setting, time = cons.get("setting"), cons.get("time")
    if not cons["objects"]:
        if setting is None:  # the time only: "a photo at night" / "night"
            phrases = [[rng.choice(PHOTO), *TIMES[time]]] if rng.random() < 0.5 else [list(TIMES[time][1:])]
        else:
            phrases = [list(SETTING_NOUNS[setting])] + ([list(TIMES[time])] if time is not None else [])
    else:
        phrases = _objects(list(cons["objects"]), rng)
        if setting is not None:
            phrases.append(list(SETTINGS[setting]))
        if time is not None:
            phrases.append(list(TIMES[time]))
        if rng.random() < 0.15:
            phrases[0] = [rng.choice(PHOTO), *phrases[0]]
    return render(phrases, spaced), [w for p in phrases for w in p]


def caption(scene: dict, rng: random.Random) -> tuple[str, list[str]]:
    """A Thai caption naming everything in the scene (count 1 said or left implicit, as English "a red car")."""
    objs = [(o["kind"], o["color"], o["count"] if o["count"] > 1 or rng.random() < 0.5 else None)
            for o in scene["objects"]]
    spaced = rng.random() < 0.5
    phrases = _objects(objs, rng)
    phrases.append(list(SETTINGS[scene["setting"]]))
    phrases.append(list(TIMES[scene["time"]]))
    if rng.random() < 0.1:
        phrases[0] = [rng.choice(PHOTO), *phrases[0]]
    return render(phrases, spaced), [w for p in phrases for w in p]


def eval_query(cons: dict) -> str:
    """The plain Thai twin of an eval_queries() constraint ("red car" = รถยนต์สีแดง, "two dogs on a beach" =
    สุนัขสองตัวที่ชายหาด), preferred words only."""
    phrases = _objects(list(cons["objects"]), None)
    if cons.get("setting") is not None:
        phrases.append(list(SETTINGS[cons["setting"]]))
    if cons.get("time") is not None:
        phrases.append(list(TIMES[cons["time"]]))
    return render(phrases, False)
