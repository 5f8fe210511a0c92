/**
 * Live scoring speed: CPU per 0.5 s of new audio pushed into a LiveVerifySession
 * (streaming VAD + incremental MFCC + one window embedding + scoring), and the time from the last
 * chunk to the final decision (that chunk's push plus `end()`). Streams are real LibriSpeech
 * speech with its pauses, fed in 0.5 s chunks; their lengths differ by 0.13 s so the final
 * window falls at different offsets.
 */
import { LiveVerifySession } from '../live/session';
import { SAMPLE_RATE } from '../features/front-end';
import type { Embedder } from '../model/embedder';
import { cosine } from '../speakers/scoring';
import { sig, summarize } from './measure';

export const LIVE_TARGETS = { updateCpuMsPer05s: 5, finalMs: 50 } as const;
const CHUNK = 8000; // 0.5 s at 16 kHz

export interface LiveFigures {
  /** Median CPU ms per push of 0.5 s of new audio (every push of every stream). */
  updateCpuMsPer05s: number;
  updateCpuMsPer05sP95: number;
  updateWallMsPer05s: number;
  /** Median wall ms from the last chunk's arrival to the final decision; CPU beside it. */
  finalMs: number;
  finalCpuMs: number;
  finalMsP95: number;
  streams: number;
  pushes: number;
  targets: Record<keyof typeof LIVE_TARGETS, { value: number; target: number; met: boolean }>;
}

export function benchLive(embedder: Embedder, audio: Float32Array, runs: number): LiveFigures {
  const target = new Float32Array(embedder.dim).fill(1 / Math.sqrt(embedder.dim));
  const score = (e: Float32Array) => {
    const s = cosine(e, target);
    return { score: s, threshold: 0.5, accepted: s >= 0.5 };
  };
  const pushWall: number[] = [];
  const pushCpu: number[] = [];
  const finWall: number[] = [];
  const finCpu: number[] = [];
  for (let r = -1; r < runs; r++) {
    const n = Math.min(audio.length, audio.length - (r + 1) * Math.round(0.13 * SAMPLE_RATE));
    const x = audio.subarray(0, n);
    const s = new LiveVerifySession(embedder, score);
    let at = 0;
    for (; at + CHUNK < x.length; at += CHUNK) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      s.push(x.subarray(at, at + CHUNK));
      const w = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (r >= 0) {
        pushWall.push(w);
        pushCpu.push((c.user + c.system) / 1000);
      }
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    s.push(x.subarray(at));
    const last = s.end();
    const w = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (!last?.decision) throw new Error('live bench: the stream ended without a decision');
    if (r >= 0) {
      finWall.push(w);
      finCpu.push((c.user + c.system) / 1000);
    }
  }
  const p = summarize(pushWall, pushCpu);
  const f = summarize(finWall, finCpu);
  const r3 = (v: number) => sig(v, 3);
  return {
    updateCpuMsPer05s: r3(p.cpuMedian),
    updateCpuMsPer05sP95: r3(p.cpuP95),
    updateWallMsPer05s: r3(p.median),
    finalMs: r3(f.median),
    finalCpuMs: r3(f.cpuMedian),
    finalMsP95: r3(f.p95),
    streams: runs,
    pushes: p.runs,
    targets: {
      updateCpuMsPer05s: { value: r3(p.cpuMedian), target: LIVE_TARGETS.updateCpuMsPer05s, met: p.cpuMedian <= LIVE_TARGETS.updateCpuMsPer05s },
      finalMs: { value: r3(f.median), target: LIVE_TARGETS.finalMs, met: f.median <= LIVE_TARGETS.finalMs },
    },
  };
}
