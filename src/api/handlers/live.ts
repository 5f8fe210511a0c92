/**
 * Live sessions over the contract: `startLive` opens a LiveVerifySession or
 * LiveIdentifySession (src/live) as a job; `pushLiveAudio` feeds it PCM and each update goes out as
 * a progress event; `endLive` ends it and the final update is the job's result. A session nobody
 * feeds for IDLE_MS, or that passes MAX_AUDIO_SEC, is cancelled so a closed window leaks nothing.
 */
import { CancelledError, InvalidArgumentError, VoxprintError } from '../../errors';
import { SAMPLE_RATE } from '../../features/front-end';
import type { LiveIdentifySession, LiveIdentifyUpdate, LiveVerifySession, LiveVerifyUpdate } from '../../live/session';
import type { LiveUpdate, ParsedReq, Res } from '../contract';
import type { CoreHost } from '../host';
import type { JobContext } from '../jobs';

const IDLE_MS = 30_000;
const MAX_AUDIO_SEC = 600;

export function toLiveUpdate(u: LiveVerifyUpdate | LiveIdentifyUpdate): LiveUpdate {
  const base = { speechSeconds: u.speechSeconds, audioSeconds: u.audioSeconds, threshold: u.threshold, final: u.final };
  if ('candidates' in u) {
    return {
      ...base,
      score: u.candidates[0]?.score ?? null,
      candidates: u.candidates.map((c) => ({ speaker: c.speaker, score: c.score })),
      best: u.best,
      ...(u.decision ? { decision: { ...u.decision, identified: u.identified ?? null } } : {}),
    };
  }
  return {
    ...base,
    score: u.score,
    ...(u.llr !== undefined ? { llr: u.llr } : {}),
    ...(u.probability !== undefined ? { probability: u.probability } : {}),
    ...(u.decision ? { decision: u.decision } : {}),
  };
}

/** 16-bit little-endian PCM bytes to samples in [-1, 1) (a trailing odd byte is ignored). */
export function pcm16ToFloat(b: Uint8Array): Float32Array {
  const n = b.byteLength >> 1;
  const dv = new DataView(b.buffer, b.byteOffset, n * 2);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getInt16(2 * i, true) / 32768;
  return out;
}

class LiveJob {
  private ctx: JobContext<'startLive'> | null = null;
  private pending: LiveUpdate[] = [];
  private settle!: { resolve: (u: LiveUpdate) => void; reject: (e: unknown) => void };
  /** Made at once: the session may end before the job runner starts `run` (it starts on the next turn). */
  private readonly outcome = new Promise<LiveUpdate>((resolve, reject) => {
    this.settle = { resolve, reject };
  });
  private idle: ReturnType<typeof setTimeout> | undefined;
  private audioSec = 0;
  closed = false;

  constructor(
    private readonly session: LiveVerifySession | LiveIdentifySession,
    private readonly onClose: () => void,
  ) {
    // The job runner attaches its handler on a later turn; until then a failure is not "unhandled".
    this.outcome.catch(() => {});
  }

  run(ctx: JobContext<'startLive'>): Promise<LiveUpdate> {
    this.ctx = ctx;
    for (const u of this.pending.splice(0)) ctx.progress(u);
    if (ctx.signal.aborted) this.fail(new CancelledError('Live scoring'));
    ctx.signal.addEventListener('abort', () => this.fail(new CancelledError('Live scoring')));
    if (!this.closed) this.touch();
    return this.outcome;
  }

  push(pcm: Uint8Array): boolean {
    const x = pcm16ToFloat(pcm);
    this.audioSec += x.length / SAMPLE_RATE;
    if (this.audioSec > MAX_AUDIO_SEC) {
      this.fail(new InvalidArgumentError(`A live session takes at most ${MAX_AUDIO_SEC / 60} minutes of audio; start a new one.`));
      return false;
    }
    for (const u of this.session.push(x)) this.emit(toLiveUpdate(u));
    this.touch();
    return this.session.decided !== undefined;
  }

  end(): void {
    const last = this.session.end();
    if (!last) return this.fail(new VoxprintError('TOO_LITTLE_SPEECH', 'The live session ended before any audio arrived. Speak for a second or two, then stop.'));
    this.finish(() => this.settle.resolve(toLiveUpdate(last)));
  }

  private emit(u: LiveUpdate): void {
    if (this.ctx) this.ctx.progress(u);
    else this.pending.push(u);
  }

  private touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.fail(new CancelledError('An unattended live session')), IDLE_MS);
  }

  private fail(e: unknown): void {
    this.finish(() => this.settle.reject(e));
  }

  private finish(fn: () => void): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idle);
    this.onClose();
    fn();
  }
}

export function liveHandlers(host: CoreHost) {
  const open = new Map<string, LiveJob>();
  const get = (jobId: string): LiveJob => {
    const j = open.get(jobId);
    if (!j) throw new InvalidArgumentError('That live session has ended (or never started). Start a new one.', { subject: jobId });
    return j;
  };
  return {
    async startLive({ speaker, top }: ParsedReq<'startLive'>): Promise<Res<'startLive'>> {
      const engine = host.engine();
      const session = speaker !== undefined ? (await engine.liveVerify(speaker)).session : await engine.liveIdentify({ top });
      let id = '';
      const job = new LiveJob(session, () => open.delete(id));
      id = host.jobs.start('startLive', (ctx) => job.run(ctx));
      open.set(id, job);
      return { jobId: id };
    },
    async pushLiveAudio({ jobId, pcm }: ParsedReq<'pushLiveAudio'>): Promise<Res<'pushLiveAudio'>> {
      return { decided: get(jobId).push(pcm) };
    },
    async endLive({ jobId }: ParsedReq<'endLive'>): Promise<Res<'endLive'>> {
      get(jobId).end();
      return { ended: true };
    },
  };
}
