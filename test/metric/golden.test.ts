import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { InvalidArgumentError } from '../../src/errors';
import { formatReport, parseGoldenFile, runGolden } from '../../src/metric/golden';
import { syntheticGolden } from './helpers/synthetic-golden';

const SHARED = fileURLToPath(new URL('../../../shared/golden/metric-learning.json', import.meta.url));

describe('golden conformance runner', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('passes every entry of the shared golden file (pytorch-metric-learning 2.8.1 and TF Addons)', () => {
    const file = parseGoldenFile(JSON.parse(readFileSync(SHARED, 'utf8')));
    const before = tf.memory().numTensors;
    const report = runGolden(file);
    expect(tf.memory().numTensors).toBe(before);
    const lines = formatReport(report);
    expect(lines.filter((l) => !l.startsWith('PASS'))).toEqual(['71 passed, 0 failed']);
    expect(lines.at(-1)).toBe('71 passed, 0 failed');
  });

  it('passes synthetic fixtures: a bigger unnormalised shuffled batch and singleton classes', () => {
    const file = parseGoldenFile(JSON.parse(JSON.stringify(syntheticGolden())));
    const report = runGolden(file);
    const failed = formatReport(report).filter((l) => !l.startsWith('PASS'));
    expect(failed).toEqual([`${report.outcomes.length} passed, 0 failed`]);
    expect(report.outcomes.length).toBe(75);
    // The singleton fixture really has anchors without a positive, and TFA hard gives them hp = 0.
    const hard = file.results.find((e) => e.fixture === 'SINGLE' && e.name === 'tfa.TripletHardLoss');
    expect((hard!.mined as unknown[][]).some((m) => m[1] === null)).toBe(true);
  });

  it('fails a wrong value, a wrong mined set and a gradient, and says which', () => {
    const file = parseGoldenFile(JSON.parse(readFileSync(SHARED, 'utf8')));
    const pick = (name: string) => file.results.find((e) => e.name === name)!;
    const value = { ...pick('tfa.TripletSemiHardLoss'), value: (pick('tfa.TripletSemiHardLoss').value as number) * (1 + 3e-5) };
    const miner = pick('pml.BatchHardMiner');
    const mined = { ...miner, mined: (miner.mined as number[][]).map(([a, p, n]) => [a, p, n === 0 ? 1 : 0]) };
    const g = pick('tfa.TripletHardLoss.grad');
    const grad = { ...g, grad: (g.grad as number[][]).map((r) => r.map((v) => v * 1.001)) };
    const report = runGolden({ ...file, results: [value, mined, grad] });
    expect(report.outcomes.map((o) => o.status)).toEqual(['fail', 'fail', 'fail']);
    expect(report.outcomes[0].detail).toMatch(/^value .*\(rel 3\.0e-5\)/);
    expect(report.outcomes[1].detail).toMatch(/mined differ/);
    expect(report.outcomes[2].detail).toMatch(/grad/);
    expect(formatReport(report).at(-1)).toBe('0 passed, 3 failed');
  });

  it('reports unknown names and params as unsupported, counted as failed', () => {
    const file = parseGoldenFile(JSON.parse(readFileSync(SHARED, 'utf8')));
    const base = file.results[0];
    const results = [
      { ...base, name: 'pml.ArcFaceLoss' },
      { ...base, params: { ...base.params, swap: true } },
      { ...base, params: { ...base.params, distance: 'LpDistance(normalize_embeddings=True, p=1, power=1)' } },
    ];
    const report = runGolden({ ...file, results });
    expect(report.outcomes.map((o) => o.status)).toEqual(['unsupported', 'unsupported', 'unsupported']);
    expect(report.failed).toBe(3);
    expect(formatReport(report).slice(-2)).toEqual(['(3 of the failures are unsupported entries)', '0 passed, 3 failed']);
  });

  it('rejects a file that does not follow the schema, naming the problem', () => {
    expect(() => parseGoldenFile({ results: [] })).toThrow(InvalidArgumentError);
    expect(() => parseGoldenFile({ fixtures: { A: { embeddings: [[1, 2]], labels: [0, 1] } }, results: [] })).toThrow(/one label per row/);
  });
});
