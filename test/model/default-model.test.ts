/**
 * The shipped model (models/default) loads, embeds, and separates dev speakers it never saw.
 * A short, untimed check on a subset of the dev data; the full numbers are in models/default/README.md.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { decodeAudioFile } from '../../src/audio/decode';
import { loadModel, type Embedder } from '../../src/model';
import { DEFAULT_ID, DEFAULT_MEMBERS } from '../../src/train/default-recipe';

const MODEL = join(__dirname, '../../models/default');
const DATA = join(__dirname, '../../../shared/data');
const present = existsSync(join(MODEL, 'model.json'));
if (!present) console.warn(`SKIPPED: ${MODEL} is absent; run \`npm run train:default\` to create the default model.`);

async function embedClips(e: Embedder, dir: string, n: number): Promise<Float32Array[]> {
  const files = readdirSync(dir).sort().filter((_, i) => i % 7 === 0).slice(0, n);
  const out: Float32Array[] = [];
  for (const f of files) out.push(e.embedSamples((await decodeAudioFile(join(dir, f))).samples));
  return out;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Leave-one-out: each clip goes to the speaker whose other clips' mean is most similar. */
function looAccuracy(groups: Float32Array[][]): number {
  let right = 0;
  let total = 0;
  groups.forEach((g, gi) => {
    g.forEach((x, xi) => {
      const scores = groups.map((h, hi) => {
        const others = h.filter((_, j) => !(hi === gi && j === xi));
        return others.reduce((s, y) => s + dot(x, y), 0) / others.length;
      });
      right += scores.indexOf(Math.max(...scores)) === gi ? 1 : 0;
      total++;
    });
  });
  return right / total;
}

describe.skipIf(!present)('the shipped default model', () => {
  let e: Embedder;
  beforeAll(async () => {
    await initBackend();
    e = await loadModel(MODEL);
  });

  it('has a card with dev results and a calibrated threshold', () => {
    expect(e.card?.format).toBe('voxprint-embedder');
    // It is what `npm run train:default` makes: the ensemble of DEFAULT_MEMBERS.
    expect(e.card?.id).toBe(DEFAULT_ID);
    expect(e.arch.members).toBe(DEFAULT_MEMBERS.length);
    expect(e.dim).toBe(DEFAULT_MEMBERS.length * e.arch.embedDim);
    for (const list of ['dsp-dev', 'libri-dev', 'arabic-dev', 'sc-dev', 'so-dev']) expect(e.card?.evaluation[list], list).toBeDefined();
    expect(e.card?.threshold.method).toMatch(/validation/);
    // It ships with its score calibration, fitted for this very model on held-out train speakers.
    expect(e.calibration?.data.modelId).toBe(DEFAULT_ID);
    expect(e.calibration?.data.decision.method).toMatch(/held-out train speakers.*never dev/);
    expect(e.calibration?.data.features).toContain('cosine');
  });

  it('separates two short-word dev speakers (DSPSpeech-20) and two Arabic keyword dev speakers', async () => {
    const before = tf.memory().numTensors;
    for (const [corpus, a, b] of [
      ['dspspeech20', '16307130194', '16307130302'],
      ['arabic-speech-commands', '00000003', '00000010'],
    ]) {
      const ga = await embedClips(e, join(DATA, corpus, a), 8);
      const gb = await embedClips(e, join(DATA, corpus, b), 8);
      expect(looAccuracy([ga, gb])).toBeGreaterThanOrEqual(0.85);
      const same = (dot(ga[0], ga[1]) + dot(gb[0], gb[1])) / 2;
      const diff = (dot(ga[0], gb[0]) + dot(ga[1], gb[1])) / 2;
      expect(same).toBeGreaterThan(diff);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('separates two LibriSpeech dev speakers', async () => {
    const ga = await embedClips(e, join(DATA, 'librispeech/test-other/1998'), 2);
    const gb = await embedClips(e, join(DATA, 'librispeech/test-other/2033'), 2);
    expect(looAccuracy([ga, gb])).toBe(1);
  });
});
