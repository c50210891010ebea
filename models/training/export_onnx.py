"""Writes trained toy models as Hub-layout folders that transformers.js 4.3.1 loads (see
/work/shared/notes/model-contracts.md for the contract each file follows)."""

from __future__ import annotations

import json
import os
import shutil

import onnx
import torch
import torch.nn as nn

from bpe_tokenizer import ByteBPE
from modules import (IMAGE_SIZE, PATCH, GRID, CaptionEncoder, ClipText, ClipVision, Gpt2Decoder, LlamaDecoder,
                     LlavaVision)

OPSET = 14
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

# [Note: toy image preprocessing]
# All three toy models read a 96x96 centre crop of the image resized so its short side is 96 px, through
# transformers.js' CLIPImageProcessor. resample=1 (Lanczos) rather than CLIP's 3 (bicubic): in Node the
# library's bicubic path is a sharp affine transform that does not low-pass filter, so a 4x downscale
# aliases and the result depends on the source resolution; Lanczos goes through sharp's resize, which
# does. Training reads pixels produced by that same code (prepare-pixels.ts), so there is no mismatch.
PREPROCESSOR = {
    "image_processor_type": "CLIPImageProcessor",
    "do_convert_rgb": True,
    "do_resize": True,
    "size": {"shortest_edge": IMAGE_SIZE},
    "resample": 1,
    "do_center_crop": True,
    "crop_size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
    "do_rescale": True,
    "rescale_factor": 1 / 255,
    "do_normalize": True,
    "image_mean": CLIP_MEAN,
    "image_std": CLIP_STD,
}


def _write_json(path: str, obj: dict) -> None:
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def _export(module: nn.Module, args: tuple, path: str, inputs: list[str], outputs: list[str],
            dynamic: dict[str, dict[int, str]]) -> None:
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                          opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(path)
    onnx.checker.check_model(model)


def _fresh(folder: str) -> str:
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(os.path.join(folder, "onnx"))
    return os.path.join(folder, "onnx")


def _dummy_pixels(batch: int = 2) -> torch.Tensor:
    return torch.randn(batch, 3, IMAGE_SIZE, IMAGE_SIZE)


# ---- CLIP ----------------------------------------------------------------------------------------


class _ClipTextGraph(nn.Module):
    def __init__(self, text: ClipText):
        super().__init__()
        self.text = text

    def forward(self, input_ids):
        return self.text(input_ids)


def export_clip(vision: ClipVision, text: ClipText, tok: ByteBPE, folder: str, hp: dict) -> None:
    onnx_dir = _fresh(folder)
    ids = torch.tensor([[tok.bos_id, 300, 301, tok.eos_id, tok.eos_id], [tok.bos_id, 302, 303, 304, tok.eos_id]])
    _export(_ClipTextGraph(text), (ids,), os.path.join(onnx_dir, "text_model.onnx"), ["input_ids"], ["text_embeds"],
            {"input_ids": {0: "batch_size", 1: "sequence_length"}, "text_embeds": {0: "batch_size"}})
    _export(vision, (_dummy_pixels(),), os.path.join(onnx_dir, "vision_model.onnx"), ["pixel_values"],
            ["image_embeds"], {"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"}})
    embed = hp["embed"]
    _write_json(os.path.join(folder, "config.json"), {
        "model_type": "clip",
        "architectures": ["CLIPModel"],
        "projection_dim": embed,
        "logit_scale_init_value": 2.6592,
        "text_config": {
            "model_type": "clip_text_model",
            "vocab_size": len(tok),
            "hidden_size": hp["text_width"],
            "intermediate_size": 4 * hp["text_width"],
            "num_hidden_layers": hp["text_layers"],
            "num_attention_heads": hp["heads"],
            "max_position_embeddings": 77,
            "projection_dim": embed,
            "bos_token_id": tok.bos_id,
            "eos_token_id": tok.eos_id,
            "pad_token_id": tok.eos_id,
        },
        "vision_config": {
            "model_type": "clip_vision_model",
            "hidden_size": hp["vision_width"],
            "num_hidden_layers": hp["vision_layers"],
            "num_attention_heads": hp["heads"],
            "image_size": IMAGE_SIZE,
            "patch_size": PATCH,
            "num_channels": 3,
            "projection_dim": embed,
        },
    })
    _write_json(os.path.join(folder, "preprocessor_config.json"),
                {**PREPROCESSOR, "feature_extractor_type": "CLIPFeatureExtractor"})
    tok.save(folder, model_max_length=77)


# ---- captioner -----------------------------------------------------------------------------------


