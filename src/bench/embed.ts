/**
 * Embedding speed on the backend in use: real-time factor (model time / audio time) of one 3 s
 * and one 30 s clip, and the throughput of a batch of 3 s clips through `embedBatch`. MFCCs are
 * computed beforehand: this is the embedder alone (window splice + model + mean + L2); the whole
 * pipeline is timed by the verify figures.
 */
import { computeMfcc, type Features } from '../features/mfcc';
import { SAMPLE_RATE } from '../features/front-end';
import type { Embedder } from '../model';
import { measure, type Timing } from './measure';

export interface EmbedFigures {
  /** CPU-time RTF (one core); `wall` holds the wall-clock RTF. */
  rtf3s: number;
  rtf30s: number;
  batchUttPerSec: number;
  batchSize: number;
  wall: { rtf3s: number; rtf30s: number; batchUttPerSec: number };
  timings: { clip3s: Timing; clip30s: Timing; batch: Timing };
}

export interface EmbedInputs {
  clip3s: Float32Array;
  clip30s: Float32Array;
  batch: Float32Array[];
}

export function featuresFor(e: Embedder, x: Float32Array): Features {
  return computeMfcc(x, e.featureConfig);
}

export async function benchEmbedding(e: Embedder, inputs: EmbedInputs, runs: number): Promise<EmbedFigures> {
  const f3 = featuresFor(e, inputs.clip3s);
  const f30 = featuresFor(e, inputs.clip30s);
  const fb = inputs.batch.map((x) => featuresFor(e, x));
  const sec3 = inputs.clip3s.length / SAMPLE_RATE;
  const sec30 = inputs.clip30s.length / SAMPLE_RATE;
  const clip3s = await measure(runs, () => e.embedFeatures(f3), 2);
  const clip30s = await measure(runs, () => e.embedFeatures(f30));
  const batch = await measure(Math.max(3, Math.ceil(runs / 2)), () => e.embedBatch(fb));
  const n = fb.length;
  return {
    rtf3s: clip3s.cpuMedian / 1000 / sec3,
    rtf30s: clip30s.cpuMedian / 1000 / sec30,
    batchUttPerSec: n / (batch.cpuMedian / 1000),
    batchSize: n,
    wall: { rtf3s: clip3s.median / 1000 / sec3, rtf30s: clip30s.median / 1000 / sec30, batchUttPerSec: n / (batch.median / 1000) },
    timings: { clip3s, clip30s, batch },
  };
}
