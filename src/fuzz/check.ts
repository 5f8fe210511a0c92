/**
 * One fuzz case, run in-process: decode -> quality (VAD) -> embed (VAD -> MFCC -> model), and
 * the verdict. Allowed outcomes are a well-formed result or a VoxprintError with a user-facing
 * code; everything else is a violation:
 *
 * - `untyped`: something other than a VoxprintError was thrown, or one with code INTERNAL;
 * - `bad-result`: decoded audio or an embedding that breaks its contract (wrong rate or length,
 *   NaN, an embedding that is neither unit-length nor all zeros);
 * - `tensor-leak`: the case left tfjs tensors behind;
 * - `memory`: the process's peak RSS grew by more than the bound while the case ran (Linux: the
 *   peak is reset through /proc/self/clear_refs before each case and read from VmHWM after);
 *
 * and, decided by the runner on the main thread: `timeout` (over the time bound, worker
 * terminated) and `crash` (the worker died or threw asynchronously).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeAudioBytes, decodeAudioFile, TARGET_SAMPLE_RATE, type Audio } from '../audio/decode';
import { assessQuality } from '../audio/quality';
import { tf } from '../backend';
import { VoxprintError } from '../errors';
import type { Embedder } from '../model/embedder';
import type { FuzzCase } from './cases';

export const VIOLATIONS = ['untyped', 'bad-result', 'tensor-leak', 'memory', 'timeout', 'crash'] as const;
export type Violation = (typeof VIOLATIONS)[number];

export interface CaseResult {
  id: string;
  kind: string;
  format: string;
  seedName: string;
  detail: string;
  inputBytes: number;
  /** 'ok' (embedded), 'ok-zero' (embedded to the all-zero vector), 'typed:CODE', or a violation. */
  outcome: string;
  violation?: Violation;
  /** Which step ended the case: decode, quality, embed, done. */
  stage: string;
  message?: string;
  ms: number;
  /** Peak RSS growth during the case, MiB (undefined where VmHWM cannot be reset). */
  peakMiB?: number;
  durationSec?: number;
  /** Lines the libraries printed to the console during the case. */
  consoleLines?: number;
}

// ---- peak memory -------------------------------------------------------------------------------

let canResetPeak: boolean | undefined;

function vm(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Resets the process's peak-RSS mark; false where that is not possible (non-Linux, old kernels). */
export function resetPeak(): boolean {
  if (canResetPeak === false) return false;
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    canResetPeak = Number.isFinite(vm('VmHWM'));
  } catch {
    canResetPeak = false;
  }
  return canResetPeak;
}

/** Bytes the peak RSS rose above `base` since the last reset. */
export function peakGrowth(base: number): number {
  return Math.max(0, vm('VmHWM') - base);
}

export function currentRss(): number {
  return canResetPeak ? vm('VmRSS') : process.memoryUsage().rss;
}

// ---- one case ------------------------------------------------------------------------------------

/**
 * Faults the harness's own tests inject into a case, to prove that each kind of violation is
 * caught: an untyped throw, a busy loop, a 384 MiB allocation, a leaked tensor, an asynchronous
 * throw after the verdict, and the worker exiting.
 */
export type Fault = 'throw' | 'hang' | 'alloc' | 'leak' | 'async-throw' | 'exit';

export interface CheckOptions {
  embedder: Embedder;
  fault?: Fault;
  /** Violation when the peak RSS grows more than this during one case. */
  maxPeakMiB: number;
  /** Folder for the cases decoded through a file. */
  tmpDir?: string;
}

function checkAudio(a: Audio): string | undefined {
  if (!(a.samples instanceof Float32Array)) return 'samples are not a Float32Array';
  if (a.sampleRate !== TARGET_SAMPLE_RATE) return `sample rate ${a.sampleRate}`;
  if (a.samples.length === 0) return 'no samples but no error';
  if (Math.abs(a.durationSec - a.samples.length / TARGET_SAMPLE_RATE) > 1e-6) return 'durationSec disagrees with the samples';
  for (let i = 0; i < a.samples.length; i++) if (!Number.isFinite(a.samples[i])) return `non-finite sample at ${i}`;
  return undefined;
}

