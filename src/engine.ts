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
import { calibratedScore, decideCalibrated } from './calibration/calibration';
import * as path from 'node:path';
import { decodeAudioBytes, decodeAudioFile, type Audio } from './audio/decode';
import { assessQuality, tooShortIssue, type QualityReport, type TakeReport } from './audio/quality';
import { detectSpeechDetailed } from './audio/vad';
import { encodeWav } from './audio/wav';
import { ensureBackend, type BackendName } from './backend';
import { AudioDecodeError, InvalidArgumentError, ModelError, VoxprintError } from './errors';
import { leaveOneOutScores } from './eval/leave-one-out';
import { computeEer, detCurve } from './eval/metrics';
import { adviseThreshold, NEAR_DUPLICATE_COSINE, validationPoints, type ThresholdAdvice } from './eval/store-threshold';
import { loadModel } from './model/io';
import { embedRecordings } from './model/registry';
import type { Embedder } from './model/embedder';
import type { ModelCard } from './model/card';
import { resolveModelDir, type Env } from './model/resolve';
import { MIN_SPEECH_SEC } from './model/speech';
import { defaultStoreDir } from './speakers/home';
import { normalizeName } from './speakers/names';
import type { SpeakerSummary } from './speakers/summary';
import type { LockOptions } from './speakers/lock';
import type { ThresholdScale } from './speakers/schema';
import { CentroidIndex, identifyScore, verifyScore } from './speakers/scoring';
import { LiveIdentifySession, LiveVerifySession, type LiveScore } from './live/session';
import { embeddingsFor, ProfileStore, type NewUtterance, type Profile, type StoreProblem } from './speakers/store';
import pkg from '../package.json';

export type AudioInput = { path: string } | { bytes: Uint8Array; name: string };

export interface EngineOptions {
  /** Profile store folder; default VOXPRINT_HOME, else the per-user app-data folder. */
  storeDir?: string;
  /**
   * Model folder; default: the version in use in this store (STORE/app-models.json, see
   * src/model/registry.ts), else VOXPRINT_MODEL, else models/default of this package
   * (src/model/resolve.ts).
   */
  modelDir?: string;
  /** Where VOXPRINT_HOME and VOXPRINT_MODEL are read (default process.env). */
  env?: Env;
  /**
   * Open even when no model is installed (default false): store-only operations (list, rename,
   * remove, export, import, setThreshold) work, the others throw the NO_MODEL error.
   */
  allowMissingModel?: boolean;
  lock?: LockOptions;
}

export interface EnrollResult {
  speaker: SpeakerSummary;
  /** One report per input, in order; `usable: false` takes were left out. */
  takes: TakeReport[];
  /** Seconds of speech in the takes used. */
  speechSec: number;
}

/** Verify's answer: the scored decision (LiveScore, the same one live updates carry) for one recording. */
export interface VerifyResult extends LiveScore {
  speaker: string;
  latencyMs: number;
}

export interface IdentifyResult {
  candidates: { speaker: string; score: number; id: string; llr?: number; probability?: number }[];
  /** The best candidate's name, or null ("unknown") when its score is below the threshold. */
  best: string | null;
  threshold: number;
  llrThreshold?: number;
  latencyMs: number;
}

export interface CalibrationResult {
  /**
   * 'llr' with a calibrated model: the trials are scored as verify scores them (the calibrated llr
   * with each side's seconds of speech), and the scores, EER threshold, DET and advice are llrs.
   */
  scale: ThresholdScale;
  targetScores: number[];
  nontargetScores: number[];
  eer: number;
  eerThreshold: number;
  det: { pfa: number; pmiss: number }[];
  trials: number;
  /** The threshold these trials may set, weighed against the model's validated one (src/eval/store-threshold.ts). */
  advice: ThresholdAdvice;
}

export interface EngineInfo {
  version: string;
  backend: string;
  storeDir: string;
  model: { id: string; dir: string; card: ModelCard };
  /** The cosine threshold: the store's override, else the model card's calibrated value. */
  threshold: number;
  /**
   * Set when verify decides by the calibrated llr (the model has a calibration, the store no cosine
   * override): the llr threshold in use; `fromStore` when it is the store's (`calibrate --apply`).
   */
  calibratedDecision?: { llrThreshold: number; targetFalseAcceptRate: number; fromStore?: boolean };
  recommendedSpeechSec: number;
  minSpeechSec: number;
  /** Damaged profiles found when the store was (re)loaded. */
  problems: readonly StoreProblem[];
}

