"""Exports a RANDOM-weight CLIP with ViT-B/32's dimensions (vision: 224 px, patch 32, width 768, 12 layers;
text: width 512, 12 layers; 512-d embeddings) in the same Hub layout as the toy CLIP, so `npm run bench`
can measure compute like a real model's. It understands nothing and is never committed.

Usage: /usr/bin/python3 models/training/export_random_vitb32.py OUT_DIR TOKENIZER_SOURCE_DIR
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys

import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, dim * 3)
        self.out = nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * 4), nn.GELU(), nn.Linear(dim * 4, dim))

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(d // self.heads)
        if mask is not None:
            att = att + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.out(y)
        return x + self.mlp(self.ln2(x))


class Vision(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, 768, 32, 32, bias=False)
        self.cls = nn.Parameter(torch.randn(1, 1, 768) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, 50, 768) * 0.02)
        self.pre = nn.LayerNorm(768)
        self.blocks = nn.ModuleList(Block(768, 12) for _ in range(12))
        self.post = nn.LayerNorm(768)
        self.proj = nn.Linear(768, 512, bias=False)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1) + self.pos
        x = self.pre(x)
        for block in self.blocks:
            x = block(x)
        return self.proj(self.post(x[:, 0]))


class Text(nn.Module):
    def __init__(self, vocab: int):
        super().__init__()
        self.tok = nn.Embedding(vocab, 512)
        self.pos = nn.Parameter(torch.randn(1, 77, 512) * 0.01)
        self.blocks = nn.ModuleList(Block(512, 8) for _ in range(12))
        self.ln = nn.LayerNorm(512)
        self.proj = nn.Linear(512, 512, bias=False)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        t = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:, :t]
        mask = torch.full((t, t), float('-inf')).triu(1)
        for block in self.blocks:
            x = block(x, mask)
        x = self.ln(x)
        eos = input_ids.argmax(-1)
        return self.proj(x[torch.arange(x.shape[0]), eos])


def main() -> None:
    out, tokenizer_dir = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    os.makedirs(os.path.join(out, 'onnx'), exist_ok=True)
    for name in ('tokenizer.json', 'tokenizer_config.json', 'config.json'):
        shutil.copy(os.path.join(tokenizer_dir, name), os.path.join(out, name))
    with open(os.path.join(tokenizer_dir, 'preprocessor_config.json')) as f:
        pre = json.load(f)
    pre.update({'size': {'shortest_edge': 224}, 'crop_size': {'height': 224, 'width': 224}, 'resample': 3})
    with open(os.path.join(out, 'preprocessor_config.json'), 'w') as f:
        json.dump(pre, f, indent=2)
    vocab = len(json.load(open(os.path.join(tokenizer_dir, 'tokenizer.json')))['model']['vocab']) + 8
    with torch.no_grad():
        torch.onnx.export(Vision().eval(), (torch.randn(1, 3, 224, 224),), os.path.join(out, 'onnx', 'vision_model.onnx'),
                          input_names=['pixel_values'], output_names=['image_embeds'],
                          dynamic_axes={'pixel_values': {0: 'batch_size'}, 'image_embeds': {0: 'batch_size'}}, opset_version=14)
        torch.onnx.export(Text(vocab).eval(), (torch.ones(1, 8, dtype=torch.long),), os.path.join(out, 'onnx', 'text_model.onnx'),
                          input_names=['input_ids'], output_names=['text_embeds'],
                          dynamic_axes={'input_ids': {0: 'batch_size', 1: 'sequence_length'}, 'text_embeds': {0: 'batch_size'}}, opset_version=14)
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
