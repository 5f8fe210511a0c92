/**
 * Fine-tuning from --data, calibration on three speakers and verify on silence, each as a user
 * would run it from a fresh clone: separate processes of `node bin/voxprint.js`, the shipped
 * model, real recordings from ../shared/data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav';
import { DATA, dataFolder, libri, type Sandbox, useSandbox } from './cli';

const sb = useSandbox('done');
let box: Sandbox;
beforeAll(() => {
  box = sb();
});

interface ModelsList {
  activeId: string;
  previousId: string | null;
  models: { id: string; builtin: boolean; active: boolean; parent: string | null }[];
}

describe('fine-tune, calibration and silence, as a user runs them', () => {
  it('6 train speakers of arabic-speech-commands x 5 clips: finetune --data DIR --epochs 1, the version is listed, rollback restores the parent', async () => {
    const splits = JSON.parse(readFileSync(join(DATA, 'splits.json'), 'utf8')) as { train: Record<string, string[]> };
    const dir = dataFolder(join(box.dir, 'ft'), 'arabic-speech-commands', splits.train['arabic-speech-commands'].slice(0, 6), 5);
    const store = join(box.dir, 'ft-store');
    const ft = await box.json<{ versionId: string; parentId: string; estimate: string; steps: number }>(['--store', store, 'finetune', '--data', dir, '--epochs', '1'], 300_000);
    expect(ft.code, ft.stderr).toBe(0);
    expect(ft.obj.estimate).toBe('held-out');
    expect(ft.obj.steps).toBeGreaterThan(0);

    const listed = await box.json<ModelsList>(['--store', store, 'models', 'list']);
    expect(listed.code).toBe(0);
    const version = listed.obj.models.find((m) => m.id === ft.obj.versionId);
    expect(version).toMatchObject({ builtin: false, parent: ft.obj.parentId });

    const back = await box.json<{ model: { id: string } }>(['--store', store, 'models', 'rollback']);
    expect(back.code, back.stderr).toBe(0);
    const after = await box.json<ModelsList>(['--store', store, 'models', 'list']);
    // Roll back from the new version when it was made the one in use; either way the parent is in use after.
    expect(after.obj.activeId).toBe(ft.obj.parentId);
    expect(after.obj.models.find((m) => m.active)?.id).toBe(ft.obj.parentId);
  });

  it('3 LibriSpeech test-other speakers x 4 distinct files: calibrate --apply leaves a threshold in (0.2, 0.95) and a 6th file is still accepted', async () => {
    for (const [name, spk] of [
      ['first', '1688'],
      ['second', '1998'],
      ['third', '2033'],
    ]) {
      const r = await box.vox(['enroll', name, ...[0, 1, 2, 3].map((i) => libri(spk, i))]);
      expect(r.code, r.stderr).toBe(0);
    }
    const cal = await box.json<{ applied: boolean; advice: { threshold: number } }>(['calibrate', '--apply']);
    expect(cal.code, cal.stderr).toBe(0);
    expect(cal.obj.applied).toBe(true);
    const t = await box.json<{ threshold: number }>(['threshold']);
    expect(t.obj.threshold).toBeGreaterThan(0.2);
    expect(t.obj.threshold).toBeLessThan(0.95);
    expect(t.obj.threshold).toBeCloseTo(cal.obj.advice.threshold, 12);
    const v = await box.json<{ accepted: boolean; score: number }>(['verify', 'first', libri('1688', 5)]);
    expect(v.obj.accepted, `score ${v.obj.score} against ${t.obj.threshold}`).toBe(true);
    expect(v.code).toBe(0);
  });

  it('verify on 3 s of silence exits non-zero with a typed no-speech error', async () => {
    const silence = join(box.dir, 'silence.wav');
    writeFileSync(silence, encodeWav(new Float32Array(48_000), 16_000));
    const r = await box.json(['verify', 'first', silence]);
    expect(r.code).toBe(2);
    expect(r.obj).toMatchObject({ error: { code: 'TOO_LITTLE_SPEECH', subject: 'silence.wav', message: expect.stringMatching(/no speech/) } });
    const text = await box.vox(['verify', 'first', silence]);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^voxprint: silence\.wav: no speech found.*Record again/);
  });
});
