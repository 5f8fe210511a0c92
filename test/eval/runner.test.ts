import { describe, expect, it } from 'vitest';
import { AsNorm } from '../../src/eval/asnorm';
import { runTrials } from '../../src/eval/runner';
import { parseTrials } from '../../src/eval/trials';

// Each file name encodes a speaker; embeddings are the speaker's axis plus file-specific noise.
function fakeEmbed(calls: Map<string, number>) {
  return (file: string): Float32Array => {
    calls.set(file, (calls.get(file) ?? 0) + 1);
    const spk = Number(file.match(/s(\d)/)![1]);
    const idx = Number(file.match(/f(\d)/)![1]);
    const v = new Float32Array(4).fill(0.1 * idx);
    v[spk] += 1;
    return v;
  };
}

const LIST = `
1 s0f1.wav+s0f2.wav s0f3.wav
0 s0f1.wav+s0f2.wav s1f1.wav
1 s1f1.wav s1f2.wav
0 s1f1.wav s2f1.wav
1 s2f1.wav s2f3.wav
0 s2f1.wav s0f3.wav
`;

describe('runTrials', () => {
  it('embeds every distinct file once, averages multi-file enrollment and separates the toy speakers', async () => {
    const calls = new Map<string, number>();
    const trials = parseTrials(LIST, { root: '/d' });
    const progress: number[] = [];
    const r = await runTrials(trials, { embed: fakeEmbed(calls), onProgress: (p) => progress.push(p.done) });
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    expect(calls.size).toBe(7);
    expect(r).toMatchObject({ trials: 6, targets: 3, nontargets: 3, files: 7, eer: 0 });
    expect(r.minDcf).toBe(0);
    expect(Math.min(...r.targetScores)).toBeGreaterThan(Math.max(...r.nontargetScores));
    expect(progress.at(-1)).toBe(7);
  });

  it('reuses a shared cache and applies AS-norm', async () => {
    const calls = new Map<string, number>();
    const cache = new Map<string, Float32Array>();
    const trials = parseTrials(LIST, { root: '/d' });
    await runTrials(trials, { embed: fakeEmbed(calls), cache });
    const cohort = [Float32Array.of(0, 0, 0, 1), Float32Array.of(0.5, 0.5, 0, 1), Float32Array.of(0, 0.5, 0.5, 1)];
    const norm = new AsNorm(cohort, 2);
    const r = await runTrials(trials, { embed: fakeEmbed(calls), cache, norm });
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    expect(r.eer).toBe(0);
    // AS-norm formula on one hand-computed case
    const e = Float32Array.of(1, 0, 0, 0);
    const t = Float32Array.of(1, 0, 0, 0);
    const se = norm.stats(e);
    const st = norm.stats(t);
    expect(se.mean).toBeCloseTo((0.5 / Math.sqrt(1.5) + 0) / 2, 6);
    expect(norm.normalize(1, se, st)).toBeCloseTo((1 - se.mean) / se.std, 6);
  });

  it('needs both target and non-target trials, and stops when aborted', async () => {
    const calls = new Map<string, number>();
    await expect(runTrials(parseTrials('1 s0f1.wav s0f2.wav', { root: '/' }), { embed: fakeEmbed(calls) })).rejects.toMatchObject({ code: 'NOT_ENOUGH_DATA' });
    const ac = new AbortController();
    ac.abort();
    await expect(runTrials(parseTrials(LIST, { root: '/' }), { embed: fakeEmbed(calls), signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
