/**
 * The engine facade (docs/architecture.md, "The engine facade"): the one object the CLI, the
 * Electron IPC handlers and the browser bridge call. It ties the audio front end, the embedder
 * and the profile store together:
 *
 *   input -> decode (16 kHz mono) -> quality check -> embedder (VAD, MFCC, model) -> store / scoring
 *
 * Profiles made by another model are "stale": they are never compared with this model's
 * embeddings; they are re-embedded from their stored recordings first (lazily, by verify,
 * identify, enroll --append and calibrate, or all at once by `reembedStale`).
 */
import * as path from 'node:path';
import { decodeAudioBytes, decodeAudioFile, type Audio } from './audio/decode';
import { assessQuality, type QualityReport } from './audio/quality';
import { encodeWav } from './audio/wav';
import { initBackend, type BackendName } from './backend';
import { AudioDecodeError, InvalidArgumentError, ModelError, VoxprintError } from './errors';
import { computeEer, detCurve } from './eval/metrics';
import { loadModel } from './model/io';
import { embedRecordings, ModelRegistry } from './model/registry';
import type { Embedder } from './model/embedder';
import type { ModelCard } from './model/card';
import { defaultModelDir } from './model-dir';
import { centroidOf } from './speakers/codec';
import { defaultStoreDir } from './speakers/home';
import { normalizeName } from './speakers/names';
import type { LockOptions } from './speakers/lock';
import { CentroidIndex, cosine, identifyScore, verifyScore } from './speakers/scoring';
import { embeddingsFor, ProfileStore, type NewUtterance, type Profile, type StoreProblem } from './speakers/store';
import pkg from '../package.json';

export type AudioInput = { path: string } | { bytes: Uint8Array; name: string };

export interface EngineOptions {
  /** Profile store folder; default VOXPRINT_HOME, else the per-user app-data folder. */
  storeDir?: string;
  /**
   * Model folder; default: the version in use in this store (STORE/app-models.json, see
   * src/model/registry.ts), else VOXPRINT_MODEL, else models/default of this package.
   */
  modelDir?: string;
  /**
   * Open even when no model is installed (default false): store-only operations (list, rename,
   * remove, export, import, setThreshold) work, the others throw the NO_MODEL error.
   */
  allowMissingModel?: boolean;
  lock?: LockOptions;
}

export interface SpeakerSummary {
  id: string;
  name: string;
  utterances: number;
  speechSec: number;
  modelId: string;
  createdAt: string;
  /** Enrolled with another model: re-embedded before any comparison. */
  stale: boolean;
}

export type TakeIssueCode = 'no_voice' | 'too_short' | 'too_quiet' | 'clipped' | 'noisy' | 'too_loud' | 'other';

/** Quality feedback for one take (matches src/api TakeReport, plus the raw report). */
export interface TakeReport {
  name: string;
  durationSec: number;
  speechSec: number;
  peakDb: number;
  rmsDb: number;
  snrDb: number;
  clippedFraction: number;
  /** False when the take cannot be used for enrollment (no voice, or less than MIN_TAKE_SPEECH_SEC). */
  usable: boolean;
  issues: { code: TakeIssueCode; message: string; fix: string }[];
}

export interface EnrollResult {
  speaker: SpeakerSummary;
  /** One report per input, in order; `usable: false` takes were left out. */
  takes: TakeReport[];
  /** Seconds of speech in the takes used. */
  speechSec: number;
}

export interface VerifyResult {
  speaker: string;
  score: number;
  threshold: number;
  accepted: boolean;
  latencyMs: number;
}

export interface IdentifyResult {
  candidates: { speaker: string; score: number; id: string }[];
  /** The best candidate's name, or null ("unknown") when its score is below the threshold. */
  best: string | null;
  threshold: number;
  latencyMs: number;
}

export interface CalibrationResult {
  targetScores: number[];
  nontargetScores: number[];
  eer: number;
  eerThreshold: number;
  det: { pfa: number; pmiss: number }[];
  trials: number;
}