class _CaptionDecoderGraph(nn.Module):
    def __init__(self, dec: Gpt2Decoder):
        super().__init__()
        self.dec = dec

    def forward(self, input_ids, encoder_hidden_states, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(self.dec.n_layer)]
        logits, presents = self.dec(input_ids, encoder_hidden_states, past)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def export_captioner(encoder: CaptionEncoder, decoder: Gpt2Decoder, tok: ByteBPE, folder: str, hp: dict) -> None:
    onnx_dir = _fresh(folder)
    width = hp["vision_width"]
    _export(encoder, (_dummy_pixels(),), os.path.join(onnx_dir, "encoder_model.onnx"), ["pixel_values"],
            ["last_hidden_state"], {"pixel_values": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}})
    b, t, p = 2, 2, 3
    ids = torch.randint(0, len(tok), (b, t))
    enc = torch.randn(b, GRID * GRID, width)
    names_in, names_out, past, dyn = ["input_ids", "encoder_hidden_states"], ["logits"], [], {
        "input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
        "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
        "logits": {0: "batch_size", 1: "decoder_sequence_length"},
    }
    for i in range(decoder.n_layer):
        for kind in ("key", "value"):
            past.append(torch.randn(b, decoder.n_head, p, decoder.head_dim))
            names_in.append(f"past_key_values.{i}.{kind}")
            names_out.append(f"present.{i}.{kind}")
            dyn[names_in[-1]] = {0: "batch_size", 2: "past_decoder_sequence_length"}
            dyn[names_out[-1]] = {0: "batch_size", 2: "present_decoder_sequence_length"}
    _export(_CaptionDecoderGraph(decoder), (ids, enc, *past), os.path.join(onnx_dir, "decoder_model_merged.onnx"),
            names_in, names_out, dyn)
    eos = tok.eos_id
    special = {"bos_token_id": eos, "eos_token_id": eos, "pad_token_id": eos, "decoder_start_token_id": eos}
    _write_json(os.path.join(folder, "config.json"), {
        "model_type": "vision-encoder-decoder",
        "architectures": ["VisionEncoderDecoderModel"],
        "is_encoder_decoder": True,
        "tie_word_embeddings": False,
        **special,
        "encoder": {
            "model_type": "vit",
            "hidden_size": width,
            "num_hidden_layers": hp["vision_layers"],
            "num_attention_heads": hp["heads"],
            "image_size": IMAGE_SIZE,
            "patch_size": PATCH,
            "num_channels": 3,
        },
        "decoder": {
            "model_type": "gpt2",
            "vocab_size": len(tok),
            "n_embd": decoder.n_head * decoder.head_dim,
            "n_layer": decoder.n_layer,
            "n_head": decoder.n_head,
            "n_positions": decoder.wpe.num_embeddings,
            "n_inner": 4 * decoder.n_head * decoder.head_dim,
            "add_cross_attention": True,
            "is_decoder": True,
            "activation_function": "gelu",
            **special,
        },
    })
    _write_json(os.path.join(folder, "generation_config.json"), {**special, "max_length": decoder.wpe.num_embeddings})
    _write_json(os.path.join(folder, "preprocessor_config.json"), dict(PREPROCESSOR))
    tok.save(folder, model_max_length=decoder.wpe.num_embeddings)


# ---- VQA (LLaVA) ---------------------------------------------------------------------------------

# Structured content (as llava-hf templates take it) or plain strings; the image goes before the text.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'user' %}{{ 'USER: ' }}{% else %}{{ 'ASSISTANT: ' }}{% endif %}"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}"
    "{% for part in message['content'] %}{% if part['type'] == 'image' %}{{ '<image>\n' }}{% endif %}{% endfor %}"
    "{% for part in message['content'] %}{% if part['type'] == 'text' %}{{ part['text'] }}{% endif %}{% endfor %}"
    "{% endif %}"
    "{% if message['role'] == 'assistant' %}{{ eos_token }}{% endif %}"
    "{{ '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)


def render_chat(turns: list[tuple[str, str]], image_first_turn: bool = True, eos: str = "<|endoftext|>") -> str:
    """Python twin of CHAT_TEMPLATE with add_generation_prompt=True (training prompts)."""
    out = ""
    for i, (role, text) in enumerate(turns):
        if role == "user":
            out += "USER: " + ("<image>\n" if i == 0 and image_first_turn else "") + text
        else:
            out += "ASSISTANT: " + text + eos
        out += "\n"
    return out + "ASSISTANT:"


