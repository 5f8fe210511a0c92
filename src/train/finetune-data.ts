/**
 * The local material of a fine-tune: the enrolled speakers' stored recordings plus optional
 * folders laid out as DIR/SPEAKER/*.{wav,flac,mp3,ogg}; the check that there is enough of it; the
 * split of each speaker's recordings into a fine-tune part and a held-out part (made before
 * anything else looks at the audio); and their MFCCs, with the training augmentations.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeAudioBytes, decodeAudioFile } from '../audio/decode';
import { InvalidArgumentError, VoxprintError } from '../errors';
import { computeMfcc, type FeatureConfig, type Features } from '../features/mfcc';
import { selectSpeech } from '../model/speech';
import { nameKey } from '../speakers/names';
import type { ProfileStore } from '../speakers/store';
import { channelAugment, speedPerturb, type ChannelAug } from './augment';
import { variantName, type Variant } from './cache';
import { hash32, makeRng, pickDistinct } from '../util/rng';

const AUDIO_EXT = /\.(wav|flac|mp3|ogg|opus)$/i;

/** One local recording; `load` decodes it to 16 kHz mono. */
export interface LocalRecording {
  /** Display name of the speaker. */
  speaker: string;
  /** Speakers with the same key (case-insensitive name) are one person. */
  key: string;
  /** Where it came from, for messages: "Anna/take1.wav (enrolled)" or a file path. */
  source: string;
  load(): Promise<Float32Array>;
}

export interface SpeakerRecordings {
  speaker: string;
  key: string;
  recordings: LocalRecording[];
}

/**
 * Lists the local recordings by speaker. Throws InvalidArgumentError for a missing folder or one
 * with no SPEAKER/ sub-folders of audio.
 */
