/** The live-session ops over the dispatcher: startLive -> pushLiveAudio -> endLive, with events checked against the contract. */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src/api/contract';
import { createDispatcher } from '../../src/api/dispatch';
import { liveHandlers } from '../../src/api/handlers/live';
import type { CoreHost } from '../../src/api/host';
import { JobRunner } from '../../src/api/jobs';
import { decodeAudioFile } from '../../src/audio/decode';
import { initBackend } from '../../src/backend';
import { LiveIdentifySession, LiveVerifySession } from '../../src/live/session';
import { createEmbedder, type Embedder } from '../../src/model';

const FILE = path.resolve('../shared/data/librispeech/test-other/1998/1998-15444-0004.flac');

function pcm16(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < x.length; i++) dv.setInt16(2 * i, Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768))), true);
  return out;
}

describe('live sessions over the contract', () => {
  let embedder: Embedder;
  let audio: Float32Array;
  const events: JobEvent[] = [];
  let dispatch: ReturnType<typeof createDispatcher>;
  beforeAll(async () => {
    await initBackend();
    embedder = createEmbedder({ seed: 5 });
    audio = (await decodeAudioFile(FILE)).samples;
    const jobs = new JobRunner((e) => events.push(e));
    const engine = {
      liveVerify: async (name: string) => ({ speaker: name, session: new LiveVerifySession(embedder, () => ({ score: 0.9, threshold: 0.5, accepted: true })) }),
      liveIdentify: async () =>
        new LiveIdentifySession(embedder, () => ({ candidates: [{ id: 'a', speaker: 'A', score: 0.1 }], best: null, threshold: 0.5 })),
    };
    const host = { engine: () => engine, jobs } as unknown as CoreHost;
    const h = liveHandlers(host);
    dispatch = createDispatcher({ ...h, cancelJob: async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }) });
  });
  afterAll(() => embedder.dispose());

  const waitFor = async (pred: () => boolean) => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(pred()).toBe(true);
  };

  it('streams an update per 0.5 s of speech as progress and ends with the final update as the result', async () => {
    const start = await dispatch('startLive', { speaker: 'A' });
    expect(start.ok).toBe(true);
    const jobId = (start as { ok: true; value: { jobId: string } }).value.jobId;
    let decided = false;
    for (let i = 0; i < audio.length; i += 4000) {
      const r = await dispatch('pushLiveAudio', { jobId, pcm: pcm16(audio.subarray(i, i + 4000)) });
      expect(r.ok).toBe(true);
      decided ||= (r as { ok: true; value: { decided: boolean } }).value.decided;
    }
    expect(decided).toBe(true);
    expect((await dispatch('endLive', { jobId })).ok).toBe(true);
    await waitFor(() => events.some((e) => e.jobId === jobId && e.type === 'done'));
    const mine = events.filter((e) => e.jobId === jobId);
    const progress = mine.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const done = mine.find((e) => e.type === 'done')!;
    expect(done.type === 'done' && done.result).toMatchObject({ final: true, score: 0.9, decision: { accepted: true, early: true } });
    // The session is gone: more audio is refused in words.
    const late = await dispatch('pushLiveAudio', { jobId, pcm: pcm16(audio.subarray(0, 100)) });
    expect(late).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
  });

  it('identifies when no speaker is given, and cancelJob ends a session with CANCELLED', async () => {
    const start = await dispatch('startLive', {});
    const jobId = (start as { ok: true; value: { jobId: string } }).value.jobId;
    await new Promise((r) => setImmediate(r)); // the job starts on the next turn, as over IPC
    await dispatch('pushLiveAudio', { jobId, pcm: pcm16(audio.subarray(0, 16000 * 3)) });
    expect((await dispatch('cancelJob', { jobId })).ok).toBe(true);
    await waitFor(() => events.some((e) => e.jobId === jobId && e.type === 'failed'));
    const failed = events.find((e) => e.jobId === jobId && e.type === 'failed')!;
    expect(failed.type === 'failed' && failed.error.code).toBe('CANCELLED');
    const p = events.find((e) => e.jobId === jobId && e.type === 'progress');
    expect(p?.type === 'progress' && p.progress).toMatchObject({ candidates: [{ speaker: 'A', score: 0.1 }], best: null });
  });
});