export interface EngineInfo {
  version: string;
  backend: string;
  storeDir: string;
  model: { id: string; dir: string; card: ModelCard };
  /** The threshold in use: the store's override, else the model card's calibrated value. */
  threshold: number;
  recommendedSpeechSec: number;
  minSpeechSec: number;
  /** Damaged profiles found when the store was (re)loaded. */
  problems: readonly StoreProblem[];
}

/** A take with less speech than this is not used for enrollment. */
export const MIN_TAKE_SPEECH_SEC = 0.3;
/** Enrollment needs at least this much speech over all its usable takes. */
export const MIN_ENROLL_SPEECH_SEC = 1.5;
/** What a good profile has; the app's enrollment progress aims at it. */
export const RECOMMENDED_SPEECH_SEC = 20;

export { defaultModelDir } from './model-dir';

const QUALITY_CODES: Record<string, TakeIssueCode> = {
  'no-voice': 'no_voice',
  'too-short': 'too_short',
  'too-quiet': 'too_quiet',
  clipped: 'clipped',
  noisy: 'noisy',
  'too-loud': 'too_loud',
};

export class Engine {
  private index?: { key: string; index: CentroidIndex };

  private constructor(
    readonly store: ProfileStore,
    private readonly embedder: Embedder | undefined,
    private readonly modelError: VoxprintError | undefined,
    readonly modelDir: string,
    readonly backend: BackendName,
  ) {}

  /**
   * Opens the store and loads the model. Throws ModelError NO_MODEL (with how to get one) when
   * no model is installed, unless `allowMissingModel`; StoreError for an unusable store.
   */
  static async open(opts: EngineOptions = {}): Promise<Engine> {
    const backend = await initBackend();
    const storeDir = opts.storeDir ?? defaultStoreDir();
    // Without --model: the version chosen in this store (voxprint models use), else the built-in one.
    const modelDir = path.resolve(opts.modelDir ?? new ModelRegistry({ storeDir, builtinDir: defaultModelDir() }).activeDir());
    let embedder: Embedder | undefined;
    let modelError: VoxprintError | undefined;
    try {
      embedder = await loadModel(modelDir);
    } catch (e) {
      if (!(e instanceof VoxprintError)) throw e;
      if (!opts.allowMissingModel) throw e;
      modelError = e;
    }
    try {
      const store = await ProfileStore.open(storeDir, { lock: opts.lock });
      return new Engine(store, embedder, modelError, modelDir, backend);
    } catch (e) {
      embedder?.dispose();
      throw e;
    }
  }

  /** True when a model is loaded (always, unless opened with allowMissingModel). */
  get hasModel(): boolean {
    return this.embedder !== undefined;
  }

  /** The loaded model's id; throws the NO_MODEL error when there is none. */
  get modelId(): string {
    return this.model().card?.id ?? 'unsaved-model';
  }

  info(): EngineInfo {
    const m = this.model();
    return {
      version: pkg.version,
      backend: this.backend,
      storeDir: this.store.dir,
      model: { id: this.modelId, dir: this.modelDir, card: m.card as ModelCard },
      threshold: this.threshold(),
      recommendedSpeechSec: RECOMMENDED_SPEECH_SEC,
      minSpeechSec: MIN_ENROLL_SPEECH_SEC,
      problems: this.store.problems,
    };
  }

  /** The accept threshold: the store's override, else the model card's calibrated threshold. */
  threshold(): number {
    const o = this.store.settings().threshold;
    if (o !== undefined) return o;
    return this.model().card?.threshold.value ?? 0.5;
  }

  listSpeakers(): SpeakerSummary[] {
    this.store.refresh();
    return this.store.list().map((p) => this.summary(p));
  }

  /** Quality feedback for one take. Throws AudioDecodeError for input that is not usable audio. */
  async assessTake(input: AudioInput): Promise<TakeReport> {
    const audio = await decodeInput(input);
    return takeReport(inputName(input), audio, assessQuality(audio.samples));
  }