class _LlavaDecoderGraph(nn.Module):
    def __init__(self, dec: LlamaDecoder):
        super().__init__()
        self.dec = dec

    def forward(self, inputs_embeds, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(self.dec.n_layers)]
        logits, presents = self.dec(inputs_embeds, attention_mask, position_ids, past)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


class _EmbedGraph(nn.Module):
    def __init__(self, dec: LlamaDecoder):
        super().__init__()
        self.embed = dec.embed_tokens

    def forward(self, input_ids):
        return self.embed(input_ids)


def export_vqa(vision: LlavaVision, decoder: LlamaDecoder, tok: ByteBPE, folder: str, hp: dict) -> None:
    onnx_dir = _fresh(folder)
    dim = decoder.dim
    _export(_EmbedGraph(decoder), (torch.tensor([[1, 2, 3], [4, 5, 6]]),), os.path.join(onnx_dir, "embed_tokens.onnx"),
            ["input_ids"], ["inputs_embeds"],
            {"input_ids": {0: "batch_size", 1: "sequence_length"}, "inputs_embeds": {0: "batch_size", 1: "sequence_length"}})
    _export(vision, (_dummy_pixels(),), os.path.join(onnx_dir, "vision_encoder.onnx"), ["pixel_values"],
            ["image_features"], {"pixel_values": {0: "batch_size"}, "image_features": {0: "batch_size"}})
    b, t, p = 2, 2, 3
    emb = torch.randn(b, t, dim)
    mask = torch.ones(b, p + t, dtype=torch.int64)
    pos = torch.arange(p, p + t)[None].expand(b, -1).contiguous()
    names_in, names_out, past = ["inputs_embeds", "attention_mask", "position_ids"], ["logits"], []
    dyn = {
        "inputs_embeds": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    for i in range(decoder.n_layers):
        for kind in ("key", "value"):
            past.append(torch.randn(b, decoder.kv_heads, p, decoder.head_dim))
            names_in.append(f"past_key_values.{i}.{kind}")
            names_out.append(f"present.{i}.{kind}")
            dyn[names_in[-1]] = {0: "batch_size", 2: "past_sequence_length"}
            dyn[names_out[-1]] = {0: "batch_size", 2: "total_sequence_length"}
    _export(_LlavaDecoderGraph(decoder), (emb, mask, pos, *past), os.path.join(onnx_dir, "decoder_model_merged.onnx"),
            names_in, names_out, dyn)
    eos = tok.eos_id
    image_id = tok.vocab["<image>"]
    special = {"bos_token_id": eos, "eos_token_id": eos, "pad_token_id": eos}
    _write_json(os.path.join(folder, "config.json"), {
        "model_type": "llava",
        "architectures": ["LlavaForConditionalGeneration"],
        "image_token_index": image_id,
        "projector_hidden_act": "gelu",
        "vision_feature_select_strategy": "full",
        "vision_feature_layer": -1,
        "image_seq_length": GRID * GRID,
        "tie_word_embeddings": False,
        **special,
        "text_config": {
            "model_type": "llama",
            "vocab_size": len(tok),
            "hidden_size": dim,
            "intermediate_size": hp["ffn"],
            "num_hidden_layers": decoder.n_layers,
            "num_attention_heads": decoder.heads,
            "num_key_value_heads": decoder.kv_heads,
            "head_dim": decoder.head_dim,
            "max_position_embeddings": hp["max_positions"],
            "rms_norm_eps": 1e-5,
            "rope_theta": decoder.rope_theta,
            "hidden_act": "silu",
            "tie_word_embeddings": False,
            **special,
        },
        "vision_config": {
            "model_type": "clip_vision_model",
            "hidden_size": hp["vision_width"],
            "num_hidden_layers": hp["vision_layers"],
            "num_attention_heads": hp["heads"],
            "image_size": IMAGE_SIZE,
            "patch_size": PATCH,
            "num_channels": 3,
        },
    })
    _write_json(os.path.join(folder, "generation_config.json"), dict(special))
    _write_json(os.path.join(folder, "preprocessor_config.json"), {**PREPROCESSOR, "processor_class": "LlavaProcessor"})
    # No CLS token in image_features, so no additional image tokens: 36 = (96/16)^2 exactly.
    _write_json(os.path.join(folder, "processor_config.json"), {
        "processor_class": "LlavaProcessor",
        "image_token": "<image>",
        "patch_size": PATCH,
        "num_additional_image_tokens": 0,
        "vision_feature_select_strategy": "full",
    })
    tok.save(folder, model_max_length=hp["max_positions"], chat_template=CHAT_TEMPLATE)