export function collectRecordings(opts: { store?: ProfileStore; useEnrolled: boolean; data: string[] }): SpeakerRecordings[] {
  const bySpeaker = new Map<string, SpeakerRecordings>();
  const add = (speaker: string, r: Omit<LocalRecording, 'speaker' | 'key'>) => {
    const key = nameKey(speaker);
    let s = bySpeaker.get(key);
    if (!s) bySpeaker.set(key, (s = { speaker, key, recordings: [] }));
    s.recordings.push({ ...r, speaker: s.speaker, key });
  };
  if (opts.useEnrolled && opts.store) {
    opts.store.refresh();
    for (const p of opts.store.list()) {
      for (const u of p.utterances) {
        const source = `${p.name}/${u.source} (enrolled)`;
        add(p.name, { source, load: async () => (await decodeAudioBytes(opts.store!.readRecording(p, u), { name: source })).samples });
      }
    }
  }
  for (const dir of opts.data) {
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new InvalidArgumentError(`The data folder ${dir} does not exist. Give a folder with one sub-folder of recordings per speaker (DIR/SPEAKER/*.wav).`, { subject: dir });
    let found = 0;
    for (const spk of readdirSync(dir).sort()) {
      const sdir = join(dir, spk);
      if (spk.startsWith('.') || !statSync(sdir).isDirectory()) continue;
      for (const f of readdirSync(sdir).sort()) {
        if (!AUDIO_EXT.test(f)) continue;
        const path = resolve(sdir, f);
        add(spk, { source: path, load: async () => (await decodeAudioFile(path)).samples });
        found++;
      }
    }
    if (found === 0)
      throw new InvalidArgumentError(`${dir} holds no recordings laid out as SPEAKER/*.wav (or .flac, .mp3, .ogg). Put each speaker's recordings in a sub-folder named after them.`, { subject: dir });
  }
  return [...bySpeaker.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Throws VoxprintError NOT_ENOUGH_DATA unless at least 2 speakers have at least 2 recordings
 * each, saying what there is and what is missing.
 */
export function checkEnoughData(speakers: SpeakerRecordings[]): void {
  const ok = speakers.filter((s) => s.recordings.length >= 2);
  if (ok.length >= 2) return;
  const have = speakers.length
    ? speakers.map((s) => `${s.speaker} (${s.recordings.length} recording${s.recordings.length === 1 ? '' : 's'})`).join(', ')
    : 'no speakers at all';
  const short = speakers.filter((s) => s.recordings.length < 2).map((s) => s.speaker);
  const need = 2 - ok.length;
  throw new VoxprintError(
    'NOT_ENOUGH_DATA',
    `Fine-tuning needs at least 2 speakers with at least 2 recordings each; found ${have}. ` +
      (short.length ? `Add a take to ${short.join(', ')}${need > short.length ? `, and enroll ${need - short.length} more speaker(s)` : ''}` : `Enroll ${need} more speaker(s) with 2 or more takes`) +
      ' (voxprint enroll NAME FILE... [--append]), or add a folder laid out as DIR/SPEAKER/*.wav with --data DIR.',
  );
}

export interface SplitSpeaker extends SpeakerRecordings {
  fineTune: LocalRecording[];
  heldOut: LocalRecording[];
}

export interface Split {
  speakers: SplitSpeaker[];
  /** 'held-out' when enough speakers keep recordings apart; else every recording trains and the EER is a leave-one-out estimate. */
  estimate: 'held-out' | 'leave-one-out';
  note: string;
}

/**
 * Fewest speakers with held-out recordings, and fewest held-out recordings in all, for a held-out
 * EER: 3 speakers with 4 takes each (one held out per speaker) is the smallest household that gets one.
 */
const MIN_HELD_OUT_SPEAKERS = 2;
const MIN_HELD_OUT_RECORDINGS = 3;
/** A speaker needs this many recordings before one is held out (3 stay to train on). */
const MIN_RECORDINGS_TO_HOLD_OUT = 4;

/**
 * Splits each speaker's recordings (seeded) into fine-tune and held-out parts: speakers with 4 or
 * more recordings keep `fraction` of them (at least 1, leaving at least 3 to train on) apart.
 */
export function splitRecordings(speakers: SpeakerRecordings[], fraction: number, seed: number): Split {
  const out: SplitSpeaker[] = speakers.map((s) => {
    const n = s.recordings.length;
    const h = n >= MIN_RECORDINGS_TO_HOLD_OUT ? Math.min(n - (MIN_RECORDINGS_TO_HOLD_OUT - 1), Math.max(1, Math.round(n * fraction))) : 0;
    const order = pickDistinct(n, n, makeRng(hash32(`${seed}|${s.key}`)));
    const held = new Set(order.slice(0, h));
    return { ...s, fineTune: s.recordings.filter((_, i) => !held.has(i)), heldOut: s.recordings.filter((_, i) => held.has(i)) };
  });
  const withHeld = out.filter((s) => s.heldOut.length > 0);
  const heldTotal = withHeld.reduce((a, s) => a + s.heldOut.length, 0);
  if (withHeld.length >= MIN_HELD_OUT_SPEAKERS && heldTotal >= MIN_HELD_OUT_RECORDINGS) {
    return {
      speakers: out,
      estimate: 'held-out',
      note: `${heldTotal} recording(s) of ${withHeld.length} speaker(s) held out to measure the EER before and after.`,
    };
  }
  return {
    speakers: out.map((s) => ({ ...s, fineTune: s.recordings, heldOut: [] })),
    estimate: 'leave-one-out',
    note:
      `Too little data to hold recordings out (that needs ${MIN_HELD_OUT_SPEAKERS} or more speakers with ${MIN_RECORDINGS_TO_HOLD_OUT} or more recordings each, ` +
      `and ${MIN_HELD_OUT_RECORDINGS} held out in all; here ${heldTotal} could be held out, from ${withHeld.length} speaker(s)): every recording is used ` +
      'for fine-tuning, and the EER before and after is a leave-one-out estimate on those same recordings, which flatters the fine-tuned model. ' +
      'Enroll more takes for a trustworthy comparison.',
  };
}

/** MFCCs of `x` (16 kHz) under a training variant: speed, speech selection, channel augmentation. */
export function variantFeatures(x: Float32Array, v: Variant, cfg: FeatureConfig, noises: Float32Array[], seedKey: string): Features {
  let y = speedPerturb(x, v.speed);
  y = selectSpeech(y);
  if (v.channel !== 'clean') y = channelAugment(y, v.channel, noises, makeRng(hash32(`${seedKey}|${variantName(v)}`)));
  return computeMfcc(y, cfg);
}

/** The variants a fine-tune recording is used under: every speed, clean and each augmentation. */
export function variantsOf(speeds: number[], augment: ChannelAug[]): Variant[] {
  return speeds.flatMap((speed) => [{ speed, channel: 'clean' as const, rep: 0 }, ...augment.map((channel) => ({ speed, channel, rep: 0 }))]);
}
