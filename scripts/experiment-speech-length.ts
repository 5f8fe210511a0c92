/**
 * `npm run experiment:speech-length`: how accuracy depends on the length of the test speech, and
 * what the live scorer's early-decision rule (src/live/decision.ts) does on the dev lists.
 *
 * 1. For each dev list, `voxprint --json eval --trials LIST --sweep 0.5,1,2,3,5` (run as a child
 *    process, as a user would): EER and minDCF with every test utterance cut to its first S
 *    seconds of speech, enrollments whole.
 * 2. The live path, in process: every test file is streamed in 0.1 s chunks through
 *    LiveEmbedding (streaming VAD, incremental MFCC, 1.5 s windows); each trial's updates are
 *    then decided by a LiveVerifySession's own code (src/live/session.ts) against the enrollment
 *    (mean of the offline enrollment embeddings, as `enroll` makes a profile), each update scored
 *    as the engine's verifyDecision scores it with no store override: with a calibrated model, the
 *    llr from the speech heard so far and the enrollment's speech against the calibration's
 *    threshold (the rule works on the cosine equivalent of that threshold for the update);
 *    without one, the cosine against the card's threshold. Reported: how many trials decide early
 *    and when, the false-accept and false-reject rates of the rule, the same at the end without the
 *    early rule, the offline `verify` decision, and the EER of the live final scores.
 *
 *   npm run experiment:speech-length [-- --lists dsp,libri,arabic,sc,so] [--sweep 0.5,1,2,3,5] [--out docs/results/speech-length.md]
 *     [--render-only]   rewrite the page and the plot from the figures saved beside it (speech-length.json)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../src/audio/decode';
import { initBackend } from '../src/backend';
import { renderCurvesSvg } from '../src/eval/curves-svg';
import { computeEer } from '../src/eval/metrics';
import { readTrialsFile } from '../src/eval/trials';
import { calibratedScore } from '../src/calibration/calibration';
import { DEFAULT_EARLY_RULE } from '../src/live/decision';
import { SPEECH_LENGTH_GUIDE } from '../src/live/guidance';
import { LiveEmbedding, type EmbeddingUpdate } from '../src/live/embedding';
import { LiveVerifySession, type LiveScore, type LiveVerifyUpdate } from '../src/live/session';
import { CHUNK_SEC } from '../src/live/sources';
import type { Embedder } from '../src/model/embedder';
import { loadModel } from '../src/model/io';
import { l2normalize, verifyScore } from '../src/speakers/scoring';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const DATA = '../shared/data';
const lists = arg('lists', 'dsp,libri,arabic,sc,so').split(',');
const sweep = arg('sweep', '0.5,1,2,3,5');
const out = arg('out', 'docs/results/speech-length.md');
const MODEL = 'models/default';

interface SweepRow {
  maxTestSeconds: number | null;
  eer: number;
  minDcf: number;
  eerThreshold: number;
}

interface Saved {
  model: string;
  /** The card's cosine threshold (the decision of an uncalibrated model). */
  threshold: number;
  /** The calibration's llr threshold when the model has one: then every decision and score is on the llr. */
  llrThreshold?: number;
  sweep: string;
  sweeps: Record<string, SweepRow[]>;
  live: Record<string, Record<string, number>>;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

async function main() {
  const saved = out.replace(/\.md$/, '.json');
  if (process.argv.includes('--render-only')) return write(JSON.parse(readFileSync(saved, 'utf8')) as Saved);
  await initBackend();
  const embedder = await loadModel(MODEL);
  const threshold = embedder.card!.threshold.value;
  const llrThreshold = embedder.calibration?.llrThreshold;
  const sweeps: Record<string, SweepRow[]> = {};
  const live: Record<string, Record<string, number>> = {};
  for (const l of lists) {
    const trialsFile = join(DATA, `${l}-dev.trials.txt`);
    console.error(`${l}: sweep`);
    const json = execFileSync('node', ['bin/voxprint.js', '--json', 'eval', '--trials', trialsFile, '--sweep', sweep, '--model', MODEL], { encoding: 'utf8', maxBuffer: 1 << 26 });
    sweeps[l] = JSON.parse(json).sweep;
    console.error(`${l}: live`);
    live[l] = await liveRule(trialsFile, threshold, embedder);
    console.error(JSON.stringify({ list: l, sweep: sweeps[l], live: live[l] }));
  }
  embedder.dispose();
  const result: Saved = { model: embedder.card!.id, threshold, ...(llrThreshold !== undefined ? { llrThreshold } : {}), sweep, sweeps, live };
  writeFileSync(saved, `${JSON.stringify(result, null, 1)}\n`);
  write(result);
}

