/**
 * Inputs for `npm run bench`, all cut from real recordings in ../shared/data (read-only; anything
 * the bench writes goes to a temp folder): a 3 s WAV to verify, an enrollment take of the same
 * speaker, a 30 s stretch of speech, a batch of 3 s crops, and the model folder to use.
 */
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeAudioFile } from '../audio/decode';
import { encodeWav } from '../audio/wav';
import { VoxprintError } from '../errors';
import { SAMPLE_RATE } from '../features/front-end';
import { createEmbedder, loadModel, saveModel, type Embedder } from '../model';
import { builtinModelDir } from '../model/resolve';

/** The repository root (this file is src/bench/fixtures.ts). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const DEFAULT_DATA = resolve(REPO_ROOT, '..', 'shared', 'data');
/** The shipped model, whatever VOXPRINT_MODEL says: the bench's figures are its figures. */
export const DEFAULT_MODEL_DIR = builtinModelDir({});

const SR = SAMPLE_RATE;

/** LibriSpeech test-other files grouped by speaker, sorted (speakers with >= 2 files). */
export function libriBySpeaker(data: string): string[][] {
  const dir = join(data, 'librispeech', 'test-other');
  if (!existsSync(dir)) throw new Error(`bench data missing: ${dir} (the bench reads ../shared/data)`);
  return readdirSync(dir)
    .filter((d) => /^\d+$/.test(d))
    .sort()
    .map((d) =>
      readdirSync(join(dir, d))
        .filter((f) => f.endsWith('.flac'))
        .sort()
        .map((f) => join(dir, d, f)),
    )
    .filter((fs) => fs.length >= 2);
}

export interface VerifyFixture {
  /** A 3 s 16 kHz mono WAV cut from a real utterance. */
  testWav: string;
  /** Another utterance of the same speaker, enrolled. */
  enrollFile: string;
  speakerDir: string;
}

/** Writes the 3 s test WAV into `tmp`; enrollment uses another file of the same speaker. */
export async function verifyFixture(data: string, tmp: string): Promise<VerifyFixture> {
  const [files] = libriBySpeaker(data);
  const a = await decodeAudioFile(files[0]);
  const clip = a.samples.subarray(Math.round(0.5 * SR), Math.round(3.5 * SR));
  if (clip.length < 3 * SR) throw new Error(`${files[0]} is shorter than 3.5 s`);
  const testWav = join(tmp, 'verify-3s.wav');
  await writeFile(testWav, encodeWav(clip, SR));
  return { testWav, enrollFile: files[1], speakerDir: resolve(files[0], '..') };
}

/** `seconds` of real speech: consecutive LibriSpeech test-other utterances, concatenated. */
export async function speechOf(data: string, seconds: number): Promise<Float32Array> {
  const out = new Float32Array(Math.round(seconds * SR));
  let at = 0;
  for (const files of libriBySpeaker(data)) {
    for (const f of files) {
      if (at >= out.length) return out;
      const s = (await decodeAudioFile(f)).samples;
      const n = Math.min(s.length, out.length - at);
      out.set(s.subarray(0, n), at);
      at += n;
    }
  }
  if (at < out.length) throw new Error(`only ${(at / SR).toFixed(1)} s of speech under ${data}`);
  return out;
}

/** `n` real 3 s crops, each from a different utterance (round-robin over speakers). */
export async function crops3s(data: string, n: number): Promise<Float32Array[]> {
  const speakers = libriBySpeaker(data);
  const out: Float32Array[] = [];
  for (let round = 0; out.length < n; round++) {
    let added = false;
    for (const files of speakers) {
      if (out.length >= n) break;
      if (round >= files.length) continue;
      const s = (await decodeAudioFile(files[round])).samples;
      if (s.length >= 3 * SR) {
        out.push(s.slice(0, 3 * SR));
        added = true;
      }
    }
    if (!added) throw new Error(`fewer than ${n} utterances of 3 s under ${data}`);
  }
  return out;
}

export interface BenchModel {
  /** The folder loaded (models/default, or a temp folder holding a random-init model). */
  dir: string;
  /** What the figures were measured with, printed with them. */
  label: string;
  trained: boolean;
  embedder: Embedder;
}

/**
 * models/default when it exists and loads; otherwise a randomly initialised embedder of the
 * default architecture (createEmbedder()), saved to `tmp` so the CLI and child processes can load
 * it too. The timing of a random model equals a trained one's: same layers, same shapes.
 * Call `await initBackend()` first.
 */
export async function benchModel(tmp: string, modelDir = DEFAULT_MODEL_DIR): Promise<BenchModel> {
  let why = 'models/default is absent';
  if (existsSync(join(modelDir, 'model.json'))) {
    try {
      const embedder = await loadModel(modelDir);
      return { dir: modelDir, label: `trained model ${embedder.card?.id ?? '?'} (${modelDir})`, trained: true, embedder };
    } catch (e) {
      if (!(e instanceof VoxprintError)) throw e;
      why = `models/default did not load (${e.code})`;
    }
  }
  const dir = join(tmp, 'random-model');
  const fresh = createEmbedder();
  try {
    await saveModel(dir, fresh, {
      id: 'bench-random-init',
      createdAt: new Date().toISOString(),
      training: {
        data: [{ name: 'none', speakers: 0, clips: 0, licence: 'none', attribution: 'random weights, for timing only' }],
        loss: 'none',
        mining: 'none',
        steps: 0,
        seconds: 0,
        recipe: 'random initialisation of the default architecture (bench only; scores are meaningless)',
      },
      evaluation: {},
      threshold: { value: 0.5, method: 'fixed for the bench' },
      parent: null,
    });
  } finally {
    fresh.dispose();
  }
  const embedder = await loadModel(dir);
  return { dir, label: `random-init embedder, default architecture (${why}; timing only)`, trained: false, embedder };
}
