/**
 * Every command of the README's table, run as a user runs it (test/acceptance/cli.ts): one store
 * carried through ordered steps, each step a fresh `node bin/voxprint.js` process. Each step checks
 * the exit code and the shape of the one --json object; the last checks that the store reloads clean.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA, dataFolder, expectUserError, libri, ROOT, type Sandbox, useSandbox } from './cli';
import { DEFAULT_FRONT_END } from '../../src/features/front-end';

const sb = useSandbox('cmds');
let box: Sandbox;
beforeAll(() => {
  box = sb();
});

interface Speaker {
  id: string;
  name: string;
  utterances: number;
  stale: boolean;
}
const names = async () => (await box.json<{ speakers: Speaker[] }>(['list'])).obj.speakers.map((s) => s.name).sort();
const ANA = '2414';
const BEN = '2609';
const CAT = '3005';

describe.sequential('every README command, as a fresh process each', () => {
  it('enroll, and enroll --append', async () => {
    const a = await box.json<{ speaker: Speaker; takes: { name: string; usable: boolean }[]; speechSec: number }>(['enroll', 'Ana', libri(ANA, 0), libri(ANA, 1)]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.obj.speaker).toMatchObject({ name: 'Ana', utterances: 2, stale: false });
    expect(a.obj.takes.map((t) => t.usable)).toEqual([true, true]);
    const b = await box.vox(['enroll', 'Ben', ...[0, 1, 2, 3].map((i) => libri(BEN, i))]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/Enrolled "Ben" .*4 take\(s\)/);
    const again = await box.json(['enroll', 'ana', libri(ANA, 2)]);
    expectUserError(again, 'SPEAKER_EXISTS');
    const app = await box.json<{ speaker: Speaker }>(['enroll', 'ana', libri(ANA, 2), libri(ANA, 3), '--append']);
    expect(app.code, app.stderr).toBe(0);
    expect(app.obj.speaker).toMatchObject({ name: 'Ana', utterances: 4 });
  });

  it('calibrate --apply asks for --yes while the trials are too few', async () => {
    // Ana 4 + Ben 4 takes: 8 same-speaker trials, below the minimum of 10.
    const r = await box.json(['calibrate', '--apply']);
    expectUserError(r, 'NEEDS_CONFIRMATION');
    expect((r.obj as { error: { message: string } }).error.message).toMatch(/--apply --yes/);
    const t = await box.json<{ override: number | null }>(['threshold']);
    expect(t.obj.override).toBeNull();
  });

  it('verify: exit 0 accepted, 3 rejected; identify: exit 0 and the best match', async () => {
    const c = await box.vox(['enroll', 'Cat', ...[0, 1, 2, 3].map((i) => libri(CAT, i))]);
    expect(c.code, c.stderr).toBe(0);
    const yes = await box.json<{ speaker: string; score: number; threshold: number; accepted: boolean; latencyMs: number }>(['verify', 'ana', libri(ANA, 6)]);
    expect(yes.code).toBe(0);
    expect(yes.obj).toMatchObject({ speaker: 'Ana', accepted: true });
    expect(yes.obj.score).toBeGreaterThanOrEqual(yes.obj.threshold);
    const no = await box.json<{ accepted: boolean }>(['verify', 'Ben', libri(ANA, 6)]);
    expect(no.obj.accepted).toBe(false);
    expect(no.code).toBe(3);
    const noText = await box.vox(['verify', 'Ben', libri(ANA, 6)]);
    expect(noText.code).toBe(3);
    expect(noText.stdout).toMatch(/^REJECTED: this is not "Ben"/);
    const id = await box.json<{ best: string | null; candidates: { speaker: string; score: number }[]; threshold: number }>(['identify', libri(CAT, 6), '--top', '2']);
    expect(id.code).toBe(0);
    expect(id.obj.best).toBe('Cat');
    expect(id.obj.candidates).toHaveLength(2);
    const unknown = await box.vox(['verify', 'Nobody', libri(CAT, 6)]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^voxprint: .*Nobody/);
  });

  it('list, and rename (a taken name is refused without suggesting --append)', async () => {
    const l = await box.json<{ speakers: Speaker[] }>(['list']);
    expect(l.code).toBe(0);
    expect(l.obj.speakers.map((s) => [s.name, s.utterances])).toEqual(
      expect.arrayContaining([
        ['Ana', 4],
        ['Ben', 4],
        ['Cat', 4],
      ]),
    );
    const r = await box.json<{ speaker: Speaker }>(['rename', 'cat', 'Catherine']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.obj.speaker).toMatchObject({ name: 'Catherine', utterances: 4 });
    const taken = await box.json(['rename', 'Catherine', 'ana']);
    expectUserError(taken, 'SPEAKER_EXISTS');
    expect(JSON.stringify(taken.obj)).not.toMatch(/--append/);
    expect(await names()).toEqual(['Ana', 'Ben', 'Catherine']);
  });

  it('export, remove, import: a round trip that verifies as before', async () => {
    const out = join(box.dir, 'ana.voxprint.json');
    const ex = await box.json<{ file: string; exported: string }>(['export', 'Ana', '--out', out]);
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.obj).toMatchObject({ exported: 'Ana', file: out });
    expect(existsSync(out)).toBe(true);
    const before = (await box.json<{ score: number }>(['verify', 'Ana', libri(ANA, 7)])).obj.score;
    const rm = await box.json<{ removed: string; purged: boolean }>(['remove', 'Ana']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.obj).toMatchObject({ removed: 'Ana', purged: false });
    expect(await names()).toEqual(['Ben', 'Catherine']);
    const im = await box.json<{ speaker: Speaker }>(['import', out]);
    expect(im.code, im.stderr).toBe(0);
    expect(im.obj.speaker).toMatchObject({ name: 'Ana', utterances: 4 });
    const after = await box.json<{ score: number }>(['verify', 'Ana', libri(ANA, 7)]);
    expect(after.obj.score).toBeCloseTo(before, 5);
  });

  it('embed prints the embedding; eval with --det and --compare (limited)', async () => {
    const e = await box.json<{ modelId: string; embeddings: unknown[] }>(['embed', libri(BEN, 5), libri(BEN, 6)]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.obj.modelId).toMatch(/^voxprint-default/);
    expect(e.obj.embeddings).toHaveLength(2);
    // A tiny split file keeps the LDA baseline's fit to a few seconds (the full one takes minutes).
    const splits = JSON.parse(readFileSync(join(DATA, 'splits.json'), 'utf8')) as { train: Record<string, string[]> };
    const small = join(box.dir, 'small-data');
    dataFolder(join(small, 'librispeech', 'train-clean-100'), 'librispeech/train-clean-100', splits.train.librispeech.slice(0, 20), 1);
    writeFileSync(join(small, 'splits.json'), JSON.stringify({ train: { librispeech: splits.train.librispeech.slice(0, 20) }, dev: {} }));
    const det = join(box.dir, 'det.svg');
    const ev = await box.json<Record<string, unknown>>(
      ['eval', '--trials', join(DATA, 'libri-dev.trials.txt'), '--limit', '20', '--compare', '--splits', join(small, 'splits.json'), '--det', det],
      240_000,
    );
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.obj).toMatchObject({ trials: 20, eer: expect.any(Number), minDcf: expect.any(Number), eerThreshold: expect.any(Number), targets: expect.any(Number), nontargets: expect.any(Number) });
    expect(Object.keys(ev.obj.baselines as object).sort()).toEqual(['lda', 'mfcc-stats']);
    expect(readFileSync(det, 'utf8')).toMatch(/^<svg/);
  });

  it('calibrate --apply with 3 speakers x 4 takes, then threshold show / set / reset', async () => {
    const cal = await box.json<{ applied: boolean; trials: number; advice: { threshold: number; gap: [number, number] | null; needsConfirmation: boolean } }>(['calibrate', '--apply']);
    expect(cal.code, cal.stderr).toBe(0);
    expect(cal.obj).toMatchObject({ applied: true, trials: 36 });
    const a = cal.obj.advice;
    if (a.gap) {
      expect(a.threshold).toBeGreaterThan(a.gap[0]);
      expect(a.threshold).toBeLessThan(a.gap[1]);
    }
    expect((await box.json<{ override: number }>(['threshold'])).obj.override).toBeCloseTo(a.threshold, 12);
    const set = await box.json<{ threshold: number; override: number }>(['threshold', '0.61']);
    expect(set.code).toBe(0);
    expect(set.obj).toEqual({ threshold: 0.61, override: 0.61 });
    const reset = await box.json<{ threshold: number; override: null }>(['threshold', '--reset']);
    expect(reset.code).toBe(0);
    expect(reset.obj.override).toBeNull();
    expect(reset.obj.threshold).toBeGreaterThan(0);
    expectUserError(await box.json(['threshold', '2']), 'BAD_ARGUMENT');
  });

  let versionId = '';
  let builtinId = '';
  it('reembed; finetune (1 epoch, few steps) with 3 speakers x 4 takes holds recordings out', async () => {
    const re = await box.json<{ reembedded: number }>(['reembed']);
    expect(re.code, re.stderr).toBe(0);
    expect(re.obj.reembedded).toBe(0);
    const ft = await box.json<{ versionId: string; parentId: string; estimate: string; steps: number; activated: boolean; eerBefore: number; eerAfter: number }>(
      ['finetune', '--epochs', '1', '--steps', '3', '--no-replay', '--keep', 'always'],
      240_000,
    );
    expect(ft.code, ft.stderr).toBe(0);
    expect(ft.obj).toMatchObject({ estimate: 'held-out', steps: 3, activated: true });
    expect(ft.stderr).not.toMatch(/Too little data/);
    versionId = ft.obj.versionId;
    builtinId = ft.obj.parentId;
    // The store is private to its owner, fine-tuned versions included.
    const dir = join(box.store, 'models', versionId);
    // The new version records its front end whole (src/features/front-end.ts).
    expect(JSON.parse(readFileSync(join(dir, 'voxprint.json'), 'utf8')).frontEnd).toEqual(DEFAULT_FRONT_END);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
    // It inherits the parent's calibration (relabelled, the cohort copied byte for byte), so its
    // decisions stay calibrated rather than falling back to a cosine threshold.
    const cal = JSON.parse(readFileSync(join(dir, 'calibration.json'), 'utf8')) as { modelId: string; inheritedFrom: { parent: string; fittedFor: string } };
    expect(cal).toMatchObject({ modelId: versionId, inheritedFrom: { parent: builtinId, fittedFor: builtinId } });
    expect(readFileSync(join(dir, 'cohort.bin')).equals(readFileSync(join(ROOT, 'models', 'default', 'cohort.bin')))).toBe(true);
  });

  it('models list, use, rollback: each switch keeps verify working', async () => {
    const l = await box.json<{ activeId: string; previousId: string; models: { id: string; active: boolean; builtin: boolean; parent: string | null }[] }>(['models', 'list']);
    expect(l.code).toBe(0);
    expect(l.obj).toMatchObject({ activeId: versionId, previousId: builtinId });
    expect(l.obj.models.find((m) => m.id === versionId)).toMatchObject({ builtin: false, active: true, parent: builtinId });
    const v = await box.json<{ accepted: boolean; llr?: number; probability?: number }>(['verify', 'Ben', libri(BEN, 6)]);
    expect(v.code, v.stderr).toBe(0);
    // The fine-tuned version decides by its inherited calibration: verify reports llr and probability.
    expect(v.obj).toMatchObject({ accepted: true, llr: expect.any(Number), probability: expect.any(Number) });
    expect(v.obj.probability).toBeCloseTo(1 / (1 + Math.exp(-v.obj.llr!)), 6);
    // eval measures the model verify uses: the fine-tuned version while it is in use.
    const trials = join(DATA, 'libri-dev.trials.txt');
    const ev = await box.json<{ model: string; modelDir: string }>(['eval', '--trials', trials, '--limit', '6']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.obj).toMatchObject({ model: versionId, modelDir: join(box.store, 'models', versionId) });
    // --sweep too (it once measured models/default whatever the store used), and the text names the model.
    const sweep = await box.json<{ model: string; modelDir: string; sweep: unknown[] }>(['eval', '--trials', trials, '--limit', '6', '--sweep', '1']);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.obj).toMatchObject({ model: versionId, modelDir: join(box.store, 'models', versionId) });
    expect(sweep.obj.sweep).toHaveLength(2);
    const evText = await box.vox(['eval', '--trials', trials, '--limit', '6']);
    expect(evText.code, evText.stderr).toBe(0);
    expect(evText.stdout).toContain(`model ${versionId} (${join(box.store, 'models', versionId)})`);

    const use = await box.json<{ model: { id: string }; previousId: string; profiles: number }>(['models', 'use', builtinId]);
    expect(use.code, use.stderr).toBe(0);
    expect(use.obj).toMatchObject({ model: { id: builtinId }, previousId: versionId, profiles: 3 });
    const back = await box.json<{ model: { id: string } }>(['models', 'rollback']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.obj.model.id).toBe(versionId);
    const again = await box.json<{ model: { id: string } }>(['models', 'rollback']);
    expect(again.obj.model.id).toBe(builtinId);
    expect((await box.json<{ activeId: string }>(['models', 'list'])).obj.activeId).toBe(builtinId);
    expect((await box.json<{ accepted: boolean }>(['verify', 'Ben', libri(BEN, 6)])).obj.accepted).toBe(true);
    expectUserError(await box.json(['models', 'use', 'ft-nope']), 'NO_MODEL');
  });

  it('train (a few steps) saves a model that a fresh process loads', async () => {
    const splits = JSON.parse(readFileSync(join(DATA, 'splits.json'), 'utf8')) as { train: Record<string, string[]> };
    const data = dataFolder(join(box.dir, 'train-data'), 'arabic-speech-commands', splits.train['arabic-speech-commands'].slice(0, 6), 4);
    const out = join(box.dir, 'trained');
    const tr = await box.json<{ out: string; modelId: string; steps: number }>(['train', '--out', out, '--data', data, '--epochs', '1', '--p', '4', '--k', '2'], 240_000);
    expect(tr.code, tr.stderr).toBe(0);
    expect(tr.obj).toMatchObject({ out, steps: expect.any(Number) });
    expect(JSON.parse(readFileSync(join(out, 'voxprint.json'), 'utf8')).frontEnd).toEqual(DEFAULT_FRONT_END);
    const e = await box.json(['--model', out, 'embed', libri(BEN, 5)]);
    expect(e.code, e.stderr).toBe(0);
  });

  it('a runtime that cannot start is a BACKEND_UNAVAILABLE error, never a broken model folder', async () => {
    const r = await box.json(['embed', libri(BEN, 5)], undefined, { VOXPRINT_BACKEND: 'no-such-backend' });
    expectUserError(r, 'BACKEND_UNAVAILABLE');
    expect(JSON.stringify(r.obj)).not.toMatch(/MODEL_FORMAT|re-copy the model/i);
    expect(JSON.stringify(r.obj)).toMatch(/VOXPRINT_BACKEND=wasm/);
  });

  it('remove --purge, and the store reloads clean', async () => {
    const p = await box.json<{ removed: string; purged: boolean }>(['remove', 'Catherine', '--purge']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.obj).toMatchObject({ removed: 'Catherine', purged: true });
    const l = await box.vox(['list']);
    expect(l.code).toBe(0);
    expect(l.stderr).toBe('');
    expect(await names()).toEqual(['Ana', 'Ben']);
    const trash = join(box.store, 'trash');
    const purged = existsSync(trash) ? readdirSync(trash, { recursive: true }).map(String).filter((f) => /Catherine/.test(readFileSyncSafe(join(trash, f)))) : [];
    expect(purged).toEqual([]);
  });
});

function readFileSyncSafe(p: string): string {
  try {
    return statSync(p).isFile() ? readFileSync(p, 'utf8') : '';
  } catch {
    return '';
  }
}
