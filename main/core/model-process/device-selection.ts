// Which inference devices to try on this platform, best first; CPU always works and comes last.
// See [Note: device fallback] in model-worker.ts.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DeviceType } from '@huggingface/transformers';

/** Devices onnxruntime-node accepts per platform (transformers.js names). */
export function candidateDevices(preferred: string, platform: NodeJS.Platform = process.platform): DeviceType[] {
  const byPlatform: Record<string, DeviceType[]> = {
    linux: ['cuda', 'webgpu', 'cpu'],
    win32: ['dml', 'webgpu', 'cpu'],
    darwin: ['coreml', 'webgpu', 'cpu'],
  };
  const all = byPlatform[platform] ?? ['cpu'];
  if (preferred === 'auto') return all;
  if (preferred === 'cpu') return ['cpu'];
  const chosen = all.find((d) => d === preferred);
  if (!chosen) throw new Error(`The device "${preferred}" is not available on ${platform}; choose one of: auto, ${all.join(', ')}.`);
  return [chosen, 'cpu'];
}

/** Sensible intra-op thread count: leave a core for the UI and decoding on small machines. */
export function defaultThreadCount(cpuCount: number): number {
  return Math.max(1, cpuCount <= 2 ? cpuCount : cpuCount - 1);
}

/** Whether onnxruntime-node's CUDA provider library is installed (`npm run gpu:cuda` adds it; Linux x64 only). */
export function cudaProviderInstalled(platform: NodeJS.Platform = process.platform, arch: string = process.arch): boolean {
  try {
    const dist = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
    return existsSync(path.join(dist, '..', 'bin', 'napi-v6', platform, arch, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/**
 * Why a device was skipped, in words a user can act on (the raw onnxruntime message is kept for the
 * JSON output and bug reports). See [Note: device fallback] in model-worker.ts.
 */
export function explainDeviceFallback(device: string, reason: string, cudaInstalled = cudaProviderInstalled()): string {
  if (device === 'cuda') {
    if (/no CUDA-capable device|cudaErrorNoDevice|CUDA driver version is insufficient/i.test(reason)) return 'no usable NVIDIA GPU or driver was found';
    if (/Failed to load shared library|cannot open shared object|libcudnn|libcublas|libcudart/i.test(reason)) {
      return cudaInstalled
        ? "onnxruntime's CUDA provider is installed but CUDA 12 or cuDNN 9 libraries were not found (install them, or add them to LD_LIBRARY_PATH)"
        : "onnxruntime's CUDA provider is not installed (Linux x64 with an NVIDIA GPU: run `npm run gpu:cuda`; it needs CUDA 12 and cuDNN 9)";
    }
  }
  if (device === 'webgpu' && /WebGPU adapter|No supported adapters/i.test(reason)) return 'no WebGPU adapter on this machine (a GPU driver with Vulkan, Metal or Direct3D 12 is needed)';
  // Otherwise the useful part of onnxruntime's message, without its source-file prefix.
  const failed = reason.lastIndexOf('Failed to');
  const text = (failed >= 0 ? reason.slice(failed) : reason.replace(/^\S+\.(cc|cpp|h):\d+\s+/, '')).trim();
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
