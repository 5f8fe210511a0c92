/**
 * On-disk feature cache, so epochs and runs never re-decode audio. One small file per
 * (file, variant) under `.cache/features/<hash of the front end's key and CACHE_VERSION>/`:
 * changing any setting of the front end changes the folder, which invalidates everything at once;
 * a changed audio file (size or mtime) gets a new entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../audio/decode';
import { DEFAULT_FRONT_END, type FeatureConfig } from '../features/front-end';
import { computeMfcc, type Features } from '../features/mfcc';
import { frontEndKeyParts, frontEndWith } from '../model/front-end-check';
import { selectSpeech } from '../model/speech';
import { channelAugment, speedPerturb, type ChannelAug } from './augment';
import { hash32, makeRng } from '../util/rng';

/** Bump when speech selection or augmentation code changes what a cached entry holds. */
export const CACHE_VERSION = 'speech-v3:aug-v1';

export interface Variant {
  speed: number;
  channel: ChannelAug;
  /** Replicate index: several random draws of the same channel augmentation. */
  rep: number;
}

export function variantName(v: Variant): string {
  return `s${v.speed}-${v.channel}-${v.rep}`;
}

export class FeatureCache {
  readonly dir: string;
  constructor(
    root: string,
    readonly cfg: FeatureConfig,
    private readonly noises: Float32Array[] = [],
  ) {
    // Entries are computed by this code's decoding and speech selection: only the MFCC settings
    // may differ from its front end.
    if (cfg.sampleRate !== DEFAULT_FRONT_END.sampleRate) throw new RangeError(`FeatureCache: audio is decoded at ${DEFAULT_FRONT_END.sampleRate} Hz, not ${cfg.sampleRate} Hz`);
    const frontEnd = frontEndWith(cfg);
    // CACHE_VERSION sits between the two halves of the key so that folders written before the
    // front end was one value keep their names.
    const { features, speech } = frontEndKeyParts(frontEnd);
    this.dir = join(root, 'features', createHash('sha1').update(`${features}|${CACHE_VERSION}|${speech}`).digest('hex').slice(0, 16));
    mkdirSync(this.dir, { recursive: true });
  }

  private entryPath(path: string, v: Variant): string {
    const st = statSync(path);
    const id = createHash('sha1').update(`${path}|${st.size}|${st.mtimeMs}|${variantName(v)}`).digest('hex');
    return join(this.dir, `${id}.f32`);
  }

  /** MFCCs of the speech in `path` under variant `v`, from the cache or computed and stored. */
  async get(path: string, v: Variant): Promise<Features> {
    const file = this.entryPath(path, v);
    if (existsSync(file)) {
      const buf = readFileSync(file);
      const head = new Int32Array(buf.buffer, buf.byteOffset, 2);
      const [numFrames, numCoeffs] = [head[0], head[1]];
      const data = new Float32Array(numFrames * numCoeffs);
      new Uint8Array(data.buffer).set(buf.subarray(8, 8 + data.byteLength));
      return { data, numFrames, numCoeffs };
    }
    const audio = await decodeAudioFile(path);
    let x = speedPerturb(audio.samples, v.speed);
    x = selectSpeech(x);
    if (v.channel !== 'clean') x = channelAugment(x, v.channel, this.noises, makeRng(hash32(`${path}|${variantName(v)}`)));
    const f = computeMfcc(x, this.cfg);
    const out = Buffer.alloc(8 + f.data.byteLength);
    out.writeInt32LE(f.numFrames, 0);
    out.writeInt32LE(f.numCoeffs, 4);
    Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).copy(out, 8);
    // Unique per thread too: ensemble members train in worker threads of one process, and two of
    // them may compute the same entry at once (each then renames a whole file of its own).
    const tmp = `${file}.${process.pid}-${threadId}-${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, out);
    renameSync(tmp, file);
    return f;
  }
}
