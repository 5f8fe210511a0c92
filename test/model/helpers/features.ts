import { DEFAULT_FEATURE_CONFIG } from '../../../src/features/mfcc';
import type { FeatureMatrix } from '../../../src/model';

/** A deterministic pseudo-random MFCC matrix (Lehmer generator), `frames` x the default coefficient count. */
export function features(frames: number, seed: number): FeatureMatrix {
  const c = DEFAULT_FEATURE_CONFIG.numCoeffs;
  const data = new Float32Array(frames * c);
  let s = seed;
  for (let i = 0; i < data.length; i++) data[i] = ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 30;
  return { data, numFrames: frames, numCoeffs: c };
}