function write(r: Saved): void {
  writeFileSync(out.replace(/\.md$/, '.svg'), plot(r.sweeps));
  writeFileSync(out, doc(r));
  console.error(`wrote ${out}`);
}

/** A LiveVerifySession fed with updates streamed once per test file, so that every trial of that file reuses them. */
class ReplaySession extends LiveVerifySession {
  replay(u: EmbeddingUpdate): LiveVerifyUpdate {
    return this.score(u);
  }
}

/**
 * The engine's verifyDecision with no store threshold override, against an enrollment
 * (`centroid`, `speechSec`): the calibrated llr decision when the model has a calibration, else
 * the cosine at the card's threshold.
 */
function scorer(embedder: Embedder, threshold: number, enroll: { embedding: Float32Array; speechSec: number }): (embedding: Float32Array, speechSec: number) => LiveScore {
  const cal = embedder.calibration;
  if (!cal) return (embedding) => verifyScore(embedding, enroll.embedding, threshold);
  const cohortEnroll = cal.cohortMean(enroll.embedding);
  return (embedding, speechSec) => calibratedScore(cal, enroll, { embedding, speechSec }, cal.llrThreshold, { enroll: cohortEnroll });
}

/** Streams each test file once; decides every trial from its updates as a LiveVerifySession does. */
async function liveRule(trialsFile: string, threshold: number, embedder: Embedder): Promise<Record<string, number>> {
  const trials = readTrialsFile(trialsFile);
  const offline = new Map<string, { embedding: Float32Array; speechSec: number }>();
  const samples = async (f: string) => (await decodeAudioFile(f)).samples;
  const embedOffline = async (f: string) => offline.get(f) ?? offline.set(f, embedder.embedWithSpeech(await samples(f))).get(f)!;
  const traj = new Map<string, EmbeddingUpdate[]>();
  for (const t of trials) {
    if (traj.has(t.test)) continue;
    const x = await samples(t.test);
    const le = new LiveEmbedding(embedder);
    const ups: EmbeddingUpdate[] = [];
    const chunk = Math.round(CHUNK_SEC * 16000);
    for (let i = 0; i < x.length; i += chunk) ups.push(...le.push(x.subarray(i, i + chunk)));
    const fin = le.end();
    if (fin) ups.push(fin);
    traj.set(t.test, ups);
  }
  const c = { early: 0, earlyAt: 0, fa: 0, fr: 0, endFa: 0, endFr: 0, offFa: 0, offFr: 0, earlyWrong: 0, tar: 0, non: 0 };
  const tarFinal: number[] = [];
  const nonFinal: number[] = [];
  for (const t of trials) {
    const acc = new Float32Array(embedder.dim);
    let speechSec = 0;
    for (const f of t.enroll) {
      const e = await embedOffline(f);
      const v = l2normalize(e.embedding);
      for (let i = 0; i < acc.length; i++) acc[i] += v[i];
      speechSec += e.speechSec;
    }
    const score = scorer(embedder, threshold, { embedding: l2normalize(acc), speechSec });
    const session = new ReplaySession(embedder, score);
    let last: LiveVerifyUpdate | undefined;
    for (const u of traj.get(t.test)!) last = session.replay(u);
    // A file without any audio gives no update: the session never decides, a rejection for the user.
    const decision = session.decided ?? { accepted: false, decidedAt: 0, early: false };
    if (decision.early) {
      c.early++;
      c.earlyAt += decision.decidedAt;
      if (decision.accepted !== (t.label === 1)) c.earlyWrong++;
    }
    // The final update's own decision: what the session would say without the early rule.
    const endAccept = last?.accepted ?? false;
    const finalScore = last ? (last.llr ?? last.score) : -Infinity;
    const accepted = decision.accepted;
    const test = await embedOffline(t.test);
    const offAccept = score(test.embedding, test.speechSec).accepted;
    if (t.label === 1) {
      c.tar++;
      tarFinal.push(finalScore);
      if (!accepted) c.fr++;
      if (!endAccept) c.endFr++;
      if (!offAccept) c.offFr++;
    } else {
      c.non++;
      nonFinal.push(finalScore);
      if (accepted) c.fa++;
      if (endAccept) c.endFa++;
      if (offAccept) c.offFa++;
    }
  }
  return {
    trials: trials.length,
    earlyFraction: c.early / trials.length,
    meanEarlyAt: c.early ? c.earlyAt / c.early : NaN,
    earlyErrorRate: c.early ? c.earlyWrong / c.early : 0,
    fa: c.fa / c.non,
    fr: c.fr / c.tar,
    endFa: c.endFa / c.non,
    endFr: c.endFr / c.tar,
    offFa: c.offFa / c.non,
    offFr: c.offFr / c.tar,
    liveEer: computeEer(tarFinal, nonFinal).eer,
  };
}

