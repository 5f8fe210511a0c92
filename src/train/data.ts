/**
 * Training material: which files belong to which speaker. Two layouts:
 * - the shared corpus folder with `splits.json` (`{train: {corpus: [speaker, ...]}}`): only the
 *   `train` speakers are listed, never `dev`;
 * - a plain folder `DIR/SPEAKER/*.{wav,flac,mp3,ogg,opus}`: one corpus named `user`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors';

export interface Utterance {
  /** Absolute or data-relative path of the audio file. */
  path: string;
  /** Unique speaker id, `corpus/speaker`. */
  speaker: string;
  corpus: string;
}

const AUDIO_EXT = /\.(wav|flac|mp3|ogg|opus)$/i;

function listAudio(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => AUDIO_EXT.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Finds `corpus/speaker` or `corpus/<subset>/speaker` under `root` (LibriSpeech keeps subsets). */
function speakerDir(root: string, corpus: string, speaker: string): string | undefined {
  const direct = join(root, corpus, speaker);
  if (existsSync(direct) && statSync(direct).isDirectory()) return direct;
  const base = join(root, corpus);
  if (!existsSync(base)) return undefined;
  for (const sub of readdirSync(base).sort()) {
    const d = join(base, sub, speaker);
    if (existsSync(d) && statSync(d).isDirectory()) return d;
  }
  return undefined;
}

/**
 * Lists the training utterances. With `splits`, only its `train` speakers; otherwise every
 * sub-folder of `data` is a speaker. Throws InvalidArgumentError NOT_ENOUGH_DATA-style messages
 * when the folder is missing or holds fewer than 2 speakers.
 */
export function listTrainingData(data: string, splits?: string): Utterance[] {
  if (!existsSync(data)) throw new InvalidArgumentError(`Training data folder ${data} does not exist. Pass --data DIR with one sub-folder of recordings per speaker.`);
  const out: Utterance[] = [];
  if (splits) {
    if (!existsSync(splits)) throw new InvalidArgumentError(`Splits file ${splits} does not exist. Pass --splits FILE or leave it out to use every speaker folder.`);
    const s = JSON.parse(readFileSync(splits, 'utf8')) as { train?: Record<string, string[]> };
    if (!s.train) throw new InvalidArgumentError(`${splits} has no "train" section.`);
    for (const [corpus, speakers] of Object.entries(s.train)) {
      for (const spk of speakers) {
        const dir = speakerDir(data, corpus, spk);
        if (!dir) throw new InvalidArgumentError(`Speaker ${corpus}/${spk} from ${splits} has no folder under ${data}.`);
        for (const path of listAudio(dir)) out.push({ path, speaker: `${corpus}/${spk}`, corpus });
      }
    }
  } else {
    for (const spk of readdirSync(data).sort()) {
      const dir = join(data, spk);
      if (!statSync(dir).isDirectory()) continue;
      for (const path of listAudio(dir)) out.push({ path, speaker: `user/${spk}`, corpus: 'user' });
    }
  }
  const speakers = new Set(out.map((u) => u.speaker));
  if (speakers.size < 2) {
    throw new InvalidArgumentError(`Found ${speakers.size} speaker(s) with audio under ${data}; training needs at least 2 (DIR/SPEAKER/*.wav).`);
  }
  return out;
}