/** 'ok', 'ok-zero', or what is wrong with the embedding. */
function checkEmbedding(e: Float32Array, dim: number): { ok: boolean; outcome: string; why?: string } {
  if (!(e instanceof Float32Array) || e.length !== dim) return { ok: false, outcome: 'bad', why: `embedding of length ${e?.length}, expected ${dim}` };
  let n = 0;
  for (let i = 0; i < e.length; i++) {
    if (!Number.isFinite(e[i])) return { ok: false, outcome: 'bad', why: 'non-finite embedding' };
    n += e[i] * e[i];
  }
  if (n === 0) return { ok: true, outcome: 'ok-zero' };
  if (Math.abs(Math.sqrt(n) - 1) > 1e-3) return { ok: false, outcome: 'bad', why: `embedding norm ${Math.sqrt(n)}` };
  return { ok: true, outcome: 'ok' };
}

/** The temporary file of a case decoded through a file (the runner removes it after a hang). */
export function caseFile(id: string, tmpDir?: string): string {
  return path.join(tmpDir ?? os.tmpdir(), `vp-fuzz-${process.pid}-${id}.bin`);
}

/** Runs one case to its verdict. Never throws (except for harness bugs, which the runner reports as crashes). */
export async function runCase(c: FuzzCase, opts: CheckOptions): Promise<CaseResult> {
  const base: Omit<CaseResult, 'outcome' | 'stage' | 'ms'> = {
    id: c.id,
    kind: c.kind,
    format: c.format,
    seedName: c.seedName,
    detail: c.detail,
    inputBytes: c.bytes.length,
  };
  let file: string | undefined;
  if (c.viaFile) {
    file = caseFile(c.id, opts.tmpDir);
    fs.writeFileSync(file, c.bytes);
  }
  const tensorsBefore = tf.memory().numTensors;
  const measured = resetPeak();
  const rssBase = currentRss();
  const t0 = performance.now();
  let stage = 'decode';
  let r: Pick<CaseResult, 'outcome' | 'violation' | 'message' | 'durationSec'>;
  try {
    if (opts.fault) injectFault(opts.fault);
    const audio = file ? await decodeAudioFile(file) : await decodeAudioBytes(c.bytes, { name: `case-${c.id}` });
    const bad = checkAudio(audio);
    if (bad) throw new BadResult(bad);
    stage = 'quality';
    assessQuality(audio.samples);
    stage = 'embed';
    const e = opts.embedder.embedSamples(audio.samples);
    const v = checkEmbedding(e, opts.embedder.dim);
    if (!v.ok) throw new BadResult(v.why!);
    stage = 'done';
    r = { outcome: v.outcome, durationSec: audio.durationSec };
  } catch (e) {
    if (e instanceof BadResult) r = { outcome: 'bad-result', violation: 'bad-result', message: e.message };
    else if (e instanceof VoxprintError && e.code !== 'INTERNAL') r = { outcome: `typed:${e.code}`, message: e.message };
    else {
      const err = e as Error;
      r = { outcome: 'untyped', violation: 'untyped', message: `${err?.name ?? typeof e}: ${err?.message ?? String(e)}`.slice(0, 500) };
    }
  } finally {
    if (file) fs.rmSync(file, { force: true });
  }
  const ms = performance.now() - t0;
  const peakMiB = measured ? peakGrowth(rssBase) / 2 ** 20 : undefined;
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (!r.violation && leaked !== 0) r = { ...r, outcome: 'tensor-leak', violation: 'tensor-leak', message: `${leaked} tensors left behind (${r.outcome})` };
  if (!r.violation && peakMiB !== undefined && peakMiB > opts.maxPeakMiB)
    r = { ...r, outcome: 'memory', violation: 'memory', message: `peak RSS grew ${peakMiB.toFixed(0)} MiB (> ${opts.maxPeakMiB}) (${r.outcome})` };
  return { ...base, ...r, stage, ms, peakMiB };
}

class BadResult extends Error {}

function injectFault(f: Fault): void {
  switch (f) {
    case 'throw':
      throw new TypeError('injected untyped error');
    case 'hang':
      for (;;) {
        /* busy: only terminating the worker ends this */
      }
    case 'alloc':
      new Uint8Array(384 * 2 ** 20).fill(1);
      return;
    case 'leak':
      tf.scalar(1);
      return;
    case 'async-throw':
      setTimeout(() => {
        throw new Error('injected asynchronous error');
      }, 0);
      return;
    case 'exit':
      process.exit(7);
  }
}
