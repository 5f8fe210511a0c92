/* eslint-disable @typescript-eslint/no-explicit-any -- parsed CLI JSON is checked field by field */
/**
 * End to end through the CLI (in-process, tiny random model as the built-in one): enroll 3
 * speakers, fine-tune 1 epoch, list the versions, roll back; the profiles are re-embedded at each
 * switch and verify keeps working. Also: too little data, --keep never, bad usage.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend';
import type { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { RANDOM_MODEL_ID, saveRandomModel } from './random-model';

const DSP = path.resolve('../shared/data/dspspeech20');
const clips = (spk: string, from: number, n: number) =>
  fs
    .readdirSync(path.join(DSP, spk))
    .sort()
    .slice(from, from + n)
    .map((f) => path.join(DSP, spk, f));
const SPK: [string, string][] = [
  ['Anna', '16307130302'],
  ['Ben', '15307110252'],
  ['Cleo', '15307130120'],
];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-cli-ft-'));
const model = path.join(tmp, 'model');
const store = path.join(tmp, 'store');
const savedEnv = process.env.VOXPRINT_MODEL;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string; json: () => Record<string, any> }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    stderrIsTTY: false,
    env: { ...process.env, VOXPRINT_CACHE: path.join(tmp, 'cache') },
  };
  const code = await main(argv, io);
  return { code, out, err, json: () => JSON.parse(out) };
}

beforeAll(async () => {
  await saveRandomModel(model);
  // No --model below: the CLI runs the store's chosen version, else this built-in model.
  process.env.VOXPRINT_MODEL = model;
});
afterAll(() => {
  if (savedEnv === undefined) delete process.env.VOXPRINT_MODEL;
  else process.env.VOXPRINT_MODEL = savedEnv;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('voxprint finetune and models', () => {
  it('too little data: exit 2 and what is missing', async () => {
    const s = path.join(tmp, 'small');
    expect((await run('--store', s, 'enroll', 'Anna', ...clips(SPK[0][1], 0, 3))).code).toBe(0);
    const r = await run('--store', s, '--json', 'finetune');
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'NOT_ENOUGH_DATA', message: expect.stringMatching(/found Anna \(3 recordings\)\. Enroll 1 more speaker/) });
    expect(r.err).toMatch(/^voxprint: Fine-tuning needs at least 2 speakers/);
    for (const bad of [['finetune', '--keep', 'maybe'], ['finetune', '--epochs', '0'], ['finetune', '--augment', 'reverb'], ['models'], ['models', 'use'], ['models', 'frob']]) {
      const b = await run('--store', s, ...bad);
      expect(b.code, bad.join(' ')).toBe(2);
    }
  }, 60_000);

  it('enroll 3 speakers, fine-tune 1 epoch, list, roll back: profiles re-embedded, verify works throughout', async () => {
    const tensors = tf.memory().numTensors;
    for (const [name, spk] of SPK) expect((await run('--store', store, 'enroll', name, ...clips(spk, 0, 5))).code).toBe(0);
    const ft = await run('--store', store, '--json', 'finetune', '--epochs', '1', '--steps', '2', '--keep', 'always', '--no-replay');
    expect(ft.code, ft.err).toBe(0);
    const f = ft.json();
    expect(f).toMatchObject({ parentId: RANDOM_MODEL_ID, estimate: 'held-out', activated: true, epochs: 1, steps: 2, reembedded: 3 });
    expect(f.versionId).toMatch(/^ft-\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(f.eerBefore).toBeGreaterThanOrEqual(0);
    expect(f.eerAfter).toBeLessThanOrEqual(1);
    expect([f.targets, f.nontargets]).toEqual([6, 12]); // 2 of 5 held out per speaker
    expect(ft.err).toMatch(/EER before fine-tuning: .* \(held-out, 6 target \/ 12 non-target trials\)/);
    expect(ft.err).toMatch(/epoch 1\/1: loss \d\.\d{4}, active .*held-out EER/);

    const l = await run('--store', store, '--json', 'models', 'list');
    expect(l.json()).toMatchObject({ activeId: f.versionId, previousId: RANDOM_MODEL_ID });
    expect(l.json().models.map((m: any) => [m.id, m.builtin, m.active, m.parent])).toEqual([
      [RANDOM_MODEL_ID, true, false, null],
      [f.versionId, false, true, RANDOM_MODEL_ID],
    ]);
    expect(l.json().models[1]).toMatchObject({ eerBefore: f.eerBefore, eerAfter: f.eerAfter });
    expect((await run('--store', store, 'models', 'list')).out).toMatch(new RegExp(`\\* +${f.versionId} +fine-tuned +${RANDOM_MODEL_ID}`));

    const speakers = async () => (await run('--store', store, '--json', 'list')).json().speakers.map((s: any) => [s.name, s.modelId, s.stale]);
    expect(await speakers()).toEqual(SPK.map(([n]) => [n, f.versionId, false]));
    const verify = async (name: string, spk: string) => {
      const v = await run('--store', store, '--json', 'verify', name, clips(spk, 6, 1)[0]);
      expect(v.code, v.err).toBe(0);
      return v.json();
    };
    expect(await verify('Anna', SPK[0][1])).toMatchObject({ speaker: 'Anna', score: expect.any(Number) });

    const back = await run('--store', store, '--json', 'models', 'rollback');
    expect(back.code, back.err).toBe(0);
    expect(back.json()).toMatchObject({ model: { id: RANDOM_MODEL_ID }, previousId: f.versionId, reembedded: 0, switched: 3, profiles: 3 });
    expect(await speakers()).toEqual(SPK.map(([n]) => [n, RANDOM_MODEL_ID, false]));
    expect(await verify('Ben', SPK[1][1])).toMatchObject({ speaker: 'Ben', threshold: 0.9 });

    // ... and forward again by name: its embeddings were kept, nothing to re-embed.
    const use = await run('--store', store, '--json', 'models', 'use', f.versionId);
    expect(use.json()).toMatchObject({ model: { id: f.versionId }, reembedded: 0, switched: 3 });
    expect(await verify('Cleo', SPK[2][1])).toMatchObject({ speaker: 'Cleo' });
    expect((await run('--store', store, 'models', 'use', 'ft-nope')).code).toBe(2);

    const never = await run('--store', store, '--json', 'finetune', '--epochs', '1', '--steps', '1', '--keep', 'never', '--no-replay');
    expect(never.json()).toMatchObject({ activated: false, parentId: f.versionId, activation: expect.stringMatching(/keep: never/) });
    expect((await run('--store', store, '--json', 'models', 'list')).json().activeId).toBe(f.versionId);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 180_000);
});
