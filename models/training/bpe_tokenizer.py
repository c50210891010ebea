"""Byte-level BPE for the toy models: learns merges from a corpus and writes Hub-style tokenizer files.

Three flavours, matching the real families the toy models twin:
  * "clip": CLIPTokenizer (words end in "</w>", lower-cased, <|startoftext|>/<|endoftext|> around each text);
  * "gpt2": GPT-2 byte-level BPE (a leading space is part of the word, "Ġ"), used by the captioner and the
    VQA model, with extra special tokens (e.g. "<image>") and an optional chat template;
  * "siglip": the multilingual search model's (SigLIP 2 uses Gemma's tokenizer): GPT-2-style byte-level BPE
    whose words are Unicode letter runs (marks included, so a Thai phrase, written without spaces, is one
    word), lower-cased, whitespace collapsed, "<eos>" after each text and "<pad>" to pad.

The Python encoder here reproduces what transformers.js does with the written tokenizer.json for the ASCII
text the toy world produces (and, for "siglip", for any text: its pre-tokenizer is written out below with
Unicode categories); tests/check scripts compare both (see export_check.py, train_siglip.py).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter
from typing import Iterable, Sequence


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable unicode character map."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()
BYTE_DECODER = {v: k for k, v in BYTE_ENCODER.items()}

# The tokenizers' regexes use \p{L}/\p{N}; the toy world's text is ASCII, where these ASCII classes are equal.
CLIP_SPLIT_JSON = r"'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
CLIP_SPLIT_PY = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d|[A-Za-z]+|[0-9]|[^\sA-Za-z0-9]+")
GPT2_SPLIT_PY = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+")
# "siglip": a word is an optional space + a run of letters-or-marks, of digits, or of other symbols; or a run
# of spaces. Python has no \p{..}: siglip_pretokenize() implements the same with unicodedata categories.
SIGLIP_SPLIT_JSON = r" ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+"
# transformers.js rewrites \s to \p{White_Space}: these code points.
WHITE_SPACE = frozenset("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                        "\u2028\u2029\u202f\u205f\u3000")
SIGLIP_SPECIALS = ("<pad>", "<eos>", "<unk>")

EOW = "</w>"


def _char_class(ch: str) -> str:
    if ch in WHITE_SPACE:
        return "S"
    cat = unicodedata.category(ch)[0]
    return "L" if cat in "LM" else "N" if cat == "N" else "O"


def siglip_pretokenize(text: str) -> list[str]:
    """SIGLIP_SPLIT_JSON's matches, left to right (the first alternative that matches wins, runs are greedy)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        start = i
        kind = _char_class(text[i])
        if kind == "S":
            if i + 1 < n and text[i] == " " and _char_class(text[i + 1]) != "S":
                i += 1  # " ?" then a run of the next character's class
                kind = _char_class(text[i])
            else:
                while i < n and _char_class(text[i]) == "S":
                    i += 1
                out.append(text[start:i])
                continue
        while i < n and _char_class(text[i]) == kind:
            i += 1
        out.append(text[start:i])
    return out


def _byte_chars(word: str) -> list[str]:
    return [BYTE_ENCODER[b] for b in word.encode("utf-8")]