/** Enrollment needs at least this much speech over all its usable takes. */
export const MIN_ENROLL_SPEECH_SEC = 1.5;
/** What a good profile has; the app's enrollment progress aims at it. */
export const RECOMMENDED_SPEECH_SEC = 20;

/** Seconds of speech behind a profile's centroid. */
const profileSpeechSec = (p: Profile) => p.utterances.reduce((a, u) => a + u.speechSec, 0);


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
    const backend = await ensureBackend();
    const storeDir = opts.storeDir ?? defaultStoreDir(opts.env);
    // Without --model: the version chosen in this store (voxprint models use), else the built-in one.
    const modelDir = resolveModelDir({ storeDir, modelDir: opts.modelDir, env: opts.env });
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
      ...this.calibratedDecision(),
      recommendedSpeechSec: RECOMMENDED_SPEECH_SEC,
      minSpeechSec: MIN_ENROLL_SPEECH_SEC,
      problems: this.store.problems,
    };
  }

  /** info()'s calibratedDecision: the llr threshold in use, when decisions are made on the llr. */
  private calibratedDecision(): Pick<EngineInfo, 'calibratedDecision'> {
    const cal = this.model().calibration;
    const llrThreshold = this.llrThreshold();
    if (!cal || llrThreshold === undefined) return {};
    const fromStore = this.store.settings().llrThreshold !== undefined;
    return { calibratedDecision: { llrThreshold, targetFalseAcceptRate: cal.data.decision.targetFalseAcceptRate, ...(fromStore ? { fromStore } : {}) } };
  }

  /**
   * The llr threshold decisions are made with: the store's (from its own calibration), else the
   * model's; undefined when the model has no calibration or the store a cosine threshold.
   */
  llrThreshold(): number | undefined {
    return this.decisionRule().llrThreshold;
  }

  /** Both thresholds from one read of the store's settings (identify and live updates decide several times per call). */
  private decisionRule(): { llrThreshold?: number; cosine: number } {
    const s = this.store.settings();
    if (s.threshold !== undefined) return { cosine: s.threshold };
    const m = this.model();
    const cosine = m.card?.threshold.value ?? 0.5;
    return m.calibration ? { llrThreshold: s.llrThreshold ?? m.calibration.llrThreshold, cosine } : { cosine };
  }

  /** The cosine accept threshold: the store's override, else the model card's calibrated threshold. */
  threshold(): number {
    return this.decisionRule().cosine;
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
        wav: encodeWav(audio.samples, audio.sampleRate),
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

  /**
   * Cosine of the take's embedding against the speaker's centroid, and the decision: by the
   * calibrated llr (against the store's llr threshold, else the model's) when the model has a
   * calibration and the store no cosine threshold, else by the cosine threshold. Throws
   * AudioDecodeError TOO_LITTLE_SPEECH when the take has no usable speech (as enrollment would).
   */
  async verify(name: string, input: AudioInput): Promise<VerifyResult> {
    const t0 = performance.now();
    this.model();
    this.store.refresh();
    const profile = await this.ensureFresh(this.store.get(name));
    const d = this.verifyDecision(await this.speechEmbedding(input), profile);
    return { speaker: profile.name, ...d, latencyMs: performance.now() - t0 };
  }

  /**
   * Verify's decision for one embedding against a profile; live verification (src/live) scores
   * every update with it too.
   */
  private verifyDecision(
    test: { embedding: Float32Array; speechSec: number },
    profile: Profile,
    cohortTest?: number,
    rule = this.decisionRule(),
  ): LiveScore {
    const cal = this.model().calibration;
    if (!cal) return verifyScore(test.embedding, profile.centroid, rule.cosine);
    const enroll = { embedding: profile.centroid, speechSec: profileSpeechSec(profile) };
    if (rule.llrThreshold !== undefined) return calibratedScore(cal, enroll, test, rule.llrThreshold, { test: cohortTest });
    // The store's cosine threshold decides; the llr is still reported.
    const d = decideCalibrated(cal, enroll, test, cal.llrThreshold, { test: cohortTest });
    const t = rule.cosine;
    return { score: d.cosine, threshold: t, accepted: d.cosine >= t, llr: d.llr, probability: d.probability };
  }

  /** Identify's ranking and decision for one embedding (also every update of live identification). */
  private identifyDecision(test: { embedding: Float32Array; speechSec: number }, index: CentroidIndex, top: number): Omit<IdentifyResult, 'latencyMs'> {
    const rule = this.decisionRule();
    const r = identifyScore(index, test.embedding, rule.cosine, top);
    const cal = this.model().calibration;
    if (!cal || r.candidates.length === 0) {
      return { candidates: r.candidates.map((c) => ({ speaker: c.speaker, score: c.score, id: c.id })), best: r.best, threshold: r.threshold };
    }
    // The test's cohort similarity is the same against every candidate: computed once.
    const cohortTest = cal.cohortMean(test.embedding);
    const decisions = r.candidates.map((c) => this.verifyDecision(test, this.store.list().find((x) => x.id === c.id)!, cohortTest, rule));
    return {
      candidates: r.candidates.map((c, i) => ({ speaker: c.speaker, score: c.score, id: c.id, llr: decisions[i].llr, probability: decisions[i].probability })),
      best: decisions[0].accepted ? r.candidates[0].speaker : null,
      threshold: decisions[0].threshold,
      ...(decisions[0].llrThreshold !== undefined ? { llrThreshold: decisions[0].llrThreshold } : {}),
    };
  }

  /** A live verification session against NAME: the running score of audio pushed in chunks (src/live). */
  async liveVerify(name: string): Promise<{ speaker: string; session: LiveVerifySession }> {
    const embedder = this.model();
    this.store.refresh();
    const profile = await this.ensureFresh(this.store.get(name));
    return { speaker: profile.name, session: new LiveVerifySession(embedder, (embedding, speechSec) => this.verifyDecision({ embedding, speechSec }, profile)) };
  }

  /** A live identification session: the running ranking of the enrolled speakers (src/live). */
  async liveIdentify(opts: { top?: number } = {}): Promise<LiveIdentifySession> {
    const top = opts.top ?? 3;
    if (!Number.isInteger(top) || top < 1 || top > 1000) throw new InvalidArgumentError(`top must be a whole number from 1 to 1000, got ${top}.`);
    const embedder = this.model();
    await this.reembedStale();
    const index = this.centroidIndex();
    return new LiveIdentifySession(embedder, (embedding, speechSec) => this.identifyDecision({ embedding, speechSec }, index, top));
  }

  /**
   * The `top` closest enrolled speakers by cosine; `best` is null ("unknown") when the closest
   * does not pass verification (the same decision as `verify` against that speaker).
   * TOO_LITTLE_SPEECH as verify.
   */
  async identify(input: AudioInput, opts: { top?: number } = {}): Promise<IdentifyResult> {
    const t0 = performance.now();
    const top = opts.top ?? 3;
    if (!Number.isInteger(top) || top < 1 || top > 1000) throw new InvalidArgumentError(`top must be a whole number from 1 to 1000, got ${top}.`);
    this.model();
    await this.reembedStale();
    const r = this.identifyDecision(await this.speechEmbedding(input), this.centroidIndex(), top);
    return { ...r, latencyMs: performance.now() - t0 };
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
   * (non-target). With a calibrated model they are scored as verify scores (llrs, with each side's
   * seconds of speech) and the advice moves the model's llr threshold rather than replacing the
   * calibration. Needs two speakers and one speaker with two takes (NOT_ENOUGH_DATA otherwise).
   */
  async calibrate(): Promise<CalibrationResult> {
    const cal = this.model().calibration;
    await this.reembedStale();
    const speakers = this.store.list().map((p) => ({ embeddings: p.utterances.map((u) => u.embedding), centroid: p.centroid, speechSec: p.utterances.map((u) => u.speechSec) }));
    const cosines = leaveOneOutScores(speakers);
    if (cosines.tar.length === 0 || cosines.non.length === 0)
      throw new VoxprintError(
        'NOT_ENOUGH_DATA',
        'Calibration needs at least two enrolled speakers, and at least one of them with two or more takes. Enroll more takes first.',
      );
    const card = this.model().card;
    let scores = cosines;
    let advice: ThresholdAdvice;
    if (cal) {
      // Each take and centroid meets the cohort once, not once per trial.
      const cohort = new WeakMap<Float32Array, number>();
      const cohortOf = (v: Float32Array) => cohort.get(v) ?? cohort.set(v, cal.cohortMean(v)).get(v)!;
      scores = leaveOneOutScores(speakers, (e, t) => decideCalibrated(cal, e, t, cal.llrThreshold, { enroll: cohortOf(e.embedding), test: cohortOf(t.embedding) }).llr);
      const fit = cal.data.fit;
      advice = adviseThreshold(scores.tar, scores.non, cal.llrThreshold, {
        validation: [{ name: 'held-out train speakers (the calibration fit)', threshold: cal.llrThreshold, at: { far: fit.falseAcceptRate, frr: fit.falseRejectRate } }],
        nearDuplicates: cosines.tar.filter((c) => c > NEAR_DUPLICATE_COSINE).length,
      });
    } else {
      advice = adviseThreshold(scores.tar, scores.non, card?.threshold.value ?? 0.5, { validation: card ? validationPoints(card.evaluation) : [] });
    }
    const { tar, non } = scores;
    const eer = computeEer(tar, non);
    const det = thinDet(detCurve(tar, non), 200);
    return { scale: cal ? 'llr' : 'cosine', targetScores: tar, nontargetScores: non, eer: eer.eer, eerThreshold: eer.threshold, det, trials: tar.length + non.length, advice };
  }

  /**
   * Stores a threshold override in the store's settings: a cosine in [-1, 1], or with scale 'llr'
   * an llr threshold that replaces the calibrated model's own (the calibration itself stays).
   */
  async setThreshold(t: number, scale: ThresholdScale = 'cosine'): Promise<void> {
    await this.store.setThreshold(t, scale);
  }

  /** Drops the override (cosine and llr): the model's threshold applies again. */
  async resetThreshold(): Promise<void> {
    await this.store.setThreshold(undefined);
  }

  /** The L2-normalised embedding of one recording. */
  async embed(input: AudioInput): Promise<Float32Array> {
    return (await this.embedWithSpeech(input)).embedding;
  }

  private async embedWithSpeech(input: AudioInput): Promise<{ embedding: Float32Array; speechSec: number }> {
    const embedder = this.model();
    const audio = await decodeInput(input);
    return embedder.embedWithSpeech(audio.samples);
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

  /** The embedding of a take that enrollment would accept; no speech, no score. */
  /** The embedding and seconds of speech of a take to score; TOO_LITTLE_SPEECH when it has no usable speech. */
  private async speechEmbedding(input: AudioInput): Promise<{ embedding: Float32Array; speechSec: number }> {
    const embedder = this.model();
    const audio = await decodeInput(input);
    // One VAD pass for the quality report and the speech selection (the same default settings).
    const detected = detectSpeechDetailed(audio.samples);
    const report = takeReport(inputName(input), audio, assessQuality(audio.samples, {}, detected));
    if (!report.usable) throw noSpeechError(report);
    return embedder.embedWithSpeech(audio.samples, detected);
  }

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
  const issues = [...q.issues];
  const noVoice = issues.some((i) => i.code === 'no_voice');
  if (!noVoice && q.speechSec < MIN_SPEECH_SEC && !issues.some((i) => i.code === 'too_short'))
    issues.push(tooShortIssue(q.speechSec));
  return {
    name,
    durationSec: audio.durationSec,
    speechSec: q.speechSec,
    peakDb: q.peakDb,
    rmsDb: q.levelDb,
    snrDb: q.snrDb,
    clippedFraction: q.clippingRatio,
    usable: !noVoice && q.speechSec >= MIN_SPEECH_SEC,
    issues,
  };
}

/** The typed refusal of verify and identify for a take enrollment would not use either. */
function noSpeechError(r: TakeReport): AudioDecodeError {
  const what = r.issues.map((i) => i.message).join(', ') || `only ${r.speechSec.toFixed(1)} s of speech`;
  const fix = r.issues[0]?.fix ?? 'say a full sentence';
  return new AudioDecodeError(
    'TOO_LITTLE_SPEECH',
    `${r.name}: ${what}, so there is no voice to compare; at least ${MIN_SPEECH_SEC} s of speech is needed. Record again: ${fix}.`,
    { subject: r.name },
  );
}

/** At most ~`n` DET points (keeps the ends), enough for a chart sent over IPC. */
function thinDet(det: { pfa: number; pmiss: number }[], n: number): { pfa: number; pmiss: number }[] {
  const pick = det.length <= n ? det : det.filter((_, i) => i === 0 || i === det.length - 1 || i % Math.ceil(det.length / n) === 0);
  return pick.map((p) => ({ pfa: p.pfa, pmiss: p.pmiss }));
}
