// `npm run bench:model`: writes a RANDOM-weight CLIP with ViT-B/32's dimensions as ONNX, in plain TypeScript (no torch).
// Vision: 224 px, patch 32, width 768, 12 layers of 12 heads, 512-d projection; text: width 512, 12 layers
// of 8 heads. Same Hub layout as the toy CLIP, so `npm run bench` measures compute like a real model's.
// It understands nothing and is never committed (models/training/.work/ is ignored). Two simplifications
// that do not change the compute to speak of: the image is pooled by the mean of its 49 patch tokens (no
// class token: 49 tokens instead of 50), the text by the mean of its tokens (no causal mask, no EOS pick).
// Usage: node bin/run-ts.js models/training/export-random-vitb32.ts OUT_DIR TOKENIZER_SOURCE_DIR
import fs from 'node:fs';
import path from 'node:path';

// ---- A minimal protobuf writer for the ONNX messages used here (field numbers from onnx.proto). ----
type Field = Buffer;
function varint(value: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return Buffer.from(out);
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number | bigint): Field => Buffer.concat([key(field, 0), varint(value)]);
const bytes = (field: number, value: Buffer | string): Field => {
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([key(field, 2), varint(data.length), data]);
};
const float = (field: number, value: number): Field => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return Buffer.concat([key(field, 5), b]);
};
const message = (field: number, parts: Field[]): Field => bytes(field, Buffer.concat(parts));

const FLOAT = 1;
const INT64 = 7;
type Attr = { ints: number[] } | { int: number } | { float: number };
function attribute(name: string, value: Attr): Field[] {
  if ('ints' in value) return [bytes(1, name), ...value.ints.map((v) => int(8, v)), int(20, 7)];
  if ('int' in value) return [bytes(1, name), int(3, value.int), int(20, 2)];
  return [bytes(1, name), float(2, value.float), int(20, 1)];
}

class Graph {
  readonly nodes: Field[] = [];
  readonly initializers: Field[] = [];
  private next = 0;
  private seed = 12345;

  /** A node; returns its output name. */
  op(type: string, inputs: string[], attrs: Record<string, Attr> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, () => `t${this.next++}`);
    this.nodes.push(message(1, [...inputs.map((i) => bytes(1, i)), ...names.map((o) => bytes(2, o)), bytes(3, `n${this.next}`), bytes(4, type), ...Object.entries(attrs).map(([k, v]) => message(5, attribute(k, v)))]));
    return names;
  }
  one(type: string, inputs: string[], attrs: Record<string, Attr> = {}): string {
    return this.op(type, inputs, attrs)[0]!;
  }

  private tensor(dims: number[], type: number, raw: Buffer): string {
    const name = `w${this.next++}`;
    this.initializers.push(message(5, [...dims.map((d) => int(1, d)), int(2, type), bytes(8, name), bytes(9, raw)]));
    return name;
  }
  /** Random normal-ish weights (scaled), deterministic. */
  weight(dims: number[], scale: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
      data[i] = ((this.seed / 2 ** 32) * 2 - 1) * scale;
    }
    return this.tensor(dims, FLOAT, Buffer.from(data.buffer));
  }
  constant(dims: number[], value: number): string {
    return this.tensor(dims, FLOAT, Buffer.from(new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value).buffer));
  }
  ints(values: number[]): string {
    return this.tensor([values.length], INT64, Buffer.from(BigInt64Array.from(values.map(BigInt)).buffer));
  }

  linear(x: string, inDim: number, outDim: number, bias = true): string {
    const y = this.one('MatMul', [x, this.weight([inDim, outDim], 1 / Math.sqrt(inDim))]);
    return bias ? this.one('Add', [y, this.constant([outDim], 0)]) : y;
  }
  layerNorm(x: string, dim: number): string {
    return this.one('LayerNormalization', [x, this.constant([dim], 1), this.constant([dim], 0)], { axis: { int: -1 }, epsilon: { float: 1e-5 } });
  }
  /** A pre-norm transformer block over [B, T, dim]. */
  block(x: string, dim: number, heads: number): string {
    const dh = dim / heads;
    const qkv = this.linear(this.layerNorm(x, dim), dim, 3 * dim);
    const split = this.one('Transpose', [this.one('Reshape', [qkv, this.ints([0, 0, 3, heads, dh])])], { perm: { ints: [2, 0, 3, 1, 4] } });
    const [q, k, v] = this.op('Split', [split, this.ints([1, 1, 1])], { axis: { int: 0 } }, 3).map((t) => this.one('Squeeze', [t, this.ints([0])]));
    const scores = this.one('Mul', [this.one('MatMul', [q!, this.one('Transpose', [k!], { perm: { ints: [0, 1, 3, 2] } })]), this.constant([], 1 / Math.sqrt(dh))]);
    const attended = this.one('MatMul', [this.one('Softmax', [scores], { axis: { int: -1 } }), v!]);
    const merged = this.one('Reshape', [this.one('Transpose', [attended], { perm: { ints: [0, 2, 1, 3] } }), this.ints([0, 0, dim])]);
    const h = this.one('Add', [x, this.linear(merged, dim, dim)]);
    const up = this.linear(this.layerNorm(h, dim), dim, 4 * dim);
    // GELU as x·sigmoid(1.702x) (opset 17 has no Gelu op).
    const gelu = this.one('Mul', [up, this.one('Sigmoid', [this.one('Mul', [up, this.constant([], 1.702)])])]);
    return this.one('Add', [h, this.linear(gelu, 4 * dim, dim)]);
  }

  write(file: string, input: { name: string; type: number; dims: Array<number | string> }, output: { name: string; from: string; dims: Array<number | string> }): void {
    this.nodes.push(message(1, [bytes(1, output.from), bytes(2, output.name), bytes(3, 'output'), bytes(4, 'Identity')]));
    const valueInfo = (field: number, v: { name: string; type: number; dims: Array<number | string> }) =>
      message(field, [bytes(1, v.name), message(2, [message(1, [int(1, v.type), message(2, v.dims.map((d) => message(1, [typeof d === 'number' ? int(1, d) : bytes(2, d)])))])])]);
    const graph = message(7, [...this.nodes, bytes(2, 'g'), ...this.initializers, valueInfo(11, input), valueInfo(12, { name: output.name, type: FLOAT, dims: output.dims })]);
    const model = Buffer.concat([int(1, 8), bytes(2, 'photobind-random-vitb32'), graph, message(8, [bytes(1, ''), int(2, 17)])]);
    fs.writeFileSync(file, model);
  }
}