  /**
   * Enrolls a new speaker from takes (or adds them to an existing one with `append`). Unusable
   * takes are reported and left out. Throws SPEAKER_EXISTS / UNKNOWN_SPEAKER, BAD_ARGUMENT for a
   * bad name, AudioDecodeError for bad audio (naming the file) or TOO_LITTLE_SPEECH overall.
   */
  async enroll(name: string, inputs: AudioInput[], opts: { append?: boolean } = {}): Promise<EnrollResult> {
    const embedder = this.model();
    if (!Array.isArray(inputs) || inputs.length === 0) throw new InvalidArgumentError('Give at least one recording to enroll.');
    if (!opts.append) normalizeName(name); // a bad name fails before any audio work
    this.store.refresh();
    const existing = this.store.find(name);
    if (opts.append && !existing) this.store.get(name); // throws UNKNOWN_SPEAKER
    if (!opts.append && existing)
      throw new VoxprintError('SPEAKER_EXISTS', `A speaker called "${existing.name}" is already enrolled. Choose another name, or add takes to it with append (--append).`, {
        subject: name,
      });
    const takes: TakeReport[] = [];
    const utts: NewUtterance[] = [];
    for (const input of inputs) {
      const audio = await decodeInput(input);
      const report = takeReport(inputName(input), audio, assessQuality(audio.samples));
      takes.push(report);
      if (!report.usable) continue;
      utts.push({
        wav: encodeWav(audio.samples, 16000),
        source: inputName(input),
        durationSec: audio.durationSec,
        speechSec: report.speechSec,
        embedding: embedder.embedSamples(audio.samples),
      });
    }
    const speechSec = utts.reduce((a, u) => a + u.speechSec, 0);
    if (speechSec < MIN_ENROLL_SPEECH_SEC) {
      const skipped = takes.filter((t) => !t.usable).map((t) => `${t.name} (${t.issues.map((i) => i.message).join(', ') || 'unusable'})`);
      throw new AudioDecodeError(
        'TOO_LITTLE_SPEECH',
        `Only ${speechSec.toFixed(1)} s of usable speech in ${inputs.length} take(s); enrollment needs at least ${MIN_ENROLL_SPEECH_SEC} s ` +
          `(${RECOMMENDED_SPEECH_SEC} s is better). ${skipped.length ? `Left out: ${skipped.join('; ')}. ` : ''}Record more: a few full sentences.`,
        { subject: name },
      );
    }
    let profile: Profile;
    if (existing && opts.append) {
      const fresh = await this.ensureFresh(existing);
      profile = await this.store.append(fresh.id, this.modelId, utts);
    } else {
      profile = await this.store.create(name, this.modelId, utts);
    }
    return { speaker: this.summary(profile), takes, speechSec };
  }

  /** Cosine of the take's embedding against the speaker's centroid, and the decision. */
  async verify(name: string, input: AudioInput): Promise<VerifyResult> {
    const t0 = performance.now();
    this.model();
    this.store.refresh();
    const profile = await this.ensureFresh(this.store.get(name));
    const emb = await this.embed(input);
    const d = verifyScore(emb, profile.centroid, this.threshold());
    return { speaker: profile.name, score: d.score, threshold: d.threshold, accepted: d.accepted, latencyMs: performance.now() - t0 };
  }

  /** The `top` closest enrolled speakers; `best` is null ("unknown") below the threshold. */
  async identify(input: AudioInput, opts: { top?: number } = {}): Promise<IdentifyResult> {
    const t0 = performance.now();
    const top = opts.top ?? 3;
    if (!Number.isInteger(top) || top < 1 || top > 1000) throw new InvalidArgumentError(`top must be a whole number from 1 to 1000, got ${top}.`);
    this.model();
    await this.reembedStale();
    const emb = await this.embed(input);
    const r = identifyScore(this.centroidIndex(), emb, this.threshold(), top);
    return {
      candidates: r.candidates.map((c) => ({ speaker: c.speaker, score: c.score, id: c.id })),
      best: r.best,
      threshold: r.threshold,
      latencyMs: performance.now() - t0,
    };
  }

