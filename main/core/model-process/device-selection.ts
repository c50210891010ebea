// Which inference devices to try on this platform, best first; CPU always works and comes last.
// See [Note: device fallback] in model-worker.ts.
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
