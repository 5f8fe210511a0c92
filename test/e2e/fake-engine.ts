/**
 * An in-memory stand-in for the engine facade, used only to develop the renderer before the real
 * engine landed and by quick UI checks; the e2e test itself runs over the real engine.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ModelCardSchema } from '../../src/model/card';
import { VoxprintError } from '../../src/errors';
import type { AudioInput, EngineLike } from '../../src/api/host';

type Input = AudioInput;

interface FakeSpeaker {
  id: string;
  name: string;
  takes: Uint8Array[];
  createdAt: string;
}

function bytesOf(input: AudioInput): Uint8Array {
  if ('bytes' in input) return input.bytes;
  throw new VoxprintError('BAD_ARGUMENT', 'The fake engine takes bytes only.');
}

/** WAV duration from the header's byte rate; 1 s for anything else. */
function durationOf(b: Uint8Array): number {
  if (b.length > 44 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF') {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return (b.length - 44) / v.getUint32(28, true);
  }
  return 1;
}

function pseudoScore(a: string, b: string): number {
  const h = createHash('sha1').update(a + '|' + b).digest();
  return (h[0] / 255) * 1.2 - 0.4;
}

export function createFakeEngine(): EngineLike {
  return fakeEngine() as unknown as EngineLike;
}

function fakeEngine() {
  const speakers = new Map<string, FakeSpeaker>();
  let threshold = 0.5;
  const summary = (s: FakeSpeaker) => ({
    id: s.id,
    name: s.name,
    utterances: s.takes.length,
    speechSec: s.takes.reduce((t, b) => t + durationOf(b) * 0.8, 0),
    modelId: 'fake-model',
    createdAt: s.createdAt,
    stale: false,
  });
  const get = (name: string) => {
    const s = speakers.get(name);
    if (!s) throw new VoxprintError('UNKNOWN_SPEAKER', `No speaker is named "${name}".`);
    return s;
  };
  return {
    info: () => ({
      version: '0.1.0',
      backend: 'fake',
      storeDir: '/tmp/fake-store',
      model: { id: 'fake-model', dir: '/tmp/fake-model', card: { ...ModelCardSchema.parse(JSON.parse(readFileSync('models/default/voxprint.json', 'utf8'))), id: 'fake-model' } },
      threshold,
      recommendedSpeechSec: 20,
      minSpeechSec: 1.5,
      problems: [],
    }),
    listSpeakers: () => [...speakers.values()].map(summary),
    async assessTake(input: Input) {
      const b = bytesOf(input);
      const d = durationOf(b);
      const quiet = d < 1.5;
      return {
        name: 'bytes' in input ? input.name : 'take',
        durationSec: d,
        speechSec: d * 0.8,
        peakDb: -6,
        rmsDb: -24,
        snrDb: 30,
        clippedFraction: 0,
        usable: d >= 1,
        issues: quiet ? [{ code: 'too_short', message: 'Very little speech.', fix: 'Speak for at least three seconds.' }] : [],
      };
    },
    async enroll(name: string, inputs: Input[], opts?: { append?: boolean }) {
      if (speakers.has(name) && !opts?.append) throw new VoxprintError('SPEAKER_EXISTS', `${name} is already enrolled.`);
      const s: FakeSpeaker = speakers.get(name) ?? { id: `s${speakers.size + 1}`, name, takes: [], createdAt: new Date().toISOString() };
      s.takes.push(...inputs.map(bytesOf));
      speakers.set(name, s);
      return { speaker: summary(s), takes: [], speechSec: summary(s).speechSec };
    },
    async verify(name: string, input: Input) {
      get(name);
      const score = pseudoScore(name, createHash('sha1').update(bytesOf(input)).digest('hex'));
      return { speaker: name, score, threshold, accepted: score >= threshold, latencyMs: 42 };
    },
    async identify(input: Input, opts?: { top?: number }) {
      const key = createHash('sha1').update(bytesOf(input)).digest('hex');
      const candidates = [...speakers.keys()]
        .map((n) => ({ speaker: n, score: pseudoScore(n, key) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, opts?.top ?? 3);
      const best = candidates[0] && candidates[0].score >= threshold ? candidates[0].speaker : null;
      return { candidates, best, threshold, latencyMs: 40 };
    },
    async rename(name: string, newName: string) {
      const s = get(name);
      speakers.delete(name);
      s.name = newName;
      speakers.set(newName, s);
      return summary(s);
    },
    async remove(name: string) {
      get(name);
      speakers.delete(name);
    },
    async exportProfile(name: string) {
      return new TextEncoder().encode(JSON.stringify({ name: get(name).name }));
    },
    async importProfile(bytes: Uint8Array) {
      const { name } = JSON.parse(new TextDecoder().decode(bytes)) as { name: string };
      const s: FakeSpeaker = { id: `s${speakers.size + 1}`, name, takes: [], createdAt: new Date().toISOString() };
      speakers.set(name, s);
      return summary(s);
    },
    async calibrate() {
      const targetScores = Array.from({ length: 40 }, (_, i) => 0.55 + 0.3 * Math.sin(i * 1.7) * 0.5);
      const nontargetScores = Array.from({ length: 160 }, (_, i) => 0.1 + 0.25 * Math.sin(i * 2.3));
      const { computeEer, detCurve } = await import('../../src/eval/metrics');
      const { adviseThreshold } = await import('../../src/eval/store-threshold');
      const e = computeEer(targetScores, nontargetScores);
      const advice = adviseThreshold(targetScores, nontargetScores, 0.5);
      return { targetScores, nontargetScores, eer: e.eer, eerThreshold: e.threshold, det: detCurve(targetScores, nontargetScores), trials: 200, advice };
    },
    async setThreshold(t: number) {
      threshold = t;
    },
    threshold: () => threshold,
    reembedStale: async () => 0,
    dispose: () => {},
  };
}
