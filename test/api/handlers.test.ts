import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../src/api/contract';
import { createDispatcher, type Dispatch } from '../../src/api/dispatch';
import { createHandlers } from '../../src/api/handlers';
import type { CoreHost } from '../../src/api/host';
import { JobRunner } from '../../src/api/jobs';
import { encodeWav } from '../../src/audio/wav';
import { tf } from '../../src/backend';
import { Engine } from '../../src/engine';
import { saveRandomModel } from '../cli/random-model';

const LIBRI = path.resolve('../shared/data/librispeech/test-other/1688');
const take = (i: number) => {
  const f = fs.readdirSync(LIBRI).sort()[i];
  return { name: f, bytes: new Uint8Array(fs.readFileSync(path.join(LIBRI, f))) };
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-handlers-'));
let engine: Engine;
let dispatch: Dispatch;
let tensorsBefore = 0;

beforeAll(async () => {
  await saveRandomModel(path.join(tmp, 'model'));
  tensorsBefore = tf.memory().numTensors;
  engine = await Engine.open({ storeDir: path.join(tmp, 'store'), modelDir: path.join(tmp, 'model') });
  const host = { engine: () => engine, ensureOpen: async () => {}, jobs: new JobRunner(() => {}) } as unknown as CoreHost;
  dispatch = createDispatcher(createHandlers(host), {
    onInternalError: (op, e) => {
      throw new Error(`${op}: ${String(e)}`);
    },
  });
});
afterAll(() => {
  engine.dispose();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('handlers over the real engine', () => {
  it("answer with the engine's own summaries and take reports, in the contract's shape", async () => {
    const r = await dispatch('enroll', { name: 'Anna', takes: [take(0), take(1)] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const value = r.value as { speaker: unknown; takes: { name: string }[] };
    expect(value.speaker).toEqual(engine.listSpeakers()[0]);
    expect(value.takes.map((t) => t.name)).toEqual([take(0).name, take(1).name]);

    const silence = await dispatch('assessTake', { audio: { name: 'silence.wav', bytes: encodeWav(new Float32Array(32000), 16000) } });
    expect(silence).toMatchObject({ ok: true, value: { name: 'silence.wav', usable: false, issues: [{ code: 'no_voice' }] } });
    expect(contract.assessTake.response.safeParse((silence as { value: unknown }).value).success).toBe(true);
  });

  it("rename answers with what engine.rename returns: the store's normalised name, matched by its own rule", async () => {
    const id = engine.listSpeakers()[0].id;
    // Decomposed "é": the store keeps the NFC form, which no case-insensitive re-listing would find.
    const r = await dispatch('renameSpeaker', { name: 'ＡＮＮＡ', newName: 'Zoe\u0301' });
    expect(r).toEqual({ ok: true, value: { speaker: expect.objectContaining({ id, name: 'Zo\u00e9', utterances: 2 }) } });
    expect(engine.listSpeakers().map((s) => s.name)).toEqual(['Zo\u00e9']);
  });
});
