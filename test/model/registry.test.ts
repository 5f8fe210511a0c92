/**
 * Model versions and safe switching (src/model/registry.ts) on the real engine with small random
 * models: a switch writes the new embeddings beside the old ones and commits with one rename; a
 * roll back needs no re-embedding; a failed re-embed leaves the old model and profiles in use;
 * kill -9 at random points of repeated save-and-switch runs leaves a consistent store.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { Engine } from '../../src/engine';
import { ModelRegistry, rollbackModel, switchModel } from '../../src/model/registry';
import { ProfileStore } from '../../src/speakers/store';
import { saveRandomModel } from '../cli/random-model';

const DSP = path.resolve('../shared/data/dspspeech20');
const word = (spk: string, w: string, r = '10') => ({ path: path.join(DSP, spk, `${spk}-${w}-${r}.flac`) });
const A = '16307130302';
const B = '15307110252';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-registry-'));
const builtin = path.join(tmp, 'builtin');
const savedEnv = process.env.VOXPRINT_MODEL;
let tensorsBefore = 0;

beforeAll(async () => {
  await initBackend();
  await saveRandomModel(builtin, 'base', 3);
  process.env.VOXPRINT_MODEL = builtin;
  tensorsBefore = tf.memory().numTensors;
});
afterAll(() => {
  if (savedEnv === undefined) delete process.env.VOXPRINT_MODEL;
  else process.env.VOXPRINT_MODEL = savedEnv;
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function enrollTwo(storeDir: string): Promise<void> {
  const e = await Engine.open({ storeDir });
  await e.enroll('Anna', [word(A, '01'), word(A, '02'), word(A, '03')]);
  await e.enroll('Ben', [word(B, '01'), word(B, '02'), word(B, '03')]);
  e.dispose();
}

describe('model registry', () => {
  it('switches by writing the new embeddings beside the old and committing once; rolls back without re-embedding', async () => {
    const storeDir = path.join(tmp, 's1');
    await enrollTwo(storeDir);
    const reg = new ModelRegistry({ storeDir, builtinDir: builtin });
    await saveRandomModel(reg.userModelDir('v1'), 'v1', 11);
    const store = await ProfileStore.open(storeDir);
    const before = new Map(store.list().map((p) => [p.name, p.utterances.map((u) => Array.from(u.embedding))]));
    expect(await reg.activeId()).toBe('base');
    expect((await reg.entries()).map((e) => [e.id, e.builtin])).toEqual([
      ['base', true],
      ['v1', false],
    ]);

    const progress: number[] = [];
    const r = await switchModel(reg, store, 'v1', { onProgress: (d) => progress.push(d) });
    expect(r).toMatchObject({ model: { id: 'v1' }, previousId: 'base', reembedded: 2, switched: 2, profiles: 2 });
    expect(progress).toEqual([1, 2]);
    expect(reg.state()).toMatchObject({ activeId: 'v1', previousId: 'base' });
    store.refresh();
    for (const p of store.list()) {
      expect(p.modelId).toBe('v1');
      expect(p.others?.map((o) => o.modelId)).toEqual(['base']);
    }

    // An engine opened without --model follows the store's choice.
    const e = await Engine.open({ storeDir });
    expect(e.info().model.id).toBe('v1');
    expect(e.listSpeakers().every((s) => !s.stale && s.modelId === 'v1')).toBe(true);
    expect((await e.verify('Anna', word(A, '04'))).speaker).toBe('Anna');
    e.dispose();

    const back = await rollbackModel(reg, store);
    expect(back).toMatchObject({ model: { id: 'base' }, previousId: 'v1', reembedded: 0, switched: 2 });
    expect(reg.state()).toMatchObject({ activeId: null, previousId: 'v1' });
    store.refresh();
    // The original embeddings came back exactly: nothing was lost by the round trip.
    for (const p of store.list()) expect(p.utterances.map((u) => Array.from(u.embedding))).toEqual(before.get(p.name));
    const e2 = await Engine.open({ storeDir });
    expect(e2.info().model.id).toBe('base');
    e2.dispose();
    await expect(switchModel(reg, store, 'nope')).rejects.toMatchObject({ code: 'NO_MODEL' });
    await expect(switchModel(reg, store, '../../etc')).rejects.toMatchObject({ code: 'NO_MODEL' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 120_000);

  it('a re-embed that fails half-way leaves the old model and the old profiles in use', async () => {
    const storeDir = path.join(tmp, 's2');
    await enrollTwo(storeDir);
    const reg = new ModelRegistry({ storeDir, builtinDir: builtin });
    await saveRandomModel(reg.userModelDir('v2'), 'v2', 12);
    const store = await ProfileStore.open(storeDir);
    // Ben (the second profile switched) has a damaged recording.
    const ben = store.get('Ben');
    fs.writeFileSync(path.join(storeDir, 'profiles', ben.id, `rec-${ben.utterances[1].id}.wav`), Buffer.alloc(100, 7));
    await expect(switchModel(reg, store, 'v2')).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    expect(reg.state()).toMatchObject({ activeId: null, previousId: null });
    const e = await Engine.open({ storeDir });
    expect(e.info().model.id).toBe('base');
    expect(e.store.problems).toEqual([]);
    expect(e.listSpeakers().map((s) => [s.name, s.modelId, s.stale])).toEqual([
      ['Anna', 'base', false],
      ['Ben', 'base', false],
    ]);
    expect((await e.verify('Anna', word(A, '04'))).speaker).toBe('Anna');
    // Anna's half of the failed switch is a harmless extra entry.
    expect(e.store.get('Anna').others?.map((o) => o.modelId)).toEqual(['v2']);
    e.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 120_000);

  it('kill -9 at random points of save-and-switch loops leaves a consistent store', async () => {
    const storeDir = path.join(tmp, 's3');
    await enrollTwo(storeDir);
    const script = path.join(tmp, 'switcher.mts');
    fs.writeFileSync(
      script,
      `
import { initBackend } from ${JSON.stringify(path.resolve('src/backend.ts'))};
import { ModelRegistry, switchModel } from ${JSON.stringify(path.resolve('src/model/registry.ts'))};
import { ProfileStore } from ${JSON.stringify(path.resolve('src/speakers/store.ts'))};
import { saveRandomModel } from ${JSON.stringify(path.resolve('test/cli/random-model.ts'))};
const [storeDir, builtinDir, tag] = process.argv.slice(2);
await initBackend();
const reg = new ModelRegistry({ storeDir, builtinDir });
const store = await ProfileStore.open(storeDir, { lock: { timeoutMs: 30000 } });
process.stdout.write('ready\\n');
for (let i = 0; ; i++) {
  const id = tag + '-' + i;
  await saveRandomModel(reg.userModelDir(id), id, 100 + i);
  await switchModel(reg, store, id);
  process.stdout.write('switched ' + id + '\\n');
}
`,
    );
    const kill = (tag: string, delayMs: number) =>
      new Promise<string[]>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, storeDir, builtin, tag], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        let timer: NodeJS.Timeout | undefined;
        child.stdout.on('data', (d) => {
          out += d;
          if (!timer && out.includes('ready')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
        });
        child.on('exit', () => resolve(out.split('\n').filter((l) => l.startsWith('switched '))));
      });
    const reg = new ModelRegistry({ storeDir, builtinDir: builtin });
    const committed: string[] = [];
    for (const [k, delay] of [200, 900, 1700].entries()) {
      committed.push(...(await kill(`k${k}`, delay)).map((l) => l.slice('switched '.length)));
      const active = await reg.activeId();
      // The model in use is the last switch reported as committed, or a later one that committed
      // just before the kill (never an older one, never none).
      expect(active).not.toBeNull();
      if (committed.length) expect(active === committed[committed.length - 1] || !committed.includes(active!)).toBe(true);
      const e = await Engine.open({ storeDir });
      expect(e.info().model.id).toBe(active);
      expect(e.store.problems).toEqual([]);
      for (const s of ['Anna', 'Ben']) expect((await e.verify(s, word(s === 'Anna' ? A : B, '05'))).speaker).toBe(s);
      expect(e.listSpeakers().every((s) => !s.stale)).toBe(true);
      e.dispose();
      reg.sweepLeftovers();
      expect(fs.readdirSync(reg.userDir).filter((n) => n.startsWith('.'))).toEqual([]);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 240_000);
});
