/**
 * `verify NAME FILE --stream` and `identify FILE --stream`: live scoring of a file or of stdin
 * (`-`), one line per update. With --json each update is one JSON object on its own line (the
 * one exception to "--json prints exactly one JSON object"); the last line carries the decision.
 */
import { Readable } from 'node:stream';
import type { LiveIdentifyUpdate, LiveVerifyUpdate } from '../../live/session';
import { audioChunks, type LiveSource } from '../../live/sources';
import { InvalidArgumentError } from '../../errors';
import type { Ctx, OptionSpec, Values } from '../command';
import { requireFiles } from './files';
import { EXIT_REJECTED } from './exit-codes';

export const STREAM_OPTIONS: Record<string, OptionSpec> = {
  stream: {
    type: 'boolean',
    help: 'score while reading: one line per 0.5 s of new speech, then the decision (early once the evidence allows). FILE "-" reads a WAV or raw 16-bit 16 kHz mono PCM from stdin. With --json: one JSON object PER LINE, the last with "accepted" and "decidedAt"',
  },
  realtime: { type: 'boolean', help: 'with --stream: feed the audio at the speed it was spoken (default: as fast as possible)' },
};

export const STREAM_HELP =
  'With --stream and --json, stdout is JSON Lines: one object per update ({"speechSeconds", "score", ...}), the last one with ' +
  '"final": true, "accepted" and "decidedAt" (seconds of speech when decided). This is the one exception to "exactly one JSON object".';

function sourceOf(file: string, ctx: Ctx): LiveSource {
  if (file === '-') return { stream: process.stdin as Readable, name: 'standard input' };
  requireFiles([file]);
  void ctx;
  return { path: file };
}

/** Checks --realtime is only used with --stream. */
export function checkStreamOptions(values: Values): boolean {
  if (values.realtime && !values.stream) throw new InvalidArgumentError('--realtime paces a --stream run: add --stream.');
  return Boolean(values.stream);
}

const f2 = (x: number) => x.toFixed(2);
const f4 = (x: number) => x.toFixed(4);

function line(ctx: Ctx, obj: object, text: string): void {
  ctx.io.stdout(ctx.json ? JSON.stringify(obj) + '\n' : text + '\n');
}

function decisionText(d: LiveVerifyUpdate['decision'], what: (accepted: boolean) => string): string {
  if (!d) return '';
  return `  ${what(d.accepted)} (${d.early ? 'early, ' : ''}decided at ${f2(d.decidedAt)} s of speech)`;
}

/** Streams FILE against NAME; resolves to the exit code (EXIT_REJECTED when the decision is no, as `verify`). */
export async function runLiveVerify(ctx: Ctx, name: string, file: string, realtime: boolean): Promise<number> {
  const src = sourceOf(file, ctx);
  const engine = await ctx.engine();
  const { speaker, session } = await engine.liveVerify(name);
  const show = (u: LiveVerifyUpdate) => {
    const obj = {
      speaker,
      speechSeconds: round(u.speechSeconds, 2),
      audioSeconds: round(u.audioSeconds, 2),
      score: u.score,
      threshold: u.threshold,
      ...(u.llr !== undefined ? { llr: u.llr } : {}),
      ...(u.probability !== undefined ? { probability: u.probability } : {}),
      ...(u.llrThreshold !== undefined ? { llrThreshold: u.llrThreshold } : {}),
      ...(u.decision ? { accepted: u.decision.accepted, decidedAt: round(u.decision.decidedAt, 2), early: u.decision.early } : {}),
      ...(u.final ? { final: true } : {}),
    };
    const verdict = decisionText(u.decision, (a) => (a ? `ACCEPTED: this is "${speaker}"` : `REJECTED: this is not "${speaker}"`));
    line(ctx, obj, `${u.final ? 'final' : 'live '} ${f2(u.speechSeconds).padStart(6)} s speech  score ${f4(u.score)}  threshold ${f4(u.threshold)}${verdict}`);
  };
  for await (const chunk of audioChunks(src, { realtime, signal: ctx.signal })) for (const u of session.push(chunk)) show(u);
  const last = session.end();
  if (!last) throw new InvalidArgumentError(`${file === '-' ? 'standard input' : file}: too little audio to score (under 25 ms).`);
  show(last);
  return last.decision?.accepted ? 0 : EXIT_REJECTED;
}

/** Streams FILE against every enrolled speaker; resolves to the exit code (EXIT_REJECTED when nobody is identified, as `identify`). */
export async function runLiveIdentify(ctx: Ctx, file: string, top: number, realtime: boolean): Promise<number> {
  const src = sourceOf(file, ctx);
  const engine = await ctx.engine();
  const session = await engine.liveIdentify({ top });
  const show = (u: LiveIdentifyUpdate) => {
    const obj = {
      speechSeconds: round(u.speechSeconds, 2),
      audioSeconds: round(u.audioSeconds, 2),
      score: u.candidates[0]?.score ?? null,
      best: u.best,
      threshold: u.threshold,
      candidates: u.candidates.map((c) => ({ speaker: c.speaker, score: c.score })),
      ...(u.decision ? { accepted: u.decision.accepted, identified: u.identified ?? null, decidedAt: round(u.decision.decidedAt, 2), early: u.decision.early } : {}),
      ...(u.final ? { final: true } : {}),
    };
    const ranking = u.candidates.map((c) => `${c.speaker} ${f4(c.score)}`).join(', ');
    const verdict = u.decision ? `  ${u.identified ? `IDENTIFIED: "${u.identified}"` : 'UNKNOWN speaker'} (${u.decision.early ? 'early, ' : ''}decided at ${f2(u.decision.decidedAt)} s of speech)` : '';
    line(ctx, obj, `${u.final ? 'final' : 'live '} ${f2(u.speechSeconds).padStart(6)} s speech  ${ranking || 'no speakers enrolled'}${verdict}`);
  };
  for await (const chunk of audioChunks(src, { realtime, signal: ctx.signal })) for (const u of session.push(chunk)) show(u);
  const last = session.end();
  if (!last) throw new InvalidArgumentError(`${file === '-' ? 'standard input' : file}: too little audio to score (under 25 ms).`);
  show(last);
  return last.identified ? 0 : EXIT_REJECTED;
}

function round(x: number, d: number): number {
  const k = 10 ** d;
  return Math.round(x * k) / k;
}
