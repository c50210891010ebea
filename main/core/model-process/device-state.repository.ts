// The device the model process last started on, kept in the library so `photobind status` can report it without starting one.
// [Note: status without the model process]
// Which device really works (CUDA, WebGPU, CPU, with the reasons for each fallback) is only known by
// loading a model on it, which costs seconds. Every model process a writer starts (`index`, the app,
// `serve`; readers write nothing, see [Note: read-only library access]) records its report here;
// `photobind status` reads it (with when it was checked and for which device setting) and starts
// nothing. A library whose model process never ran says so instead of guessing.
import fs from 'node:fs/promises';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import type { DeviceReport } from './model-process.protocol.ts';

export interface DeviceState extends DeviceReport {
  /** The device setting the process was started with ('auto', 'cpu', 'cuda', ...). */
  requested: string;
  /** ISO time of the start that produced the report. */
  checkedAt: string;
}

export async function readDeviceState(file: string): Promise<DeviceState | null> {
  try {
    const state = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<DeviceState>;
    if (typeof state.device !== 'string' || typeof state.requested !== 'string' || typeof state.checkedAt !== 'string' || !Array.isArray(state.fallbacks)) return null;
    return { device: state.device, fallbacks: state.fallbacks, requested: state.requested, checkedAt: state.checkedAt };
  } catch {
    return null; // never written, or unreadable: status then says the device was not checked yet
  }
}

/** Records a model process's device report; a library on a read-only disk simply keeps none. */
export async function writeDeviceState(file: string, report: DeviceReport, requested: string): Promise<void> {
  const state: DeviceState = { device: report.device, fallbacks: report.fallbacks, requested, checkedAt: new Date().toISOString() };
  await writeFileAtomic(file, JSON.stringify(state, null, 1) + '\n', { sync: false }).catch(() => undefined);
}
