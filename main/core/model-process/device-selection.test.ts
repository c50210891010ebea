// Device fallback explanations, checked against the real failures of onnxruntime-node's providers on
// this machine (no CUDA provider installed, no WebGPU adapter), not made-up messages.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cudaProviderInstalled, explainDeviceFallback } from './device-selection.ts';

/** A 61-byte ONNX graph (one Relu), enough to make a provider start or fail. */
const RELU_ONNX = 'CAg6MwoMCgF4EgF5IgRSZWx1EgFnWg8KAXgSCgoICAESBAoCCAFiDwoBeRIKCggIARIECgIIAUIECgAQDg==';
let tmp: string;
let model: string;

async function failureOf(device: string): Promise<string | null> {
  try {
    await ort.InferenceSession.create(model, { executionProviders: [device], logSeverityLevel: 4 });
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? '';
  }
}

beforeAll(async () => {
  ort.env.logLevel = 'fatal'; // the failures are the point here: keep the native error log quiet
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-device-'));
  model = path.join(tmp, 'relu.onnx');
  await fs.writeFile(model, Buffer.from(RELU_ONNX, 'base64'));
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('explainDeviceFallback', () => {
  it.skipIf(process.platform !== 'linux' || cudaProviderInstalled())('CUDA without its provider says how to install it', async () => {
    const reason = await failureOf('cuda');
    expect(reason).not.toBeNull();
    expect(explainDeviceFallback('cuda', reason!, false)).toMatch(/CUDA provider is not installed .*`npm run gpu:cuda`.*CUDA 12 and cuDNN 9/);
    expect(explainDeviceFallback('cuda', reason!, true)).toMatch(/CUDA 12 or cuDNN 9 libraries were not found/);
  });

  it('WebGPU without an adapter says so in words, not a source-file path', async () => {
    const reason = await failureOf('webgpu');
    if (reason === null) return; // this machine has a WebGPU adapter: nothing to explain
    expect(explainDeviceFallback('webgpu', reason)).toBe('no WebGPU adapter on this machine (a GPU driver with Vulkan, Metal or Direct3D 12 is needed)');
  });

  it('other failures keep the useful part of the message, shortened', () => {
    expect(explainDeviceFallback('dml', '/onnxruntime_src/x/dml_provider.cc:12 DirectML device removed')).toBe('DirectML device removed');
    expect(explainDeviceFallback('coreml', `long context. Failed to compile the model ${'x'.repeat(300)}`)).toMatch(/^Failed to compile the model x+\.\.\.$/);
  });
});
