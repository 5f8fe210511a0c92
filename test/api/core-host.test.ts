/**
 * The core host on the real engine with two small random models: list, switch (profiles are
 * re-embedded), roll back, refuse unknown ids, and report a missing model in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoreHost } from '../../src/api/core-host';
import { createDispatcher } from '../../src/api/dispatch';
import { createHandlers } from '../../src/api/handlers';
import { tf } from '../../src/backend';
import { Engine } from '../../src/engine';
import { makeRandomModel } from '../e2e/model';
import { DATA } from '../e2e/fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'vp-host-'));
const store = join(tmp, 'store');
const clip = (n: number) => ({ path: join(DATA, 'librispeech/test-other/2033', `2033-164914-000${n}.flac`) });
let tensorsBefore = 0;

beforeAll(async () => {
  await makeRandomModel(join(tmp, 'builtin'), { id: 'builtin-m', seed: 1 });
  tensorsBefore = tf.memory().numTensors;
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function host(builtin = join(tmp, 'builtin')) {
  return createCoreHost({
    storeDir: store,
    builtinModelDir: builtin,
    openEngine: (o) => Engine.open(o),
    spawnFinetuneWorker: () => {
      throw new Error('not used here');
    },
    emit: () => {},
  });
}

describe('core host: models', () => {
  it('lists, switches with re-embedding, rolls back, and refuses unknown ids', async () => {
    const h = await host();
    const call = createDispatcher(createHandlers(h));
    await h.engine().enroll('Filippo', [clip(0), clip(1)]);
    // A fine-tune leaves its candidate in STORE/models/ID (the store exists by then).
    await makeRandomModel(join(store, 'models', 'ft-a'), { id: 'ft-a', seed: 2 });
    const listed = await call('listModels', {});
    expect(listed).toMatchObject({ ok: true, value: { previousId: null } });
    if (!listed.ok) throw new Error('unreachable');
    const models = (listed.value as { models: { id: string; active: boolean; builtin: boolean }[] }).models;
    expect(models.map((m) => [m.id, m.active, m.builtin])).toEqual([
      ['builtin-m', true, true],
      ['ft-a', false, false],
    ]);

    const used = await call('useModel', { id: 'ft-a' });
    expect(used).toMatchObject({ ok: true, value: { model: { id: 'ft-a' }, reembedded: 1 } });
    expect(h.engine().listSpeakers()[0]).toMatchObject({ modelId: 'ft-a', stale: false });

    // A new host (the app restarted) comes back on the chosen model.
    h.close();
    const h2 = await host();
    expect(h2.engine().info().model.id).toBe('ft-a');
    const call2 = createDispatcher(createHandlers(h2));
    const back = await call2('rollbackModel', {});
    // The switch kept the built-in model's embeddings beside the new ones: rolling back re-embeds nothing.
    expect(back).toMatchObject({ ok: true, value: { model: { id: 'builtin-m' }, reembedded: 0 } });
    expect(h2.engine().listSpeakers()[0]).toMatchObject({ modelId: 'builtin-m', stale: false });
    expect(await call2('useModel', { id: '../../etc' })).toMatchObject({ ok: false, error: { code: 'NO_MODEL' } });
    expect(await call2('useModel', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'NO_MODEL' } });
    const v = await call2('verify', { speaker: 'Filippo', audio: { name: 'x.flac', bytes: new Uint8Array(await import('node:fs').then((f) => f.readFileSync(clip(2).path))) } });
    expect(v).toMatchObject({ ok: true });
    h2.close();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 120_000);

  it('without a model, getInfo fails in words; once a model is installed, trying again opens it', async () => {
    const h = await host(join(tmp, 'missing'));
    const call = createDispatcher(createHandlers(h));
    const r = await call('getInfo', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'NO_MODEL' } });
    if (!r.ok) expect(r.error.message).toMatch(/model/);
    await makeRandomModel(join(tmp, 'missing'), { id: 'late-m', seed: 3 });
    expect(await call('getInfo', {})).toMatchObject({ ok: true, value: { model: { id: 'late-m' } } });
    h.close();
  });
});
