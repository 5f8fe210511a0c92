/**
 * The shared data's speaker splits (`splits.json`: `{train: {corpus: [speaker...]}, dev: {...}}`)
 * mapped to files on disk. A speaker's folder is `ROOT/CORPUS/SPEAKER` or one level deeper
 * (`ROOT/librispeech/train-clean-100/SPEAKER`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { InvalidArgumentError, VoxprintError } from '../errors';

const SplitsSchema = z.object({
  train: z.record(z.string(), z.array(z.string())),
  dev: z.record(z.string(), z.array(z.string())).optional(),
});
export type Splits = z.infer<typeof SplitsSchema>;

const AUDIO_RE = /\.(wav|flac|mp3|ogg|opus|oga)$/i;

export function readSplits(file: string): Splits {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new VoxprintError('FILE_NOT_FOUND', `The speaker split file ${file} does not exist. Give it with --splits FILE.`, { subject: file });
    throw new InvalidArgumentError(`${file} is not valid JSON: ${(e as Error).message}`, { subject: file });
  }
  const r = SplitsSchema.safeParse(raw);
  if (!r.success) throw new InvalidArgumentError(`${file} is not a speaker split file ({"train": {"corpus": ["speaker", ...]}}).`, { subject: file });
  return r.data;
}

/** The folder holding one speaker's files, or undefined. */
export function speakerDir(root: string, corpus: string, speaker: string): string | undefined {
  const direct = path.join(root, corpus, speaker);
  if (isDir(direct)) return direct;
  const base = path.join(root, corpus);
  if (!isDir(base)) return undefined;
  for (const sub of fs.readdirSync(base).sort()) {
    const p = path.join(base, sub, speaker);
    if (isDir(p)) return p;
  }
  return undefined;
}

export interface SpeakerFiles {
  /** `corpus/speaker`, unique across corpora. */
  key: string;
  corpus: string;
  files: string[];
}

/**
 * The audio files of every speaker in one part of the split (sorted, so runs are repeatable).
 * Throws InvalidArgumentError naming a speaker whose folder is missing.
 */
export function splitFiles(splits: Splits, part: 'train' | 'dev', root: string): SpeakerFiles[] {
  const table = splits[part] ?? {};
  const out: SpeakerFiles[] = [];
  for (const corpus of Object.keys(table).sort()) {
    for (const spk of table[corpus]) {
      const dir = speakerDir(root, corpus, spk);
      if (!dir)
        throw new InvalidArgumentError(`Speaker ${corpus}/${spk} of the ${part} split has no folder under ${root}. Check --splits and the data folder.`);
      const files = fs
        .readdirSync(dir)
        .filter((f) => AUDIO_RE.test(f))
        .sort()
        .map((f) => path.join(dir, f));
      if (files.length > 0) out.push({ key: `${corpus}/${spk}`, corpus, files });
    }
  }
  return out;
}

/** Up to `n` files spread evenly over a sorted list (deterministic). */
export function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / n)]);
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
