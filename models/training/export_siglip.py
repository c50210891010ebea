"""Writes the trained toy SigLIP as a Hub-layout folder that transformers.js 4.3.1 loads with SiglipTextModel /
SiglipVisionModel / AutoTokenizer / AutoProcessor, as the product's search loader does (the layout of
onnx-community/siglip2-* exports). The other families' exporters are in export_onnx.py."""

from __future__ import annotations

import os

import torch

from bpe_tokenizer import ByteBPE
from export_onnx import CLIP_MEAN, CLIP_STD, _dummy_pixels, _export, _fresh, _write_json
from modules import IMAGE_SIZE, PATCH, SiglipText, SiglipVision

# toy-siglip's preprocessor: a real SiglipImageProcessor config, as SigLIP 2's (the whole photo squashed to a
# square, no crop), with Lanczos rather than bilinear for the reason in [Note: toy image preprocessing]
# (export_onnx.py) and CLIP's mean/std, which the locked image tower it reuses was trained with.
# transformers.js' SiglipImageProcessor is its generic ImageProcessor: size {height, width} resizes to exactly
# that. train_siglip.py trains on the pixels this config makes (prepare-pixels.ts), not on toy-clip's.
SIGLIP_PREPROCESSOR = {
    "image_processor_type": "SiglipImageProcessor",
    "processor_class": "SiglipProcessor",
    "do_convert_rgb": True,
    "do_resize": True,
    "size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
    "resample": 1,
    "do_rescale": True,
    "rescale_factor": 1 / 255,
    "do_normalize": True,
    "image_mean": CLIP_MEAN,
    "image_std": CLIP_STD,
}


def export_siglip(vision: SiglipVision, text: SiglipText, tok: ByteBPE, folder: str, hp: dict) -> None:
    """onnx/text_model.onnx: input_ids -> last_hidden_state, pooler_output; onnx/vision_model.onnx:
    pixel_values -> last_hidden_state, pooler_output (as a Hub SigLIP export: no attention_mask input)."""
    onnx_dir = _fresh(folder)
    ids = torch.full((2, hp["max_len"]), tok.pad_id)
    ids[:, :4] = torch.tensor([[300, 301, tok.eos_id, tok.pad_id], [302, 303, 304, tok.eos_id]])
    _export(text, (ids,), os.path.join(onnx_dir, "text_model.onnx"), ["input_ids"], ["last_hidden_state", "pooler_output"],
            {"input_ids": {0: "batch_size", 1: "sequence_length"},
             "last_hidden_state": {0: "batch_size", 1: "sequence_length"}, "pooler_output": {0: "batch_size"}})
    _export(vision, (_dummy_pixels(),), os.path.join(onnx_dir, "vision_model.onnx"), ["pixel_values"],
            ["last_hidden_state", "pooler_output"],
            {"pixel_values": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}, "pooler_output": {0: "batch_size"}})
    width = hp["width"]
    _write_json(os.path.join(folder, "config.json"), {
        "model_type": "siglip",
        "architectures": ["SiglipModel"],
        "initializer_factor": 1.0,
        "text_config": {
            "model_type": "siglip_text_model",
            "vocab_size": len(tok),
            "hidden_size": width,
            "projection_size": width,
            "intermediate_size": hp["text_mlp"] * width,
            "num_hidden_layers": hp["text_layers"],
            "num_attention_heads": hp["heads"],
            "max_position_embeddings": hp["max_len"],
            "hidden_act": "gelu",
            "layer_norm_eps": 1e-5,
            "pad_token_id": tok.pad_id,
            "eos_token_id": tok.eos_id,
        },
        "vision_config": {
            "model_type": "siglip_vision_model",
            "hidden_size": width,
            "intermediate_size": hp["map_mlp"] * width,
            "num_hidden_layers": hp["vision_layers"],
            "num_attention_heads": hp["heads"],
            "image_size": IMAGE_SIZE,
            "patch_size": PATCH,
            "num_channels": 3,
            "hidden_act": "gelu",
            "layer_norm_eps": 1e-5,
            "vision_use_head": True,
        },
    })
    _write_json(os.path.join(folder, "preprocessor_config.json"), dict(SIGLIP_PREPROCESSOR))
    tok.save(folder, model_max_length=hp["max_len"])
