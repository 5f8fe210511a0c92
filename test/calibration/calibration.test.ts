import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CALIBRATION_FILE,
  COHORT_FILE,
  ScoreCalibration,
  decideCalibrated,
  inheritedCalibrationFiles,
  loadCalibration,
  topKMean,
  type CalibrationData,
} from '../../src/calibration/calibration';
import { l2normalize } from '../../src/speakers/scoring';
import { makeRng } from '../../src/util/rng';

const dim = 8;
const rng = makeRng(3);
const vec = () => l2normalize(Float32Array.from({ length: dim }, () => rng.next() - 0.5));
const cohort = Array.from({ length: 10 }, vec);
const flat = new Float32Array(cohort.length * dim);
cohort.forEach((c, i) => flat.set(c, i * dim));

const data: CalibrationData = {
  format: 'voxprint-calibration',
  version: 1,
  modelId: 'm1',
  features: ['cosine', 'cohortEnroll', 'cohortTest', 'logSpeechEnroll', 'logSpeechTest'],
  weights: [6, -3, -3, 0.2, 0.4],
  bias: -1,
  cosineOnly: { weight: 5, bias: -2 },
  cohort: { size: cohort.length, dim, topK: 3, description: 'test' },
  decision: { llrThreshold: 1.5, targetFalseAcceptRate: 0.01, method: 'test' },
  fit: { trials: 0, targets: 0, speakers: 0, conditions: [], cllr: 0, minCllr: 0, falseAcceptRate: 0, falseRejectRate: 0 },
};

const root = mkdtempSync(join(tmpdir(), 'voxprint-cal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ScoreCalibration', () => {
  it('computes the llr from the stated features, and its cosine threshold is the same decision', () => {
    const cal = new ScoreCalibration(data, flat);
    for (let i = 0; i < 50; i++) {
      const e = { embedding: vec(), speechSec: 0.5 + 10 * rng.next() };
      const t = { embedding: vec(), speechSec: 0.5 + 3 * rng.next() };
      const d = decideCalibrated(cal, e, t, data.decision.llrThreshold);
      const ce = topKMean(new Float32Array(cohort.map((c) => c.reduce((a, x, j) => a + x * e.embedding[j], 0))), 3);
      const ct = topKMean(new Float32Array(cohort.map((c) => c.reduce((a, x, j) => a + x * t.embedding[j], 0))), 3);
      const want = -1 + 6 * d.cosine - 3 * ce - 3 * ct + 0.2 * Math.log(e.speechSec) + 0.4 * Math.log(t.speechSec);
      expect(d.llr).toBeCloseTo(want, 4);
      expect(d.probability).toBeCloseTo(1 / (1 + Math.exp(-want)), 5);
      expect(d.accepted).toBe(d.cosine >= d.cosineThreshold);
    }
  });

  it('clamps the speech durations to the range the fit saw, so the duration terms never extrapolate', () => {
    const cal = new ScoreCalibration({ ...data, speechRange: { enroll: [1, 20], test: [0.5, 6] } }, flat);
    const m = { cosine: 0.7, cohortEnroll: 0.3, cohortTest: 0.4, speechEnroll: 10 };
    expect(cal.llrOf({ ...m, speechTest: 60 })).toBeCloseTo(cal.llrOf({ ...m, speechTest: 6 }), 12);
    expect(cal.llrOf({ ...m, speechTest: 0.1 })).toBeCloseTo(cal.llrOf({ ...m, speechTest: 0.5 }), 12);
    expect(cal.llrOf({ ...m, speechTest: 3 })).not.toBeCloseTo(cal.llrOf({ ...m, speechTest: 6 }), 3);
  });

  it('topKMean averages the k largest values', () => {
    expect(topKMean(Float32Array.from([0.1, 0.9, 0.5, 0.7]), 2)).toBeCloseTo(0.8, 6);
    expect(topKMean(Float32Array.from([0.2]), 5)).toBeCloseTo(0.2, 6);
  });
});

describe('loadCalibration', () => {
  it('loads a folder with calibration.json and its cohort; ignores one made for another model', () => {
    const dir = join(root, 'ok');
    mkdirSync(dir);
    writeFileSync(join(dir, CALIBRATION_FILE), JSON.stringify(data));
    writeFileSync(join(dir, COHORT_FILE), Buffer.from(flat.buffer));
    expect(loadCalibration(dir, { id: 'm1', dim })?.llrThreshold).toBe(1.5);
    expect(loadCalibration(dir, { id: 'another', dim })).toBeUndefined();
    expect(loadCalibration(join(root, 'none'), { id: 'm1', dim })).toBeUndefined();
  });

  it('refuses a damaged calibration with MODEL_FORMAT and a way out', () => {
    const dir = join(root, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, CALIBRATION_FILE), '{"format": "voxprint-calibration"}');
    expect(() => loadCalibration(dir, { id: 'm1', dim })).toThrow(/not a valid score calibration.*delete the file/);
    writeFileSync(join(dir, CALIBRATION_FILE), JSON.stringify(data));
    writeFileSync(join(dir, COHORT_FILE), Buffer.from(flat.buffer.slice(0, 16)));
    expect(() => loadCalibration(dir, { id: 'm1', dim })).toThrow(/cohort has 4 values/);
  });
});

describe('inheritedCalibrationFiles (a fine-tuned version keeps its parent calibration)', () => {
  const write = (dir: string, files: Record<string, string | Uint8Array>) => {
    mkdirSync(dir);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  };

  it('relabels the calibration for the child, copies the cohort, and a chain keeps the model it was fitted for', () => {
    write(join(root, 'parent'), { [CALIBRATION_FILE]: JSON.stringify(data), [COHORT_FILE]: Buffer.from(flat.buffer) });
    const files = inheritedCalibrationFiles(join(root, 'parent'), { id: 'm1', dim }, 'ft-1');
    write(join(root, 'ft-1'), files);
    const child = loadCalibration(join(root, 'ft-1'), { id: 'ft-1', dim });
    expect(child?.data).toMatchObject({ modelId: 'ft-1', inheritedFrom: { parent: 'm1', fittedFor: 'm1' }, weights: data.weights });
    expect(child?.cohortMean(cohort[2])).toBeCloseTo(new ScoreCalibration(data, flat).cohortMean(cohort[2]), 6);
    // The child's folder is not the parent's calibration for any other model id.
    expect(loadCalibration(join(root, 'ft-1'), { id: 'm1', dim })).toBeUndefined();

    write(join(root, 'ft-2'), inheritedCalibrationFiles(join(root, 'ft-1'), { id: 'ft-1', dim }, 'ft-2'));
    expect(loadCalibration(join(root, 'ft-2'), { id: 'ft-2', dim })?.data.inheritedFrom).toEqual({ parent: 'ft-1', fittedFor: 'm1' });
  });

  it('gives nothing when the parent has no calibration of its own', () => {
    expect(inheritedCalibrationFiles(join(root, 'none'), { id: 'm1', dim }, 'ft-3')).toEqual({});
    write(join(root, 'other'), { [CALIBRATION_FILE]: JSON.stringify(data), [COHORT_FILE]: Buffer.from(flat.buffer) });
    expect(inheritedCalibrationFiles(join(root, 'other'), { id: 'not-m1', dim }, 'ft-4')).toEqual({});
  });
});