function visionModel(file: string): void {
  const g = new Graph();
  const patches = g.one('Conv', ['pixel_values', g.weight([768, 3, 32, 32], 1 / Math.sqrt(3 * 32 * 32))], { strides: { ints: [32, 32] }, kernel_shape: { ints: [32, 32] } });
  let x = g.one('Transpose', [g.one('Reshape', [patches, g.ints([0, 768, 49])])], { perm: { ints: [0, 2, 1] } });
  x = g.layerNorm(g.one('Add', [x, g.weight([1, 49, 768], 0.02)]), 768);
  for (let i = 0; i < 12; i++) x = g.block(x, 768, 12);
  const pooled = g.layerNorm(g.one('ReduceMean', [x], { axes: { ints: [1] }, keepdims: { int: 0 } }), 768);
  g.write(file, { name: 'pixel_values', type: FLOAT, dims: ['batch_size', 3, 224, 224] }, { name: 'image_embeds', from: g.linear(pooled, 768, 512, false), dims: ['batch_size', 512] });
}

function textModel(file: string, vocab: number): void {
  const g = new Graph();
  let x = g.one('Gather', [g.weight([vocab, 512], 0.02), 'input_ids']);
  for (let i = 0; i < 12; i++) x = g.block(x, 512, 8);
  const pooled = g.layerNorm(g.one('ReduceMean', [x], { axes: { ints: [1] }, keepdims: { int: 0 } }), 512);
  g.write(file, { name: 'input_ids', type: INT64, dims: ['batch_size', 'sequence_length'] }, { name: 'text_embeds', from: g.linear(pooled, 512, 512, false), dims: ['batch_size', 512] });
}

const [out, tokenizerDir] = process.argv.slice(2);
if (!out || !tokenizerDir) {
  console.error('Usage: node bin/run-ts.js models/training/export-random-vitb32.ts OUT_DIR TOKENIZER_SOURCE_DIR');
  process.exit(2);
}
fs.mkdirSync(path.join(out, 'onnx'), { recursive: true });
for (const name of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
  if (fs.existsSync(path.join(tokenizerDir, name))) fs.copyFileSync(path.join(tokenizerDir, name), path.join(out, name));
}
const config = JSON.parse(fs.readFileSync(path.join(tokenizerDir, 'config.json'), 'utf8')) as { projection_dim: number; text_config: Record<string, unknown>; vision_config: Record<string, unknown> };
config.projection_dim = 512;
config.text_config = { ...config.text_config, hidden_size: 512, intermediate_size: 2048, num_hidden_layers: 12, num_attention_heads: 8, projection_dim: 512 };
config.vision_config = { ...config.vision_config, hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12, num_attention_heads: 12, image_size: 224, patch_size: 32, projection_dim: 512 };
fs.writeFileSync(path.join(out, 'config.json'), JSON.stringify(config, null, 2));
const pre = JSON.parse(fs.readFileSync(path.join(tokenizerDir, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;
Object.assign(pre, { size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 }, resample: 3 });
fs.writeFileSync(path.join(out, 'preprocessor_config.json'), JSON.stringify(pre, null, 2));
const vocab = Object.keys((JSON.parse(fs.readFileSync(path.join(tokenizerDir, 'tokenizer.json'), 'utf8')) as { model: { vocab: object } }).model.vocab).length + 8;
visionModel(path.join(out, 'onnx', 'vision_model.onnx'));
textModel(path.join(out, 'onnx', 'text_model.onnx'), vocab);
console.log(`wrote ${out}`);