function plot(sweeps: Record<string, SweepRow[]>): string {
  const series = Object.entries(sweeps).map(([l, rows]) => ({
    label: `${l}-dev`,
    points: rows.filter((r) => r.maxTestSeconds !== null).map((r) => ({ step: r.maxTestSeconds!, values: { eer: r.eer, minDcf: r.minDcf } })),
  }));
  return renderCurvesSvg(series, [{ metric: 'eer', title: 'EER (%)', scale: 100 }, { metric: 'minDcf', title: 'minDCF (p_target 0.01)' }], {
    title: 'Accuracy against test speech length',
    subtitle: 'each test utterance cut to its first S seconds of speech; enrollments whole (voxprint eval --sweep)',
    xLabel: 'seconds of test speech',
  });
}

function doc({ sweeps, live, threshold, llrThreshold, model: modelId, sweep }: Saved): string {
  const calibrated = llrThreshold !== undefined;
  const ls = Object.keys(sweeps);
  const lengths = sweeps[ls[0]].map((r) => r.maxTestSeconds);
  const head = ['test speech', ...ls.map((l) => `${l}-dev`)];
  const rows = lengths.map((s, i) => [s === null ? 'full' : `${s} s`, ...ls.map((l) => `${pct(sweeps[l][i].eer)} / ${sweeps[l][i].minDcf.toFixed(3)}`)]);
  const md = (r: string[]) => `| ${r.join(' | ')} |`;
  const sep = md(head.map(() => '---'));
  const liveHead = ['', ...ls.map((l) => `${l}-dev`)];
  const lrow = (name: string, f: (v: Record<string, number>) => string) => md([name, ...ls.map((l) => f(live[l]))]);
  const trows = lengths.map((s, i) => [s === null ? 'full' : `${s} s`, ...ls.map((l) => sweeps[l][i].eerThreshold.toFixed(3))]);
  const early = (l: string) => `${l}-dev ${(100 * (live[l]?.earlyFraction ?? NaN)).toFixed(0)}%`;
  const at = (l: string) => `${(live[l]?.meanEarlyAt ?? NaN).toFixed(2)} s`;
  return `# Accuracy against speech length, and live verification's early decisions

Made by \`npm run experiment:speech-length\` (scripts/experiment-speech-length.ts) with ${modelId}
(models/default); every figure below is printed by it.

## EER and minDCF against the length of the test speech

\`voxprint eval --trials ../shared/data/LIST.trials.txt --sweep ${sweep}\`: every test utterance
is cut to its first S seconds of speech (after the same speech detection as \`verify\`), the
enrollments stay whole. "full" is the usual \`voxprint eval\`. EER / minDCF (p_target 0.01):

${md(head)}
${sep}
${rows.map(md).join('\n')}

![EER and minDCF against seconds of test speech](speech-length.svg)

dsp-dev, arabic-dev and sc-dev hold single words of about 1 s of speech, so their rows stop
changing once S is longer than the words: they show what one word is worth. libri-dev (read
sentences) shows the curve itself.

${
    calibrated
      ? `The model is calibrated, so these scores are llrs (the calibration weighs the seconds of speech on
each side). The llr threshold at the EER for each length; the default decision is llr >= ${llrThreshold.toFixed(3)}:`
      : `The score threshold at the EER for each length (short tests score lower against the same
enrollment, which matters for any decision taken early at one fixed threshold):`
  }

${md(head)}
${sep}
${trows.map(md).join('\n')}

## Live verification: the early-decision rule on the dev lists

\`voxprint verify NAME FILE --stream\` and the app's Live mode score the running embedding every
0.5 s of speech (src/live) with the engine's verify decision. The rule (src/live/decision.ts): after at least
${DEFAULT_EARLY_RULE.minSpeechSec} s of speech, accept early when the cosine >= t + m(T), reject early
when it is <= t - m(T), m(T) = ${DEFAULT_EARLY_RULE.marginAt1s} / sqrt(T / 1 s); otherwise the final update decides. ${
    calibrated
      ? `The model is calibrated, so t is the cosine at which that update's llr equals the calibration's
threshold (${llrThreshold.toFixed(3)}): it moves with the seconds of speech heard so far (T), the enrollment's speech
and both sides' cohort similarities, and "cosine >= t" is "llr >= ${llrThreshold.toFixed(3)}".`
      : `t is the model card's threshold (${threshold.toFixed(4)}).`
  } Each trial's updates
