import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { CALIBRATION_FILE, COHORT_FILE, decideCalibrated, loadCalibration, type CalibrationData } from '../../src/calibration/calibration';
import { decodeInput, Engine } from '../../src/engine';
import { leaveOneOutScores } from '../../src/eval/leave-one-out';
import { NEAR_DUPLICATE_COSINE } from '../../src/eval/store-threshold';
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

  it("calibrate scores llrs as verify does, advises around the model's llr threshold, and the store's llr threshold decides after --apply", async () => {
    const before = tf.memory().numTensors;
    const e = await Engine.open({ storeDir: path.join(tmp, 'store-cal'), modelDir: model });
    await e.enroll('Anna', [{ path: fileOf('1688', 0) }, { path: fileOf('1688', 1) }, { path: fileOf('1688', 2) }]);
    await e.enroll('Bram', [{ path: fileOf('1998', 0) }, { path: fileOf('1998', 1) }]);
    // The same recording twice: near-duplicates, which only the cosines can tell.
    await e.enroll('Dup', [{ path: fileOf('2033', 0) }, { path: fileOf('2033', 0) }]);
    const r = await e.calibrate();
    expect(r.scale).toBe('llr');
    expect(r.targetScores).toHaveLength(3 + 2 + 2);
    expect(r.nontargetScores).toHaveLength(7 * 2);
    expect(r.advice.prior).toBe(0);
    // Counted on the cosines (the random test model's are all high), not on the llrs.
    const cosines = leaveOneOutScores(e.store.list().map((p) => ({ embeddings: p.utterances.map((u) => u.embedding), centroid: p.centroid })));
    expect(r.advice.nearDuplicates).toBe(cosines.tar.filter((c) => c > NEAR_DUPLICATE_COSINE).length);
    expect(r.advice.nearDuplicates).toBeGreaterThanOrEqual(2);
    expect(r.advice.needsConfirmation).toBe(true);
    // Anna's first take against the centroid of her other two, with their seconds of speech: verify's llr.
    const cal = loadCalibration(model, { id: RANDOM_MODEL_ID, dim: DIM })!;
    const anna = e.store.get('Anna');
    const others = anna.utterances.slice(1);
    const centroid = l2normalize(others.reduce((acc, u) => acc.map((x, i) => x + u.embedding[i]), new Float32Array(DIM)));
    const side = (embedding: Float32Array, speechSec: number) => ({ embedding, speechSec });
    const expected = decideCalibrated(cal, side(centroid, others[0].speechSec + others[1].speechSec), side(anna.utterances[0].embedding, anna.utterances[0].speechSec), 0);
    expect(r.targetScores[0]).toBeCloseTo(expected.llr, 4);
    // Not the cosines: the calibration's slope is 20.
    expect(r.targetScores[0]).not.toBeCloseTo(expected.cosine, 1);

    // The store's llr threshold replaces the model's; the calibration stays.
    const genuine = await e.verify('Anna', { path: fileOf('1688', 3) });
    expect(genuine.llrThreshold).toBe(0);
    const t = genuine.llr! + 0.5;
    await e.setThreshold(t, 'llr');
    expect(e.store.settings()).toMatchObject({ llrThreshold: t });
    expect(e.store.settings().threshold).toBeUndefined();
    expect(e.info().calibratedDecision).toEqual({ llrThreshold: t, targetFalseAcceptRate: 0.01, fromStore: true });
    const v = await e.verify('Anna', { path: fileOf('1688', 3) });
    expect(v).toMatchObject({ llrThreshold: t, accepted: false });
    expect(v.llr).toBeCloseTo(genuine.llr!, 9);
    // The cosine shown is this trial's equivalent of the llr threshold.
    expect(v.threshold).toBeGreaterThan(v.score);
    expect(v.threshold).toBeGreaterThan(genuine.threshold);
    const id = await e.identify({ path: fileOf('1688', 3) });
    expect(id.llrThreshold).toBe(t);
    expect(id.best).toBeNull();
    // Live verification decides on the same llr threshold.
    const live = await e.liveVerify('Anna');
    live.session.push((await decodeInput({ path: fileOf('1688', 3) })).samples);
    const last = live.session.end()!;
    expect(last.llrThreshold).toBe(t);
    expect(last.accepted).toBe(last.llr! >= t);

    // Range: llrs beyond +-20 are refused; a cosine threshold replaces the llr one; reset clears both.
    await expect(e.setThreshold(25, 'llr')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await e.setThreshold(0.3);
    expect(e.store.settings()).toMatchObject({ threshold: 0.3 });
    expect(e.store.settings().llrThreshold).toBeUndefined();
    expect(e.info().calibratedDecision).toBeUndefined();
    await e.setThreshold(t, 'llr');
    await e.resetThreshold();
    expect(e.store.settings().threshold).toBeUndefined();
    expect(e.store.settings().llrThreshold).toBeUndefined();
    expect(e.info().calibratedDecision).toEqual({ llrThreshold: 0, targetFalseAcceptRate: 0.01 });
    e.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
