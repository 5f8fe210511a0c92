/**
 * Replay: a share of every fine-tune batch comes from the speakers the model was trained on, so
 * that a handful of local speakers does not pull the whole embedding space towards them. The
 * model card names its training corpora (training.data); they are looked for, with their
 * splits.json, in the replay folder (default ../shared/data). Only `train` speakers are used.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../audio/decode';
import type { ModelCard } from '../model/card';
import { packageRoot } from '../package-root';
import { listTrainingData, type Utterance } from './data';
import { hash32, makeRng, pickDistinct } from '../util/rng';

export interface ReplayPlan {
  used: boolean;
  /** Why replay is used or not, in words (shown to the user). */
  reason: string;
  root?: string;
  corpora: string[];
  utterances: Utterance[];
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Folders that may hold the training corpora: the given one, the card's, ../shared/data (cwd, then the package's). */
function candidateRoots(card: ModelCard, given?: string): string[] {
  if (given) return [given];
  // A fine-tuned version keeps its parent's training options under `parent` (finetune-card.ts).
  const opts = card.training.options as { data?: unknown; parent?: { data?: unknown } } | undefined;
  const fromCard = [opts?.data, opts?.parent?.data].filter((d): d is string => typeof d === 'string');
  return [...fromCard, join('..', 'shared', 'data'), join(packageRoot(), '..', 'shared', 'data')];
}

/**
 * Which of the card's training corpora are here, and a seeded sample of their train speakers'
 * clips (at most `speakersPerCorpus` x `clipsPerSpeaker` per corpus).
 */
export function planReplay(
  card: ModelCard,
  opts: { enabled: boolean; replayData?: string; speakersPerCorpus: number; clipsPerSpeaker: number; seed: number },
): ReplayPlan {
  const none = (reason: string): ReplayPlan => ({ used: false, reason, corpora: [], utterances: [] });
  if (!opts.enabled) return none('Replay is off (--no-replay).');
  const names = card.training.data.map((d) => d.name).filter((n) => norm(n).length > 0);
  if (names.length === 0) return none(`Replay is not possible: the card of model ${card.id} names no training data.`);
  const looked: string[] = [];
  for (const root of candidateRoots(card, opts.replayData)) {
    looked.push(root);
    const splits = join(root, 'splits.json');
    if (!existsSync(splits)) continue;
    const folders = readdirSync(root).filter((f) => !f.startsWith('.'));
    const corpora = folders.filter((f) => norm(f).length > 2 && names.some((n) => norm(n).includes(norm(f))));
    if (corpora.length === 0) continue;
    let all: Utterance[];
    try {
      all = listTrainingData(root, splits).filter((u) => corpora.includes(u.corpus));
    } catch {
      continue;
    }
    const rng = makeRng(hash32(`replay|${opts.seed}`));
    const utterances: Utterance[] = [];
    for (const c of corpora) {
      const bySpk = new Map<string, Utterance[]>();
      for (const u of all.filter((x) => x.corpus === c)) bySpk.set(u.speaker, [...(bySpk.get(u.speaker) ?? []), u]);
      const spks = [...bySpk.keys()].sort();
      for (const i of pickDistinct(spks.length, opts.speakersPerCorpus, rng).sort((a, b) => a - b)) {
        const clips = bySpk.get(spks[i])!;
        for (const j of pickDistinct(clips.length, opts.clipsPerSpeaker, rng).sort((a, b) => a - b)) utterances.push(clips[j]);
      }
    }
    if (utterances.length === 0) continue;
    const speakers = new Set(utterances.map((u) => u.speaker)).size;
    const missing = names.filter((n) => !corpora.some((c) => norm(n).includes(norm(c))));
    return {
      used: true,
      reason:
        `Replaying ${speakers} training speakers (${utterances.length} clips) of ${corpora.join(', ')} from ${root}` +
        (missing.length ? `; not found: ${missing.join(', ')}` : '') +
        '.',
      root,
      corpora,
      utterances,
    };
  }
  return none(`Replay is not possible: the training data of model ${card.id} (${names.join('; ')}) is not on this computer (looked in ${looked.join(', ')}); fine-tuning on the local recordings alone.`);
}

/** The background noises of the replay folder (for the noise augmentation), if it has any. */
export async function loadNoises(root: string | undefined): Promise<Float32Array[]> {
  const dir = root ? join(root, 'noise') : undefined;
  if (!dir || !existsSync(dir)) return [];
  const out: Float32Array[] = [];
  for (const f of readdirSync(dir).sort()) if (/\.(wav|flac)$/i.test(f)) out.push((await decodeAudioFile(join(dir, f))).samples);
  return out;
}
