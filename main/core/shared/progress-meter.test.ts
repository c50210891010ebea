// The progress meter's rate follows the job's current speed and stays quiet until it has seen enough.
import { expect, it } from 'vitest';
import { ProgressMeter } from './progress-meter.ts';

it('does not promise a burst rate: no ETA until the window spans enough time, then the sliding-window rate', () => {
  let now = 0;
  const meter = new ProgressMeter(10_000, () => now);
  meter.record(0);
  now = 30;
  meter.record(70); // 70 reused photos in 30 ms
  expect(meter.rate()).toBe(0);
  expect(meter.eta(1000)).toBeNull();
  // Then the real work: 0.7 photos/s for a minute.
  for (let i = 1; i <= 60; i++) {
    now = 30 + i * 1000;
    meter.record(70 + Math.floor(i * 0.7));
  }
  expect(meter.rate()).toBeGreaterThan(0.5);
  expect(meter.rate()).toBeLessThan(0.9);
  const eta = meter.eta(100)!;
  expect(eta).toBeGreaterThan(100);
  expect(eta).toBeLessThan(200);
});

it('adds amounts for byte streams', () => {
  let now = 0;
  const meter = new ProgressMeter(5_000, () => now);
  meter.add(0);
  for (let i = 1; i <= 10; i++) {
    now = i * 500;
    meter.add(1000);
  }
  expect(meter.rate()).toBeCloseTo(2000, 0);
});

it('has no rate, not NaN, when every sample fell in the same millisecond (a download meter with no minimum span)', () => {
  const meter = new ProgressMeter(5_000, () => 1000, 0);
  meter.record(0);
  meter.add(4096);
  expect(meter.rate()).toBe(0);
  expect(meter.eta(10)).toBeNull();
});