  async rename(name: string, newName: string): Promise<SpeakerSummary> {
    return this.summary(await this.store.rename(name, newName));
  }

  /** Removes a speaker; `purge` deletes its recordings and embeddings from disk (else: trash/). */
  async remove(name: string, opts: { purge?: boolean } = {}): Promise<SpeakerSummary> {
    return this.summary(await this.store.remove(name, opts));
  }

  async exportProfile(name: string): Promise<Uint8Array> {
    this.store.refresh();
    return this.store.exportProfile(name);
  }

  /** Imports an export file under a new id; `name` renames it (e.g. when the name is taken). */
  async importProfile(bytes: Uint8Array, opts: { name?: string } = {}): Promise<SpeakerSummary> {
    return this.summary(await this.store.importProfile(bytes, opts));
  }

  /**
   * Leave-one-out trials over the enrolled speakers' own takes: each take against the centroid
   * of its speaker's other takes (target) and against every other speaker's centroid
   * (non-target). Needs two speakers and one speaker with two takes (NOT_ENOUGH_DATA otherwise).
   */
  async calibrate(): Promise<CalibrationResult> {
    this.model();
    await this.reembedStale();
    const profiles = this.store.list();
    const tar: number[] = [];
    const non: number[] = [];
    for (const p of profiles) {
      for (let i = 0; i < p.utterances.length; i++) {
        const u = p.utterances[i].embedding;
        if (p.utterances.length >= 2) tar.push(cosine(u, centroidOf(p.utterances.filter((_, j) => j !== i).map((x) => x.embedding))));
        for (const q of profiles) if (q.id !== p.id) non.push(cosine(u, q.centroid));
      }
    }
    if (tar.length === 0 || non.length === 0)
      throw new VoxprintError(
        'NOT_ENOUGH_DATA',
        'Calibration needs at least two enrolled speakers, and at least one of them with two or more takes. Enroll more takes first.',
      );
    const eer = computeEer(tar, non);
    const det = thinDet(detCurve(tar, non), 200);
    return { targetScores: tar, nontargetScores: non, eer: eer.eer, eerThreshold: eer.threshold, det, trials: tar.length + non.length };
  }

  /** Stores a threshold override in the store's settings (a number in [-1, 1]). */
  async setThreshold(t: number): Promise<void> {
    await this.store.setThreshold(t);
  }

  /** Drops the override: the model card's threshold applies again. */
  async resetThreshold(): Promise<void> {
    await this.store.setThreshold(undefined);
  }

  /** The L2-normalised embedding of one recording. */
  async embed(input: AudioInput): Promise<Float32Array> {
    const embedder = this.model();
    const audio = await decodeInput(input);
    return embedder.embedSamples(audio.samples);
  }

  /**
   * Re-embeds every stale profile (made by another model) from its stored recordings with this
   * model. Returns how many were re-embedded.
   */
  async reembedStale(onProgress?: (done: number, total: number, name: string) => void): Promise<number> {
    this.model();
    this.store.refresh();
    const stale = this.store.list().filter((p) => this.isStale(p));
    for (let i = 0; i < stale.length; i++) {
      onProgress?.(i, stale.length, stale[i].name);
      await this.ensureFresh(stale[i]);
    }
    if (stale.length) onProgress?.(stale.length, stale.length, '');
    return stale.length;
  }

  /** Frees the model's tensors. */
  dispose(): void {
    this.embedder?.dispose();
  }

  // ---- internals ----------------------------------------------------------------------------

  private model(): Embedder {
    if (this.embedder) return this.embedder;
    throw this.modelError ?? new ModelError('NO_MODEL', 'No model is loaded.');
  }