go through a LiveVerifySession's own decision code (src/live/session.ts), scored as the engine's
verifyDecision scores them with no store threshold override. The constants
were set before these runs and are not tuned on them. Each test file is streamed in 0.1 s chunks.
Rates are fractions of the target (false reject) or non-target (false accept) trials:

${md(liveHead)}
${md(liveHead.map(() => '---'))}
${lrow('trials decided early', (v) => `${(100 * v.earlyFraction).toFixed(1)}%`)}
${lrow('mean speech at an early decision', (v) => (Number.isFinite(v.meanEarlyAt) ? `${v.meanEarlyAt.toFixed(2)} s` : '-'))}
${lrow('early decisions that are wrong', (v) => pct(v.earlyErrorRate))}
${lrow('live with the rule: false accept / false reject', (v) => `${pct(v.fa)} / ${pct(v.fr)}`)}
${lrow('live, end only (no early rule): FA / FR', (v) => `${pct(v.endFa)} / ${pct(v.endFr)}`)}
${lrow(`offline verify (${calibrated ? 'calibrated decision' : 'same threshold'}): FA / FR`, (v) => `${pct(v.offFa)} / ${pct(v.offFr)}`)}
${lrow(`EER of the live final ${calibrated ? 'llrs' : 'scores'}`, (v) => pct(v.liveEer))}

What this says, in this run's figures: on read sentences ${early('libri')} and ${early('so')} of the
trials are decided early, after ${at('libri')} and ${at('so')} of speech on average; on the single-word lists
${early('dsp')}, ${early('arabic')}, ${early('sc')} (a word is about 1 s, shorter than the ${DEFAULT_EARLY_RULE.minSpeechSec} s the
rule waits for, so those trials are decided by the final update). What the early rule costs against
deciding at the end of the audio, FA / FR: ${ls.map((l) => `${l}-dev ${pct(live[l].fa)} / ${pct(live[l].fr)} against ${pct(live[l].endFa)} / ${pct(live[l].endFr)}`).join('; ')}.

The live path differs from offline \`verify\` in two ways, both measured above: its speech
detection only knows the past (src/live/vad.ts), and it embeds 1.5 s windows instead of 3 s ones
(src/live/embedding.ts says why: the 5 ms per update budget).

## How much speech a decision needs

The app's Live mode tells the user the figure from the ${SPEECH_LENGTH_GUIDE.list} curve above: the shortest test
length whose EER is within 1 point of the full-length EER (src/live/guidance.ts holds the number;
update it when this page changes). From this run: ${reliable(sweeps[SPEECH_LENGTH_GUIDE.list.replace(/-dev$/, '')])};
src/live/guidance.ts holds ${SPEECH_LENGTH_GUIDE.reliableSpeechSec} s.
`;
}

/** The shortest swept length whose EER is within 1 point of the full length's, in words. */
function reliable(rows: SweepRow[] | undefined): string {
  if (!rows) return 'the list was not run';
  const full = rows.find((r) => r.maxTestSeconds === null)!;
  const r = rows.find((x) => x.maxTestSeconds !== null && x.eer <= full.eer + 0.01);
  return r ? `${r.maxTestSeconds} s (EER ${pct(r.eer)} against ${pct(full.eer)} at full length)` : `no swept length (full length EER ${pct(full.eer)})`;
}

void main();
