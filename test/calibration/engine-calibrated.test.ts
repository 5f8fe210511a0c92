import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { CALIBRATION_FILE, COHORT_FILE, type CalibrationData } from '../../src/calibration/calibration';
import { Engine } from '../../src/engine';
import { l2normalize } from '../../src/speakers/scoring';
import { makeRng } from '../../src/util/rng';
import { RANDOM_MODEL_ID, saveRandomModel } from '../cli/random-model';

const LIBRI = path.resolve('../shared/data/librispeech/test-other');
const fileOf = (spk: string, i: number) => path.join(LIBRI, spk, fs.readdirSync(path.join(LIBRI, spk)).sort()[i]);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-engine-cal-'));
const model = path.join(tmp, 'model');
const DIM = 24;

/** A calibration for the random test model: a steep llr in the cosine, a cohort of random directions. */
function writeCalibration(llrThreshold: number): void {
  const rng = makeRng(5);
  const size = 12;
  const cohort = new Float32Array(size * DIM);
  for (let i = 0; i < size; i++) cohort.set(l2normalize(Float32Array.from({ length: DIM }, () => rng.next() - 0.5)), i * DIM);
  const data: CalibrationData = {
    format: 'voxprint-calibration',
    version: 1,
    modelId: RANDOM_MODEL_ID,
    features: ['cosine', 'cohortEnroll', 'cohortTest', 'logSpeechEnroll', 'logSpeechTest'],
    weights: [20, -2, -2, 0.3, 0.3],
    bias: -17,
    cosineOnly: { weight: 20, bias: -18 },
    cohort: { size, dim: DIM, topK: 4, description: 'random test cohort' },
    decision: { llrThreshold, targetFalseAcceptRate: 0.01, method: 'test' },
    fit: { trials: 0, targets: 0, speakers: 0, conditions: [], cllr: 0, minCllr: 0, falseAcceptRate: 0, falseRejectRate: 0 },
  };
  fs.writeFileSync(path.join(model, COHORT_FILE), Buffer.from(cohort.buffer));
  fs.writeFileSync(path.join(model, CALIBRATION_FILE), JSON.stringify(data));
}

beforeAll(async () => {
  await initBackend();
  await saveRandomModel(model);
  writeCalibration(0);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('Engine with a calibrated model', () => {
  it('decides verify and identify by the llr, reports llr and probability, and a store override still wins', async () => {
    const before = tf.memory().numTensors;
    const e = await Engine.open({ storeDir: path.join(tmp, 'store'), modelDir: model });
    await e.enroll('Anna', [{ path: fileOf('1688', 0) }, { path: fileOf('1688', 1) }]);
    await e.enroll('Bram', [{ path: fileOf('1998', 0) }]);
    for (const f of [fileOf('1688', 2), fileOf('1998', 1)]) {
      const v = await e.verify('Anna', { path: f });
      expect(v.llr).toBeTypeOf('number');
      expect(v.probability).toBeCloseTo(1 / (1 + Math.exp(-v.llr!)), 9);
      // The cosine threshold shown is this trial's equivalent of llr >= 0.
      expect(v.accepted).toBe(v.llr! >= 0);
      expect(v.accepted).toBe(v.score >= v.threshold);
      const id = await e.identify({ path: f });
      expect(id.candidates[0].llr).toBeTypeOf('number');
      expect(id.best === null).toBe(id.candidates[0].llr! < 0);
    }
    expect(e.info().calibratedDecision).toEqual({ llrThreshold: 0, targetFalseAcceptRate: 0.01 });
    // A store threshold (cosine) overrides the calibrated decision, as documented.
    await e.setThreshold(-1);
    expect(e.info().calibratedDecision).toBeUndefined();
    const v = await e.verify('Anna', { path: fileOf('1998', 1) });
    expect(v).toMatchObject({ threshold: -1, accepted: true });
    expect(v.llr).toBeTypeOf('number');
    e.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