  private isStale(p: Profile): boolean {
    return !this.embedder || p.modelId !== this.modelId || p.dim !== this.embedder.dim;
  }

  private summary(p: Profile): SpeakerSummary {
    return {
      id: p.id,
      name: p.name,
      utterances: p.utterances.length,
      speechSec: p.utterances.reduce((a, u) => a + u.speechSec, 0),
      modelId: p.modelId,
      createdAt: p.createdAt,
      stale: this.isStale(p),
    };
  }

  /**
   * The profile with this model's embeddings: its own, or ones kept from an earlier use of this
   * model (made its own without re-embedding), or re-embedded from its recordings. The other
   * models' embeddings are kept either way (src/model/registry.ts relies on it for safe switches).
   */
  private async ensureFresh(p: Profile, retry = true): Promise<Profile> {
    if (!this.isStale(p)) return p;
    const embedder = this.model();
    try {
      const kept = embeddingsFor(p, this.modelId);
      if (kept && kept.dim === embedder.dim) return await this.store.promote(p.id, this.modelId);
      return await this.store.replaceEmbeddings(p.id, this.modelId, await embedRecordings(this.store, p, embedder));
    } catch (e) {
      // Another process changed the profile meanwhile: start again from its current state, once.
      if (retry && e instanceof VoxprintError && e.code === 'STORE_CORRUPT') return this.ensureFresh(this.store.get(p.id), false);
      throw e;
    }
  }

  /** The packed centroid matrix of the fresh profiles, rebuilt when the store changed. */
  private centroidIndex(): CentroidIndex {
    const key = `${this.store.generation}:${this.modelId}`;
    if (this.index?.key !== key) {
      const fresh = this.store.list().filter((p) => !this.isStale(p));
      this.index = { key, index: new CentroidIndex(fresh, this.model().dim) };
    }
    return this.index.index;
  }
}

function inputName(input: AudioInput): string {
  return 'path' in input ? path.basename(input.path) : input.name;
}

/** Decodes an AudioInput to 16 kHz mono; validates its shape first (it may come over IPC). */
export async function decodeInput(input: AudioInput): Promise<Audio> {
  if (input && typeof input === 'object' && 'path' in input && typeof input.path === 'string' && input.path.length > 0)
    return decodeAudioFile(input.path);
  if (input && typeof input === 'object' && 'bytes' in input && input.bytes instanceof Uint8Array && typeof input.name === 'string')
    return decodeAudioBytes(input.bytes, { name: input.name });
  throw new InvalidArgumentError('Audio input must be {path} or {bytes, name}.');
}

function takeReport(name: string, audio: Audio, q: QualityReport): TakeReport {
  const issues = q.issues.map((i) => ({ code: QUALITY_CODES[i.code] ?? 'other', message: i.message, fix: i.fix }));
  const noVoice = q.issues.some((i) => i.code === 'no-voice');
  if (!noVoice && q.speechSec < MIN_TAKE_SPEECH_SEC && !issues.some((i) => i.code === 'too_short'))
    issues.push({ code: 'too_short', message: `only ${q.speechSec.toFixed(1)} s of speech`, fix: 'say a full sentence' });
  return {
    name,
    durationSec: audio.durationSec,
    speechSec: q.speechSec,
    peakDb: q.peakDb,
    rmsDb: q.levelDb,
    snrDb: q.snrDb,
    clippedFraction: q.clippingRatio,
    usable: !noVoice && q.speechSec >= MIN_TAKE_SPEECH_SEC,
    issues,
  };
}

/** At most ~`n` DET points (keeps the ends), enough for a chart sent over IPC. */
function thinDet(det: { pfa: number; pmiss: number }[], n: number): { pfa: number; pmiss: number }[] {
  const pick = det.length <= n ? det : det.filter((_, i) => i === 0 || i === det.length - 1 || i % Math.ceil(det.length / n) === 0);
  return pick.map((p) => ({ pfa: p.pfa, pmiss: p.pmiss }));
}
