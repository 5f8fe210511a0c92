/* eslint-disable @typescript-eslint/no-explicit-any -- parsed CLI JSON is checked field by field */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { saveRandomModel, RANDOM_MODEL_ID } from './random-model';

const DATA = path.resolve('../shared/data');
const dsp = (spk: string, word: string, round: string) => path.join(DATA, 'dspspeech20', spk, `${spk}-${word}-${round}.flac`);
const A = '16307130302';
const B = '15307110252';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-cli-'));
const model = path.join(tmp, 'model');
const store = path.join(tmp, 'store');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string; json: () => Record<string, any> }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    stdoutBytes: (b) => void (out += Buffer.from(b).toString()),
    stderrIsTTY: false,
    env: { ...process.env, VOXPRINT_CACHE: path.join(tmp, 'cache') },
  };
  const code = await main(argv, io);
  return { code, out, err, json: () => JSON.parse(out) };
}
const g = ['--store', store, '--model', model];

beforeAll(async () => {
  await saveRandomModel(model);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('voxprint CLI (in-process)', () => {
  it('prints help, version with the backend, and rejects bad usage with exit code 2', async () => {
    const h = await run('--help');
    expect(h.code).toBe(0);
    expect(h.out).toContain('enroll NAME FILE...');
    expect((await run('eval', '--help')).out).toContain('--baseline NAME');
    const v = await run('--version', '--json');
    expect(v.code).toBe(0);
    expect(v.json()).toMatchObject({ version: expect.any(String), backend: expect.stringMatching(/wasm|tensorflow|cpu/) });
    for (const bad of [['frobnicate'], ['train'], ['train', '--out', 'x', '--loss', 'hinge'], ['train', '--out', 'x', '--average-from', '0'], ['threshold', '2'], ['verify', 'x'], ['identify', 'a.wav', '--top', 'abc'], ['list', '--nope'], ['eval'], ['--store']]) {
      const r = await run(...bad);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.err).toMatch(/^voxprint: /);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('enrolls two speakers from shared data, then verifies and identifies them', async () => {
    const ea = await run(...g, 'enroll', 'Speaker A', dsp(A, '07', '18'), dsp(A, '17', '18'), dsp(A, '19', '18'));
    expect(ea.code, ea.err).toBe(0);
    expect(ea.out).toMatch(/Enrolled "Speaker A" \(id [0-9a-f]{16}\): 3 take\(s\)/);
    expect(ea.out).toMatch(/speech\s+level\s+SNR/);
    // global options after the command work too
    const eb = await run('enroll', 'Speaker B', dsp(B, '08', '10'), dsp(B, '03', '10'), dsp(B, '11', '10'), '--json', ...g);
    expect(eb.code, eb.err).toBe(0);
    const ej = eb.json();
    expect(ej.speaker).toMatchObject({ name: 'Speaker B', utterances: 3, modelId: RANDOM_MODEL_ID });
    expect(ej.takes).toHaveLength(3);

    const l = await run(...g, '--json', 'list');
    expect(l.json().speakers.map((s: { name: string }) => s.name)).toEqual(['Speaker A', 'Speaker B']);

    const v = await run(...g, '--json', 'verify', 'speaker a', dsp(A, '07', '18'));
    expect(v.code, v.err).toBe(0);
    const vj = v.json();
    expect(vj).toMatchObject({ speaker: 'Speaker A', threshold: 0.9 });
    expect(vj.accepted).toBe(vj.score >= vj.threshold);
    const vt = await run(...g, 'verify', 'Speaker A', dsp(A, '12', '10'));
    expect(vt.out).toMatch(/^(ACCEPTED|REJECTED): .*score -?\d\.\d{4} (>=|<) threshold 0\.9000/);

    const i = await run(...g, '--json', 'identify', dsp(B, '08', '10'), '--top', '2');
    expect(i.code, i.err).toBe(0);
    const ij = i.json();
    expect(ij.candidates).toHaveLength(2);
    // A random model ranks arbitrarily; what must hold is the shape and the threshold rule.
    expect(ij.candidates.map((c: { speaker: string }) => c.speaker).sort()).toEqual(['Speaker A', 'Speaker B']);
    expect(ij.candidates[0].score).toBeGreaterThanOrEqual(ij.candidates[1].score);
    expect(ij.best).toBe(ij.candidates[0].score >= ij.threshold ? ij.candidates[0].speaker : null);
    const it2 = await run(...g, 'identify', dsp(A, '12', '10'));
    expect(it2.out).toMatch(/^(Best match: "Speaker [AB]"|Unknown speaker)/);
  });

  it('keeps a path-like name inside the store, exports, imports and purges', async () => {
    const r = await run(...g, 'enroll', '../../escape', dsp(A, '01', '02'), dsp(A, '02', '02'), dsp(A, '03', '02'));
    expect(r.code, r.err).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'escape'))).toBe(false);
    expect(fs.existsSync(path.resolve(store, '..', '..', 'escape'))).toBe(false);
    const exp = path.join(tmp, 'escape.json');
    expect((await run(...g, 'export', '../../escape', '--out', exp)).code).toBe(0);
    expect((await run(...g, 'import', exp)).code).toBe(2); // name taken
    const imp = await run(...g, '--json', 'import', exp, '--name', 'Copy');
    expect(imp.code, imp.err).toBe(0);
    expect(imp.json().speaker.name).toBe('Copy');
    const rm = await run(...g, 'remove', 'Copy', '--purge');
    expect(rm.out).toContain('deleted its recordings and embeddings');
    expect((await run(...g, 'remove', '../../escape')).out).toContain('trash');
    expect((await run(...g, '--json', 'list')).json().speakers).toHaveLength(2);
    expect((await run(...g, 'verify', 'Copy', dsp(A, '01', '02'))).code).toBe(2);
  });

  it('eval --json prints one object with the required keys, and writes a DET SVG', async () => {
    const det = path.join(tmp, 'det.svg');
    const r = await run(...g, '--json', 'eval', '--trials', path.join(DATA, 'dsp-dev.trials.txt'), '--limit', '24', '--det', det);
    expect(r.code, r.err).toBe(0);
    const j = r.json();
    for (const k of ['eer', 'minDcf', 'eerThreshold', 'trials', 'targets', 'nontargets']) expect(j).toHaveProperty(k);
    expect(j.trials).toBe(24);
    expect(j.targets + j.nontargets).toBe(24);
    expect(j.eer).toBeGreaterThanOrEqual(0);
    expect(j.eer).toBeLessThanOrEqual(1);
    expect(j.minDcf).toBeGreaterThanOrEqual(0);
    expect(j).toMatchObject({ system: 'model', model: RANDOM_MODEL_ID, norm: 'none' });
    expect(fs.readFileSync(det, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    const bad = [
      ['eval', '--trials', path.join(tmp, 'none.txt')],
      ['eval', '--trials', path.join(DATA, 'dsp-dev.trials.txt'), '--det', 'x.png'],
      ['eval', '--trials', path.join(DATA, 'dsp-dev.trials.txt'), '--baseline', 'gmm'],
      ['eval', '--trials', path.join(DATA, 'dsp-dev.trials.txt'), '--limit', '-3'],
      ['eval', '--trials', path.join(DATA, 'dsp-dev.trials.txt'), '--norm', 'z-norm'],
    ];
    for (const b of bad) expect((await run(...g, ...b)).code, b.join(' ')).toBe(2);
  });

  it('says plainly when no model is installed, and still lists speakers', async () => {
    const none = ['--store', store, '--model', path.join(tmp, 'no-model')];
    const r = await run(...none, 'verify', 'Speaker A', dsp(A, '12', '10'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('npm run train:default');
    const l = await run(...none, 'list');
    expect(l.code).toBe(0);
    expect(l.out).toContain('stale');
  });
});

describe('voxprint CLI (spawned)', () => {
  it('runs bin/voxprint.js end to end with exit codes 0 and 2', () => {
    const env = { ...process.env, VOXPRINT_HOME: store, VOXPRINT_MODEL: model };
    const ok = spawnSync(process.execPath, ['bin/voxprint.js', '--json', 'verify', 'Speaker B', dsp(B, '05', '10')], { env, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(j.speaker).toBe('Speaker B');
    expect(typeof j.score).toBe('number');
    const bad = spawnSync(process.execPath, ['bin/voxprint.js', 'enroll', 'X', path.join(tmp, 'missing.wav')], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('missing.wav: no such file');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
