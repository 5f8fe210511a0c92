/**
 * Live verification and identification sessions: a LiveEmbedding whose every update is scored
 * with the function verify/identify use (passed in by the engine, so a calibrated score the engine
 * adds later, `llr`/`probability`, appears here too), plus the early-decision rule.
 */
import type { Embedder } from '../model/embedder';
import { earlyDecision, type EarlyRule, DEFAULT_EARLY_RULE } from './decision';
import { LiveEmbedding, type EmbeddingUpdate } from './embedding';

/** What the engine's verify scoring returns for one embedding (verify's answer, and every live update). */
export interface LiveScore {
  /** Cosine of the recording's embedding and the speaker's centroid. */
  score: number;
  /**
   * The cosine the score had to reach. With a calibrated model it is this trial's equivalent of
   * the llr threshold (it moves with the speech durations and the channel).
   */
  threshold: number;
  accepted: boolean;
  /** Calibrated log-likelihood ratio (natural log), when the model has a calibration. */
  llr?: number;
  /** P(same speaker) at even prior odds, from the llr. */
  probability?: number;
  /** The llr the decision needs, when it is made on the calibrated llr. */
  llrThreshold?: number;
}

export interface LiveDecision {
  accepted: boolean;
  /** Seconds of speech heard when the decision was made. */
  decidedAt: number;
  /** True when the early rule decided before the end of the audio. */
  early: boolean;
}

interface UpdateBase {
  speechSeconds: number;
  audioSeconds: number;
  /** True for the last update (after the end of the audio). */
  final: boolean;
  /** Set once a decision is reached (it then stays); always set on the final update. */
  decision?: LiveDecision;
}

export interface LiveVerifyUpdate extends UpdateBase, LiveScore {}

export interface LiveCandidate {
  speaker: string;
  id: string;
  score: number;
}

export interface LiveIdentifyUpdate extends UpdateBase {
  candidates: LiveCandidate[];
  /** Who is speaking now: the best candidate when at or above the threshold, else null. */
  best: string | null;
  threshold: number;
  /** On a decision: the speaker identified (null: unknown). */
  identified?: string | null;
}

abstract class LiveSession<U extends UpdateBase> {
  protected readonly stream: LiveEmbedding;
  protected decision: LiveDecision | undefined;
  private done = false;

  constructor(
    embedder: Embedder,
    protected readonly rule: EarlyRule = DEFAULT_EARLY_RULE,
  ) {
    this.stream = new LiveEmbedding(embedder);
  }

  get decided(): LiveDecision | undefined {
    return this.decision;
  }

  /** Feeds 16 kHz mono samples; returns one update per 0.5 s of new speech. */
  push(chunk: Float32Array): U[] {
    if (this.done) throw new Error('live session: push after end');
    return this.stream.push(chunk).map((u) => this.score(u));
  }

  /** Ends the audio; returns the final update (null when there was no audio to score). */
  end(): U | null {
    if (this.done) throw new Error('live session: end called twice');
    this.done = true;
    const u = this.stream.end();
    return u ? this.score(u) : null;
  }

  protected abstract score(u: EmbeddingUpdate): U;

  /** Applies the early rule (or, on the final update, the threshold) unless already decided. */
  protected decide(score: number, threshold: number, u: EmbeddingUpdate, earlyReject = true): LiveDecision | undefined {
    if (!this.decision) {
      let early = u.final ? null : earlyDecision(score, threshold, u.speechSeconds, this.rule);
      if (early === 'reject' && !earlyReject) early = null;
      if (early) this.decision = { accepted: early === 'accept', decidedAt: u.speechSeconds, early: true };
      else if (u.final) this.decision = { accepted: score >= threshold, decidedAt: u.speechSeconds, early: false };
    }
    return this.decision;
  }
}

export class LiveVerifySession extends LiveSession<LiveVerifyUpdate> {
  constructor(
    embedder: Embedder,
    /** Scores an update's embedding; `speechSec` is the speech behind it (calibrated scores weigh it). */
    private readonly scoreFn: (embedding: Float32Array, speechSec: number) => LiveScore,
    rule?: EarlyRule,
  ) {
    super(embedder, rule);
  }

  protected score(u: EmbeddingUpdate): LiveVerifyUpdate {
    const s = this.scoreFn(u.embedding, u.speechSeconds);
    const decision = this.decide(s.score, s.threshold, u);
    return {
      speechSeconds: u.speechSeconds,
      audioSeconds: u.audioSeconds,
      final: u.final,
      score: s.score,
      threshold: s.threshold,
      accepted: s.accepted,
      ...(s.llr !== undefined ? { llr: s.llr } : {}),
      ...(s.probability !== undefined ? { probability: s.probability } : {}),
      ...(s.llrThreshold !== undefined ? { llrThreshold: s.llrThreshold } : {}),
      ...(decision ? { decision } : {}),
    };
  }
}

export class LiveIdentifySession extends LiveSession<LiveIdentifyUpdate> {
  private identified: string | null = null;

  constructor(
    embedder: Embedder,
    private readonly rank: (embedding: Float32Array, speechSec: number) => { candidates: LiveCandidate[]; best: string | null; threshold: number },
    rule?: EarlyRule,
  ) {
    super(embedder, rule);
  }

  protected score(u: EmbeddingUpdate): LiveIdentifyUpdate {
    const r = this.rank(u.embedding, u.speechSeconds);
    const top = r.candidates[0];
    const had = this.decision;
    // Who is speaking is named as soon as the evidence allows, but "unknown" only once the speech
    // ends: the closest speaker's score rises as more of the voice is heard.
    const decision = top ? this.decide(top.score, r.threshold, u, false) : undefined;
    if (decision && !had) this.identified = decision.accepted ? top.speaker : null;
    return {
      speechSeconds: u.speechSeconds,
      audioSeconds: u.audioSeconds,
      final: u.final,
      candidates: r.candidates,
      best: r.best,
      threshold: r.threshold,
      ...(decision ? { decision, identified: this.identified } : {}),
    };
  }
}
