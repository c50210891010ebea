"""Network pieces of the toy models: a small CNN trunk, transformer blocks (CLIP, GPT-2, Llama flavours).

Every forward here is written so that torch.onnx.export traces it into the graphs transformers.js expects:
sizes come from tensor shapes (never Python ints fixed at trace time) and the KV caches are concatenated
inside the graph, so a zero-length past works on the first step.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

IMAGE_SIZE = 96  # crop fed to every vision tower (preprocessor: shortest_edge = crop = 96)
GRID = 6  # trunk output is GRID x GRID tokens
PATCH = IMAGE_SIZE // GRID  # what the LLaVA processor calls patch_size (image tokens = (96/16)^2 = 36)
NORM = nn.BatchNorm2d
NEG = -1e9  # additive mask value (finite: a fully masked row must not turn into NaN)


def conv_bn(cin: int, cout: int, kernel: int = 3, stride: int = 1) -> nn.Sequential:
    pad = 0 if kernel == stride else kernel // 2
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride, pad, bias=False), NORM(cout), nn.GELU())


class Residual(nn.Module):
    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return x + self.inner(x)


class ConvTrunk(nn.Module):
    """96x96 RGB -> 36 tokens of `width` (stride 16), with a learned position embedding per cell.

    A 4x4 patch stem (as ConvNeXt) rather than stacked stride-2 3x3 convs: three times cheaper on CPU at
    the same accuracy for these flat-coloured scenes, which is what lets full retraining fit 2 cores."""

    def __init__(self, width: int = 128, chans: tuple[int, int] = (32, 64)):
        super().__init__()
        c1, c2 = chans
        self.net = nn.Sequential(
            conv_bn(3, c1, 4, 4),  # 24x24
            Residual(conv_bn(c1, c1)),
            conv_bn(c1, c2, 3, 2),  # 12x12
            Residual(conv_bn(c2, c2)),
            # 6x6; linear output (no norm/activation): a token squashed flat by GELU would make the next
            # LayerNorm divide by ~0 and blow up gradients
            nn.Conv2d(c2, width, 3, 2, 1),
        )
        self.pos = nn.Parameter(torch.zeros(1, GRID * GRID, width))
        nn.init.normal_(self.pos, std=0.02)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        f = self.net(pixel_values)
        return f.flatten(2).transpose(1, 2) + self.pos


class Attention(nn.Module):
    """Multi-head attention; `ctx` for cross-attention, `past` (k, v) concatenated before attending."""

    def __init__(self, dim: int, heads: int, ctx_dim: int | None = None):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(ctx_dim or dim, 2 * dim)
        self.o = nn.Linear(dim, dim)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], x.shape[1], self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, ctx=None, bias=None, past=None):
        q = self._split(self.q(x))
        k, v = self.kv(x if ctx is None else ctx).chunk(2, dim=-1)
        k, v = self._split(k), self._split(v)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.head_dim))
        if bias is not None:
            att = att + bias
        out = torch.matmul(att.softmax(dim=-1), v)
        out = out.transpose(1, 2).reshape(x.shape[0], x.shape[1], self.heads * self.head_dim)
        return self.o(out), (k, v)


class Block(nn.Module):
    """Pre-LN transformer block (CLIP / GPT-2 style), optionally with cross-attention to a context."""

    def __init__(self, dim: int, heads: int, ctx_dim: int | None = None, mlp: int = 4):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.cross = None
        if ctx_dim is not None:
            self.ln2 = nn.LayerNorm(dim)
            self.cross = Attention(dim, heads, ctx_dim)
        self.ln3 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp * dim), nn.GELU(), nn.Linear(mlp * dim, dim))

    def forward(self, x, bias=None, ctx=None, past=None):
        a, present = self.attn(self.ln1(x), bias=bias, past=past)
        x = x + a
        if self.cross is not None:
            x = x + self.cross(self.ln2(x), ctx=ctx)[0]
        x = x + self.mlp(self.ln3(x))
        return x, present


def causal_bias(q_len: torch.Tensor | int, past_len: torch.Tensor | int, device=None) -> torch.Tensor:
    """[q_len, past_len + q_len] additive mask: query i (absolute past_len + i) sees keys <= itself."""
    qi = torch.arange(q_len, device=device) + past_len
    kj = torch.arange(past_len + q_len, device=device)
    return (kj[None, :] > qi[:, None]).float() * NEG


class VisionTower(nn.Module):
    """CNN trunk + a few transformer layers over the 36 cell tokens (a hybrid ViT)."""

    def __init__(self, width: int = 128, layers: int = 2, heads: int = 4, mlp: int = 2):
        super().__init__()
        self.trunk = ConvTrunk(width)
        self.blocks = nn.ModuleList([Block(width, heads, mlp=mlp) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.trunk(pixel_values)
        for b in self.blocks:
            x = b(x)[0]
        return self.ln(x)


# ---- CLIP ----------------------------------------------------------------------------------------


class ClipVision(nn.Module):
    def __init__(self, width: int = 128, layers: int = 2, heads: int = 4, embed: int = 128, mlp: int = 2):
        super().__init__()
        self.tower = VisionTower(width, layers, heads, mlp)
        self.query = nn.Parameter(torch.randn(1, 1, width) * 0.02)
        self.pool = Attention(width, heads)
        self.proj = nn.Linear(width, embed, bias=False)

    def pooled(self, pixel_values: torch.Tensor) -> torch.Tensor:
        t = self.tower(pixel_values)
        q = self.query.expand(t.shape[0], -1, -1)
        return self.pool(q, ctx=t)[0][:, 0]

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.proj(self.pooled(pixel_values))


class ClipText(nn.Module):
    """Causal transformer; pools the first <|endoftext|> (the highest id, found with argmax as CLIP does)."""

    def __init__(self, vocab: int, width: int = 128, layers: int = 3, heads: int = 4, embed: int = 128,
                 max_len: int = 77, mlp: int = 2):
        super().__init__()
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(torch.randn(max_len, width) * 0.01)
        self.blocks = nn.ModuleList([Block(width, heads, mlp=mlp) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)
        self.proj = nn.Linear(width, embed, bias=False)
        nn.init.normal_(self.tok.weight, std=0.02)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        t = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:t]
        bias = causal_bias(t, 0, input_ids.device)
        for b in self.blocks:
            x = b(x, bias=bias)[0]
        x = self.ln(x)
        eos = input_ids.argmax(dim=-1)
        idx = eos[:, None, None].expand(-1, 1, x.shape[-1])
        return self.proj(x.gather(1, idx)[:, 0])


# ---- captioner (vision-encoder-decoder with a GPT-2 decoder) -------------------------------------


class CaptionEncoder(nn.Module):
    def __init__(self, width: int = 128, layers: int = 2, heads: int = 4):
        super().__init__()
        self.tower = VisionTower(width, layers, heads)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.tower(pixel_values)


class Gpt2Decoder(nn.Module):
    """GPT-2 with cross-attention (add_cross_attention); positions = past length + arange."""

    def __init__(self, vocab: int, n_embd: int = 128, n_layer: int = 2, n_head: int = 4, enc_dim: int = 128,
                 n_positions: int = 64):
        super().__init__()
        self.n_layer, self.n_head, self.head_dim = n_layer, n_head, n_embd // n_head
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(n_positions, n_embd)
        self.h = nn.ModuleList([Block(n_embd, n_head, ctx_dim=enc_dim) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        nn.init.normal_(self.wte.weight, std=0.02)
        nn.init.normal_(self.wpe.weight, std=0.01)

    def forward(self, input_ids, encoder_hidden_states, past=None):
        """past: list of (k, v) per layer or None. Returns logits and the list of presents."""
        t = input_ids.shape[1]
        past_len = past[0][0].shape[2] if past is not None else 0
        pos = torch.arange(t, device=input_ids.device) + past_len
        x = self.wte(input_ids) + self.wpe(pos)[None]
        bias = causal_bias(t, past_len, input_ids.device)
        presents = []
        for i, b in enumerate(self.h):
            x, pr = b(x, bias=bias, ctx=encoder_hidden_states, past=None if past is None else past[i])
            presents.append(pr)
        logits = F.linear(self.ln_f(x), self.wte.weight)  # tied head, as GPT-2
        return logits, presents


# ---- VQA (LLaVA: vision encoder + projector, Llama decoder) --------------------------------------


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


class LlamaAttention(nn.Module):
    def __init__(self, dim: int, heads: int, kv_heads: int):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, dim // heads
        self.q_proj = nn.Linear(dim, heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(dim, kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(dim, kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(heads * self.head_dim, dim, bias=False)

    def forward(self, x, cos, sin, bias, past=None):
        b, t = x.shape[0], x.shape[1]
        q = self.q_proj(x).reshape(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).reshape(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).reshape(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        present = (k, v)
        rep = self.heads // self.kv_heads
        if rep > 1:  # grouped-query attention; expand+reshape traces with dynamic sizes (repeat_interleave does not)
            k = k[:, :, None].expand(-1, -1, rep, -1, -1).reshape(b, self.heads, k.shape[2], self.head_dim)
            v = v[:, :, None].expand(-1, -1, rep, -1, -1).reshape(b, self.heads, v.shape[2], self.head_dim)
        att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.head_dim)) + bias
        out = torch.matmul(att.softmax(dim=-1), v).transpose(1, 2).reshape(b, t, self.heads * self.head_dim)
        return self.o_proj(out), present


class LlamaLayer(nn.Module):
    def __init__(self, dim: int, heads: int, kv_heads: int, ffn: int):
        super().__init__()
        self.input_layernorm = RMSNorm(dim)
        self.self_attn = LlamaAttention(dim, heads, kv_heads)
        self.post_attention_layernorm = RMSNorm(dim)
        self.gate_proj = nn.Linear(dim, ffn, bias=False)
        self.up_proj = nn.Linear(dim, ffn, bias=False)
        self.down_proj = nn.Linear(ffn, dim, bias=False)

    def forward(self, x, cos, sin, bias, past=None):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, bias, past)
        x = x + a
        h = self.post_attention_layernorm(x)
        x = x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))
        return x, present


class LlamaDecoder(nn.Module):
    """Llama decoder over inputs_embeds; attention_mask [B, past+T] (1 = attend), RoPE from position_ids."""

    def __init__(self, vocab: int, dim: int = 128, layers: int = 3, heads: int = 4, kv_heads: int = 4,
                 ffn: int = 384, rope_theta: float = 10000.0):
        super().__init__()
        self.dim, self.n_layers, self.heads, self.kv_heads = dim, layers, heads, kv_heads
        self.head_dim = dim // heads
        self.rope_theta = rope_theta
        self.embed_tokens = nn.Embedding(vocab, dim)
        self.layers = nn.ModuleList([LlamaLayer(dim, heads, kv_heads, ffn) for _ in range(layers)])
        self.norm = RMSNorm(dim)
        self.lm_head = nn.Linear(dim, vocab, bias=False)
        inv = 1.0 / (rope_theta ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)
        nn.init.normal_(self.embed_tokens.weight, std=0.02)

    def forward(self, inputs_embeds, attention_mask, position_ids, past=None):
        hidden, presents = self.hidden(inputs_embeds, attention_mask, position_ids, past)
        return self.lm_head(hidden), presents

    def hidden(self, inputs_embeds, attention_mask, position_ids, past=None):
        """Final-normed hidden states (training computes the head only where there is a target)."""
        t = inputs_embeds.shape[1]
        past_len = past[0][0].shape[2] if past is not None else 0
        freqs = position_ids.float()[:, :, None] * self.inv_freq[None, None, :]
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        causal = causal_bias(t, past_len, inputs_embeds.device)[None, None]
        pad = (attention_mask[:, None, None, :] <= 0).float() * NEG
        bias = causal + pad
        x = inputs_embeds
        presents = []
        for i, layer in enumerate(self.layers):
            x, pr = layer(x, cos, sin, bias, None if past is None else past[i])
            presents.append(pr)
        return self.norm(x), presents


class LlavaVision(nn.Module):
    """Vision tower + 2-layer MLP projector to the text width: image_features [B, 36, dim]."""

    def __init__(self, width: int = 128, layers: int = 2, heads: int = 4, text_dim: int = 128):
        super().__init__()
        self.tower = VisionTower(width, layers, heads)
        self.projector = nn.Sequential(nn.Linear(width, text_dim), nn.GELU(), nn.Linear(text_dim, text_dim))

    def forward(self, pixel_values):
        return self.projector(self.tower(pixel_values))


# ---- SigLIP (bidirectional text encoder pooled at the last position; image side: MAP head) -------


class SiglipText(nn.Module):
    """SigLIP's text tower: token + position embeddings, bidirectional (non-causal) pre-LN blocks with no
    attention mask, final LayerNorm; pooled = head(hidden state at the LAST position). Texts are padded to
    max_len, so the last position is a pad token that attends to the whole text."""

    def __init__(self, vocab: int, width: int = 96, layers: int = 2, heads: int = 4, max_len: int = 64, mlp: int = 2):
        super().__init__()
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(torch.randn(max_len, width) * 0.01)
        self.blocks = nn.ModuleList([Block(width, heads, mlp=mlp) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)
        self.head = nn.Linear(width, width)
        nn.init.normal_(self.tok.weight, std=0.02)

    def forward(self, input_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(last_hidden_state [B, T, width], pooler_output [B, width])."""
        x = self.tok(input_ids) + self.pos[:input_ids.shape[1]]
        for b in self.blocks:
            x = b(x)[0]
        x = self.ln(x)
        return x, self.head(x[:, -1])

    def pooled(self, input_ids: torch.Tensor) -> torch.Tensor:
        """forward()[1] for less work (training): the last block computes only the last position's output,
        whose keys and values still come from every position."""
        x = self.tok(input_ids) + self.pos[:input_ids.shape[1]]
        for b in self.blocks[:-1]:
            x = b(x)[0]
        last = self.blocks[-1]
        h = last.ln1(x)
        y = x[:, -1:] + last.attn(h[:, -1:], ctx=h)[0]
        y = y + last.mlp(last.ln3(y))
        return self.head(self.ln(y)[:, 0])