class ByteBPE:
    """A trained byte-level BPE: vocabulary, ranked merges and an encoder equal to the JSON tokenizer's."""

    def __init__(self, flavour: str, merges: list[tuple[str, str]], specials: Sequence[str]):
        assert flavour in ("clip", "gpt2", "siglip")
        self.flavour = flavour
        self.merges = merges
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        # Byte order as in the released CLIP/GPT-2 vocabularies: printable bytes first.
        base = list(BYTE_ENCODER.values())
        vocab: list[str] = base + ([c + EOW for c in base] if flavour == "clip" else [])
        seen = set(vocab)
        for a, b in merges:
            if a + b not in seen:  # two merges may spell the same token; it gets one id
                vocab.append(a + b)
                seen.add(a + b)
        # Specials last: CLIP pools at argmax(input_ids), so <|endoftext|> must hold the highest id.
        vocab += list(specials)
        assert len(set(vocab)) == len(vocab), "a special token collides with a learned one"
        self.vocab = {tok: i for i, tok in enumerate(vocab)}
        self.id_to_token = vocab
        self.specials = list(specials)
        self._cache: dict[str, list[int]] = {}

    # -- encoding -----------------------------------------------------------------------------------
    def _bpe(self, symbols: list[str]) -> list[str]:
        while len(symbols) > 1:
            best = None
            best_rank = None
            for i in range(len(symbols) - 1):
                r = self.ranks.get((symbols[i], symbols[i + 1]))
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = i, r
            if best is None:
                break
            pair = (symbols[best], symbols[best + 1])
            out: list[str] = []
            i = 0
            while i < len(symbols):
                if i < len(symbols) - 1 and (symbols[i], symbols[i + 1]) == pair:
                    out.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            symbols = out
        return symbols

    def _word_ids(self, word: str) -> list[int]:
        hit = self._cache.get(word)
        if hit is None:
            symbols = _byte_chars(word)
            if self.flavour == "clip":
                symbols[-1] = symbols[-1] + EOW
            hit = [self.vocab[s] for s in self._bpe(symbols)]
            self._cache[word] = hit
        return hit

    def normalize(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        if self.flavour == "clip":
            text = re.sub(r"\s+", " ", text)
        elif self.flavour == "siglip":
            text = "".join(" " if c in WHITE_SPACE else c for c in text)
            text = re.sub(" +", " ", text).strip(" \ufeff")  # JS trim(): what is left of its set after the line above
        return text.lower()

    def pretokenize(self, text: str) -> list[str]:
        if self.flavour == "siglip":
            return siglip_pretokenize(text)
        pattern = CLIP_SPLIT_PY if self.flavour == "clip" else GPT2_SPLIT_PY
        return pattern.findall(text)

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        """Token ids for text; special tokens written literally in the text are kept whole."""
        assert text.isascii() or self.flavour == "siglip", "the Python encoder covers ASCII text only"
        ids: list[int] = []
        if self.specials:
            parts = re.split("(" + "|".join(re.escape(s) for s in self.specials) + ")", text)
        else:
            parts = [text]
        for part in parts:
            if part in self.vocab and part in self.specials:
                ids.append(self.vocab[part])
                continue
            for word in self.pretokenize(self.normalize(part)):
                ids += self._word_ids(word)
        if add_special_tokens and self.flavour == "clip":
            ids = [self.bos_id] + ids + [self.eos_id]
        elif add_special_tokens and self.flavour == "siglip":
            ids = ids + [self.eos_id]
        return ids

    def decode(self, ids: Iterable[int], skip_special_tokens: bool = True) -> str:
        out = bytearray()
        for i in ids:
            tok = self.id_to_token[i]
            if tok in self.specials:
                if not skip_special_tokens:
                    out += tok.encode("utf-8")
                continue
            eow = self.flavour == "clip" and tok.endswith(EOW)
            out += bytes(BYTE_DECODER[c] for c in (tok[: -len(EOW)] if eow else tok))
            if eow:
                out += b" "
        return out.decode("utf-8", errors="replace")

    @property
    def bos_id(self) -> int:
        return self.vocab["<|startoftext|>" if self.flavour == "clip" else "<eos>" if self.flavour == "siglip"
                          else "<|endoftext|>"]

    @property
    def eos_id(self) -> int:
        return self.vocab["<eos>" if self.flavour == "siglip" else "<|endoftext|>"]

    @property
    def pad_id(self) -> int:
        return self.vocab["<pad>"] if self.flavour == "siglip" else self.eos_id

    def __len__(self) -> int:
        return len(self.id_to_token)

    # -- files --------------------------------------------------------------------------------------
    def tokenizer_json(self) -> dict:
        added = [
            {
                "id": self.vocab[s],
                "content": s,
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": False,
                "special": True,
            }
            for s in self.specials
        ]
        model = {
            "type": "BPE",
            "dropout": None,
            "unk_token": "<|endoftext|>" if self.flavour == "clip" else None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": EOW if self.flavour == "clip" else "",
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": self.vocab,
            "merges": [[a, b] for a, b in self.merges],
        }
        if self.flavour == "clip":
            return {
                "version": "1.0",
                "truncation": None,
                "padding": None,
                "added_tokens": added,
                "normalizer": {
                    "type": "Sequence",
                    "normalizers": [
                        {"type": "NFC"},
                        {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
                        {"type": "Lowercase"},
                    ],
                },
                "pre_tokenizer": {
                    "type": "Sequence",
                    "pretokenizers": [
                        {"type": "Split", "pattern": {"Regex": CLIP_SPLIT_JSON}, "behavior": "Removed", "invert": True},
                        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
                    ],
                },
                "post_processor": {
                    "type": "RobertaProcessing",
                    "sep": ["<|endoftext|>", self.eos_id],
                    "cls": ["<|startoftext|>", self.bos_id],
                    "trim_offsets": False,
                    "add_prefix_space": False,
                },
                "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
                "model": model,
            }
        if self.flavour == "siglip":
            eos = "<eos>"
            return {
                "version": "1.0",
                "truncation": None,
                "padding": None,
                "added_tokens": added,
                "normalizer": {
                    "type": "Sequence",
                    "normalizers": [
                        {"type": "NFC"},
                        {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
                        {"type": "Strip", "strip_left": True, "strip_right": True},
                        {"type": "Lowercase"},
                    ],
                },
                "pre_tokenizer": {
                    "type": "Sequence",
                    "pretokenizers": [
                        {"type": "Split", "pattern": {"Regex": SIGLIP_SPLIT_JSON}, "behavior": "Isolated", "invert": False},
                        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
                    ],
                },
                "post_processor": {
                    "type": "TemplateProcessing",
                    "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": eos, "type_id": 0}}],
                    "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": eos, "type_id": 0}},
                             {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": eos, "type_id": 0}}],
                    "special_tokens": {eos: {"id": eos, "ids": [self.eos_id], "tokens": [eos]}},
                },
                "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
                "model": model,
            }
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Lowercase"}]},
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": model,
        }

    def tokenizer_config(self, model_max_length: int, chat_template: str | None = None) -> dict:
        added_decoder = {
            str(self.vocab[s]): {
                "content": s,
                "lstrip": False,
                "normalized": False,
                "rstrip": False,
                "single_word": False,
                "special": True,
            }
            for s in self.specials
        }
        if self.flavour == "siglip":
            cfg = {
                # SigLIP 2 ships Gemma's tokenizer; transformers.js builds it from tokenizer.json alone
                "tokenizer_class": "GemmaTokenizer",
                "eos_token": "<eos>",
                "unk_token": "<unk>",
                "pad_token": "<pad>",
                "padding_side": "right",
                "do_lower_case": True,
                "model_max_length": model_max_length,
                "clean_up_tokenization_spaces": False,
                "added_tokens_decoder": added_decoder,
            }
        elif self.flavour == "clip":
            cfg = {
                "tokenizer_class": "CLIPTokenizer",
                "bos_token": "<|startoftext|>",
                "eos_token": "<|endoftext|>",
                "unk_token": "<|endoftext|>",
                "pad_token": "<|endoftext|>",
                "do_lower_case": True,
                "model_max_length": model_max_length,
                "clean_up_tokenization_spaces": False,
                "added_tokens_decoder": added_decoder,
            }
        else:
            cfg = {
                "tokenizer_class": "GPT2Tokenizer",
                "bos_token": "<|endoftext|>",
                "eos_token": "<|endoftext|>",
                "unk_token": "<|endoftext|>",
                "pad_token": "<|endoftext|>",
                "add_prefix_space": False,
                "model_max_length": model_max_length,
                "clean_up_tokenization_spaces": False,
                "added_tokens_decoder": added_decoder,
            }
            extra = [s for s in self.specials if s != "<|endoftext|>"]
            if extra:
                cfg["additional_special_tokens"] = extra
        if chat_template is not None:
            cfg["chat_template"] = chat_template
        return cfg

    def save(self, folder: str, model_max_length: int, chat_template: str | None = None) -> None:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "tokenizer.json"), "w") as f:
            json.dump(self.tokenizer_json(), f, ensure_ascii=False, separators=(",", ":"))
        with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
            json.dump(self.tokenizer_config(model_max_length, chat_template), f, ensure_ascii=False, indent=2)
        if self.flavour == "siglip":
            specials_map = {"eos_token": "<eos>", "unk_token": "<unk>", "pad_token": "<pad>"}
        else:
            specials_map = {"bos_token": "<|startoftext|>" if self.flavour == "clip" else "<|endoftext|>",
                            "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}
        with open(os.path.join(folder, "special_tokens_map.json"), "w") as f:
            json.dump(specials_map, f, indent=2)


def learn_bpe(corpus: Iterable[str], flavour: str, specials: Sequence[str], min_frequency: int = 2,
              max_merges: int = 4000) -> ByteBPE:
    """Learns merges greedily (most frequent adjacent pair first, ties broken by the pair's text)."""
    probe = ByteBPE(flavour, [], specials)
    words: Counter[str] = Counter()
    special_re = re.compile("|".join(re.escape(s) for s in specials)) if specials else None
    for text in corpus:
        if special_re is not None:
            text = special_re.sub(" ", text)
        words.update(probe.pretokenize(probe.normalize(text)))
    seqs: dict[tuple[str, ...], int] = {}
    for word, n in words.items():
        symbols = _byte_chars(word)
        if flavour == "clip":
            symbols[-1] += EOW
        key = tuple(symbols)
        seqs[key] = seqs.get(key, 0) + n
    merges: list[tuple[str, str]] = []
    while len(merges) < max_merges:
        pairs: Counter[tuple[str, str]] = Counter()
        for seq, n in seqs.items():
            for i in range(len(seq) - 1):
                pairs[(seq[i], seq[i + 1])] += n
        if not pairs:
            break
        best, count = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if count < min_frequency:
            break
        merges.append(best)
        merged = best[0] + best[1]
        new_seqs: dict[tuple[str, ...], int] = {}
        for seq, n in seqs.items():
            out: list[str] = []
            i = 0
            while i < len(seq):
                if i < len(seq) - 1 and (seq[i], seq[i + 1]) == best:
                    out.append(merged)
                    i += 2
                else:
                    out.append(seq[i])
                    i += 1
            key = tuple(out)
            new_seqs[key] = new_seqs.get(key, 0) + n
        seqs = new_seqs
    return ByteBPE(flavour, merges, specials)


CLIP_SPECIALS = ("<|startoftext|>", "<|endoftext|>")
