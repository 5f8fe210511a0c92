/**
 * Timing helpers for `npm run bench`: warm-up, then repeated runs summarised by the median and the
 * spread. Each run records wall time and the process CPU time (user + system). The code measured
 * here is single-threaded (JS, and tfjs-wasm without threads in Node), so on a crowded machine
 * the CPU time is the steadier estimate of "time on one core"; wall time is kept beside it.
 */
import * as os from 'node:os';

export interface Timing {
  /** Median wall-clock ms. */
  median: number;
  p95: number;
  min: number;
  max: number;
  /** Median CPU ms (user + system) of this process. */
  cpuMedian: number;
  cpuP95: number;
  runs: number;
}

/** The value at quantile q (0..1) of an ascending-sorted array (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function summarize(wall: number[], cpu: number[]): Timing {
  const w = [...wall].sort((a, b) => a - b);
  const c = [...cpu].sort((a, b) => a - b);
  return {
    median: quantile(w, 0.5),
    p95: quantile(w, 0.95),
    min: w[0],
    max: w[w.length - 1],
    cpuMedian: quantile(c, 0.5),
    cpuP95: quantile(c, 0.95),
    runs: w.length,
  };
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times measured. */
export async function measure(runs: number, fn: () => unknown, warmup = 1): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return summarize(wall, cpu);
}

/** Divides every time in a Timing by `by` (e.g. audio seconds, or utterances). */
export function scaleTiming(t: Timing, by: number): Timing {
  const d = (v: number) => v / by;
  return { median: d(t.median), p95: d(t.p95), min: d(t.min), max: d(t.max), cpuMedian: d(t.cpuMedian), cpuP95: d(t.cpuP95), runs: t.runs };
}

/** Rounds to `digits` significant digits (figures are printed and stored rounded). */
export function sig(v: number, digits = 3): number {
  if (!Number.isFinite(v) || v === 0) return v;
  return Number(v.toPrecision(digits));
}

export function roundTiming(t: Timing): Timing {
  return { median: sig(t.median), p95: sig(t.p95), min: sig(t.min), max: sig(t.max), cpuMedian: sig(t.cpuMedian), cpuP95: sig(t.cpuP95), runs: t.runs };
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  /** 1-minute load average when the bench started and ended. */
  loadStart: number;
  loadEnd?: number;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: os.cpus().length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadStart: sig(os.loadavg()[0]),
  };
}

export function loadAverage(): number {
  return sig(os.loadavg()[0]);
}