class MapHead(nn.Module):
    """SigLIP's multihead attention pooling: a learned probe attends to the tokens, then a residual MLP."""

    def __init__(self, width: int, heads: int, mlp: int = 4):
        super().__init__()
        self.probe = nn.Parameter(torch.randn(1, 1, width) * 0.02)
        self.attention = Attention(width, heads)
        self.layernorm = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, mlp * width), nn.GELU(), nn.Linear(mlp * width, width))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.attention(self.probe.expand(tokens.shape[0], -1, -1), ctx=tokens)[0]
        x = x + self.mlp(self.layernorm(x))
        return x[:, 0]


class SiglipVisionHead(nn.Module):
    """What LiT trains on top of a locked image tower: tokens -> linear projection to the model width ->
    post LayerNorm (= last_hidden_state) -> MAP head (= pooler_output)."""

    def __init__(self, tower_width: int = 128, width: int = 96, heads: int = 4, mlp: int = 4):
        super().__init__()
        self.proj = nn.Linear(tower_width, width)
        self.post_layernorm = nn.LayerNorm(width)
        self.head = MapHead(width, heads, mlp)

    def forward(self, tower_tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.post_layernorm(self.proj(tower_tokens))
        return x, self.head(x)


class SiglipVision(nn.Module):
    """The exported image side: locked tower + trained head; pixel_values -> (last_hidden_state, pooler_output)."""

    def __init__(self, tower: VisionTower, head: SiglipVisionHead):
        super().__init__()
        self.tower = tower
        self.head = head

    def forward(self, pixel_values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.head(self.tower(pixel_values))
