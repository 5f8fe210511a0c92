/**
 * `npm run calibrate:model -- MODEL_DIR`: fits the model's score calibration (src/calibration)
 * on held-out TRAIN speakers only, and writes MODEL_DIR/calibration.json and the cohort file.
 *
 * - Trial speakers: the model's validation speakers of the multi-recording corpora (re-derived from the seeded split recorded in
 *   its card) plus every train speaker of a corpus the model never trained on. Never dev.
 * - Cohort: speakers the model trained on (one embedding per speaker: the mean of up to 3 files),
 *   each once clean and once through a simulated telephone channel.
 * - Conditions: clean, and telephone on both sides (a telephone corpus). Clean enrollment with a
 *   telephone test is left out: this model cannot bridge that gap, and fitting it would only
 *   blunt the llrs of the other conditions.
 * - The feature set and the cohort's top-k are chosen by speaker-disjoint two-fold
 *   cross-validation on these trials (mean Cllr over corpus x condition groups); the decision
 *   threshold is the llr where the group-weighted false-accept rate is the strictest target of
 *   0.5/1/2/3/5% whose group-weighted false-reject rate there is at most --max-frr (default 10%),
 *   or --far F when given.
 *   Flags: --data DIR (default ../shared/data), --far F, --max-frr F, --per-corpus N (default 60)
 */
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { decodeAudioFile } from '../src/audio/decode';
import { initBackend } from '../src/backend';
import {
  CALIBRATION_FILE,
  CALIBRATION_FORMAT,
  CALIBRATION_VERSION,
  COHORT_FILE,
  topKMean,
  type CalibrationData,
  type CalibrationFeature,
} from '../src/calibration/calibration';
import { applyCalibration, crossValidate, describe, fitCalibration, thresholdForWeightedFar, type MeasuredTrial } from '../src/calibration/fit';
import { loadModel, readModelCard } from '../src/model';
import { CentroidIndex, cosine, l2normalize } from '../src/speakers/scoring';
import { writeFileAtomic } from '../src/speakers/atomic';
import { telephone } from '../src/train/augment';
import { corpusOfSource } from '../src/train/card';
import { listTrainingData, type Utterance } from '../src/train/data';
import { TrainOptionsSchema } from '../src/train/options';
import { makeRng, pickDistinct } from '../src/util/rng';
import { splitValidation } from '../src/train/trainer';

const argv = process.argv.slice(2);
const flag = (n: string) => (argv.includes(n) ? argv[argv.indexOf(n) + 1] : undefined);
const dir = argv.find((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--')));
if (!dir) {
  console.error('usage: npm run calibrate:model -- MODEL_DIR [--data DIR] [--far 0.01] [--per-corpus 60]');
  process.exit(2);
}
const DATA = flag('--data') ?? '../shared/data';
/** The false-accept targets the default decision may take, strictest first. */
const FAR_GRID = [0.005, 0.01, 0.02, 0.03, 0.05];
/** Without --far: the strictest target of FAR_GRID whose group-weighted false-reject rate on these trials is at most this. */
// 10%, not the 15% a user would accept: speakers, rooms and channels the fit never saw reject
// more than the held-out train speakers do, so the rule keeps a margin. (With 15% the fit chose
// 1% false accepts at 14.5% false rejects here, and two dev lists then rejected 15.3% and 16.5%.)
const MAX_FRR = Number(flag('--max-frr') ?? 0.1);
const FORCED_FAR = flag('--far') === undefined ? undefined : Number(flag('--far'));
const PER_CORPUS = Number(flag('--per-corpus') ?? 60);
const COHORT_PER_CORPUS = 100;
/** Target trials per speaker: at least 8, and enough for ~200 per corpus when a corpus has few held-out speakers. */
const trialsPerSpeaker = (speakers: number) => Math.max(8, Math.ceil(200 / speakers));
const CONDITIONS = ['clean', 'telephone'] as const;
const FEATURE_SETS: CalibrationFeature[][] = [
  ['cosine'],
  ['cosine', 'logSpeechEnroll', 'logSpeechTest'],
  ['cosine', 'cohortEnroll', 'cohortTest'],
  ['cosine', 'cohortEnroll', 'cohortTest', 'logSpeechEnroll', 'logSpeechTest'],
  ['cosine', 'cohortEnroll', 'cohortTest', 'logSpeechEnroll', 'logSpeechTest', 'cosineLogSpeechMin'],
];
const TOP_KS = [20, 50, 100];

interface Emb {
  embedding: Float32Array;
  speechSec: number;
  /** Cosines against the cohort, sorted descending (filled once the cohort exists). */
  cohortSorted?: Float32Array;
}

async function main(): Promise<void> {
  await initBackend();
  const card = await readModelCard(dir!);
  const model = await loadModel(dir!);
  const splits = join(DATA, 'splits.json');
  const utts = listTrainingData(DATA, splits);
  const opts = TrainOptionsSchema.parse({ ...(card.training.options ?? {}), data: DATA, splits });
  const { train, val } = splitValidation(utts, opts);
  const trained = new Set(card.training.data.map((d) => corpusOfSource(d.name)));
  const bySpeaker = (us: Utterance[]) => {
    const m = new Map<string, Utterance[]>();
    for (const u of us) m.set(u.speaker, [...(m.get(u.speaker) ?? []), u]);
    return m;
  };
  const rng = makeRng(20261206);
  const pickSpeakers = (m: Map<string, Utterance[]>, perCorpus: number) => {
    const out: Utterance[][] = [];
    const corpora = [...new Set([...m.values()].map((u) => u[0].corpus))].sort();
    for (const c of corpora) {
      const spk = [...m.keys()].filter((s) => m.get(s)![0].corpus === c).sort();
      for (const i of pickDistinct(spk.length, perCorpus, rng).sort((a, b) => a - b)) out.push(m.get(spk[i])!);
    }
    return out;
  };
  // Held out: validation speakers, and all speakers of corpora the model never saw.
  const heldOut = bySpeaker([...val, ...train.filter((u) => !trained.has(u.corpus))]);
  const trialSpeakers = pickSpeakers(heldOut, PER_CORPUS);
  const cohortSpeakers = pickSpeakers(bySpeaker(train.filter((u) => trained.has(u.corpus))), COHORT_PER_CORPUS);
  console.log(`trial speakers: ${trialSpeakers.length}; cohort speakers: ${cohortSpeakers.length} (x2 channels)`);

  const cache = new Map<string, Emb>();
  let n = 0;
  const embed = async (path: string, cond: 'clean' | 'telephone'): Promise<Emb> => {
    const key = `${path}|${cond}`;
    let e = cache.get(key);
    if (!e) {
      let x = (await decodeAudioFile(path)).samples;
      if (cond === 'telephone') x = telephone(x);
      e = model.embedWithSpeech(x);
      cache.set(key, e);
      if (++n % 500 === 0) console.log(`embedded ${n}`);
    }
    return e;
  };

  // The cohort: one clean and one telephone embedding per cohort speaker.
  const cohortRows: Float32Array[] = [];
  for (const us of cohortSpeakers) {
    const files = us.length <= 3 ? us : [0, 1, 2].map((i) => us[Math.floor(((i + 0.5) * us.length) / 3)]);
    for (const cond of ['clean', 'telephone'] as const) {
      const acc = new Float32Array(model.dim);
      for (const u of files) {
        const v = (await embed(u.path, cond)).embedding;
        for (let i = 0; i < acc.length; i++) acc[i] += v[i];
      }
      cohortRows.push(l2normalize(acc));
    }
  }
  const index = new CentroidIndex(
    cohortRows.map((c, i) => ({ id: String(i), name: String(i), centroid: c })),
    model.dim,
  );
  const sortedCohort = (v: Float32Array) => index.scores(v).sort().reverse();

  // Trials, shaped like the dev lists: enroll 3 recordings, test another.
  interface RawTrial {
    enroll: Emb[];
    test: Emb;
    target: boolean;
    group: string;
    speaker: string;
  }
  const raw: RawTrial[] = [];
  const corpora = [...new Set(trialSpeakers.map((u) => u[0].corpus))].sort();
  for (const corpus of corpora) {
    const spks = trialSpeakers.filter((u) => u[0].corpus === corpus);
    const single = spks.every((u) => u.length < 4);
    for (const cond of CONDITIONS) {
      const ec = cond;
      const tc = cond;
      const group = `${corpus}/${cond}`;
      // A single-utterance corpus (LibriSpeech train-clean-100) only gives same-session target
      // trials (two halves of one recording): far easier than any real trial, they would teach the
      // calibration that long recordings of one voice always score near 1.
      if (single) continue;
      for (const us of spks) {
        if (us.length < 4) continue;
        const others = spks.filter((o) => o !== us);
        for (let t = 0; t < trialsPerSpeaker(spks.length); t++) {
          const pick = pickDistinct(us.length, 4, rng).map((i) => us[i]);
          const enroll = await Promise.all(pick.slice(0, 3).map((u) => embed(u.path, ec)));
          raw.push({ enroll, test: await embed(pick[3].path, tc), target: true, group, speaker: us[0].speaker });
          const o = others[rng.int(others.length)];
          raw.push({ enroll, test: await embed(o[rng.int(o.length)].path, tc), target: false, group, speaker: us[0].speaker });
        }
      }
    }
  }
  const targets = raw.filter((t) => t.target).length;
  console.log(`trials: ${raw.length} (${targets} target) in ${new Set(raw.map((t) => t.group)).size} groups; ${n} embeddings`);

  // Measures per trial, for every top-k.
  const centroidCohort = new Map<Emb[], { c: Float32Array; sorted: Float32Array }>();
  const measured = (k: number): MeasuredTrial[] =>
    raw.map((t) => {
      let e = centroidCohort.get(t.enroll);
      if (!e) {
        const acc = new Float32Array(model.dim);
        for (const x of t.enroll) for (let i = 0; i < acc.length; i++) acc[i] += x.embedding[i];
        const c = l2normalize(acc);
        e = { c, sorted: sortedCohort(c) };
        centroidCohort.set(t.enroll, e);
      }
      t.test.cohortSorted ??= sortedCohort(t.test.embedding);
      return {
        cosine: cosine(e.c, t.test.embedding),
        cohortEnroll: topKMean(e.sorted, k),
        cohortTest: topKMean(t.test.cohortSorted, k),
        speechEnroll: t.enroll.reduce((a, x) => a + x.speechSec, 0),
        speechTest: t.test.speechSec,
        target: t.target,
        group: t.group,
        speaker: t.speaker,
      };
    });

  // Choose the feature set and top-k by cross-validated mean group Cllr.
  let best: { features: CalibrationFeature[]; k: number; cllr: number } | undefined;
  for (const k of TOP_KS) {
    const trials = measured(k);
    for (const features of FEATURE_SETS) {
      if (k !== TOP_KS[0] && !features.some((f) => f.startsWith('cohort'))) continue;
      const llr = crossValidate(trials, features);
      const d = describe(trials, llr, 0);
      const groups = Object.values(d.byGroup);
      const mean = groups.reduce((a, g) => a + g.cllr, 0) / groups.length;
      console.log(`top-k ${k} [${features.join(', ')}]: cross-validated mean group Cllr ${mean.toFixed(4)}, pooled minCllr ${d.pooled.minCllr.toFixed(4)}`);
      if (!best || mean < best.cllr) best = { features, k, cllr: mean };
    }
  }
  const trials = measured(best!.k);
  const fitted = fitCalibration(trials, best!.features);
  const llr = trials.map((t) => applyCalibration(fitted, t));
  const cosineOnly = fitCalibration(trials, ['cosine']);
  const FAR = FORCED_FAR ?? FAR_GRID.find((f) => thresholdForWeightedFar(trials, llr, f).falseRejectRate <= MAX_FRR) ?? FAR_GRID[FAR_GRID.length - 1];
  const thr = thresholdForWeightedFar(trials, llr, FAR);
  const d = describe(trials, llr, thr.threshold);
  console.log(`chosen: top-k ${best!.k} [${best!.features.join(', ')}], weights ${fitted.weights.map((w) => w.toFixed(3)).join(' ')} bias ${fitted.bias.toFixed(3)}`);
  for (const f of FAR_GRID) {
    const x = thresholdForWeightedFar(trials, llr, f);
    const dd = describe(trials, llr, x.threshold);
    const worst = Object.values(dd.byGroup).reduce((a, g) => Math.max(a, g.falseRejectRate), 0);
    console.log(`  at FAR ${f}: llr ${x.threshold.toFixed(3)}, group-weighted FRR ${(100 * x.falseRejectRate).toFixed(1)}%, worst group FRR ${(100 * worst).toFixed(1)}%`);
  }
  console.log(`llr threshold ${thr.threshold.toFixed(3)} (group-weighted FAR ${(100 * thr.falseAcceptRate).toFixed(2)}%, FRR ${(100 * thr.falseRejectRate).toFixed(2)}%)`);
  for (const [g, r] of Object.entries(d.byGroup))
    console.log(`  ${g}: Cllr ${r.cllr.toFixed(3)} minCllr ${r.minCllr.toFixed(3)} FA ${(100 * r.falseAcceptRate).toFixed(1)}% FR ${(100 * r.falseRejectRate).toFixed(1)}% (${r.trials} trials)`);

  const cohortFile = COHORT_FILE;
  const data: CalibrationData = {
    format: CALIBRATION_FORMAT,
    version: CALIBRATION_VERSION,
    modelId: card.id,
    features: fitted.features,
    weights: fitted.weights,
    bias: fitted.bias,
    cosineOnly: { weight: cosineOnly.weights[0], bias: cosineOnly.bias },
    speechRange: {
      enroll: [Math.min(...trials.map((t) => t.speechEnroll)), Math.max(...trials.map((t) => t.speechEnroll))],
      test: [Math.min(...trials.map((t) => t.speechTest)), Math.max(...trials.map((t) => t.speechTest))],
    },
    cohort: {
      size: cohortRows.length,
      dim: model.dim,
      topK: best!.k,
      description: `${cohortSpeakers.length} train speakers the model learned from (up to ${COHORT_PER_CORPUS} per corpus), each the mean of up to 3 files, once clean and once through a simulated telephone channel`,
    },
    decision: {
      llrThreshold: thr.threshold,
      targetFalseAcceptRate: FAR,
      method:
        `llr at which the false-accept rate is ${(100 * FAR).toFixed(1)}% on the calibration trials (held-out train speakers, every corpus and channel condition weighing the same; never dev)` +
        (FORCED_FAR === undefined ? `: the strictest of ${FAR_GRID.map((f) => `${100 * f}%`).join(', ')} whose false-reject rate there is at most ${100 * MAX_FRR}%` : ''),
    },
    fit: {
      trials: trials.length,
      targets: trials.filter((t) => t.target).length,
      speakers: trialSpeakers.length,
      conditions: [...new Set(trials.map((t) => t.group))].sort(),
      cllr: d.pooled.cllr,
      minCllr: d.pooled.minCllr,
      falseAcceptRate: thr.falseAcceptRate,
      falseRejectRate: thr.falseRejectRate,
    },
  };
  const bytes = new Uint8Array(cohortRows.length * model.dim * 4);
  const view = new Float32Array(bytes.buffer);
  cohortRows.forEach((r, i) => view.set(r, i * model.dim));
  // The cohort first, then the JSON that refers to it: the size check in loadCalibration catches
  // a crash in between.
  writeFileAtomic(join(dir!, cohortFile), bytes);
  writeFileAtomic(join(dir!, CALIBRATION_FILE), `${JSON.stringify(data, null, 2)}\n`);
  updateReadme(dir!, data, d.byGroup);
  console.log(`wrote ${join(dir!, CALIBRATION_FILE)} and ${cohortFile} (${(bytes.length / 1024).toFixed(0)} KiB)`);
  model.dispose();
}

/** Puts (or replaces) the "Score calibration" section of the model folder's README.md. */
function updateReadme(modelDir: string, c: CalibrationData, groups: Record<string, { cllr: number; minCllr: number; falseAcceptRate: number; falseRejectRate: number; trials: number }>): void {
  const file = join(modelDir, 'README.md');
  if (!existsSync(file)) return;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const section = `## Score calibration

\`calibration.json\` and \`${COHORT_FILE}\` turn a cosine into a log-likelihood ratio (made by \`npm run calibrate:model -- ${modelDir}\`):
llr = ${c.bias.toFixed(3)} ${c.features.map((f, i) => `${c.weights[i] >= 0 ? '+' : '-'} ${Math.abs(c.weights[i]).toFixed(3)} x ${f}`).join(' ')},
where cohortEnroll/cohortTest are the mean of each side's top-${c.cohort.topK} cosines against the cohort (${c.cohort.description})
and logSpeech* the natural log of the seconds of speech. Feature set and top-k were chosen by speaker-disjoint
cross-validated Cllr on the fit's trials: ${c.fit.trials} trials (${c.fit.targets} target) of ${c.fit.speakers} held-out train speakers
(never dev), enroll 3 recordings and test another, clean and through a simulated telephone channel.

Default decision: accept when llr >= **${c.decision.llrThreshold.toFixed(3)}**: ${c.decision.method}.
There it rejects ${pct(c.fit.falseRejectRate)} of the genuine trials (group-weighted).

| trials | Cllr | minCllr | false accepts | false rejects | trials |
|---|---|---|---|---|---|
${Object.entries(groups)
  .map(([g, r]) => `| ${g} | ${r.cllr.toFixed(3)} | ${r.minCllr.toFixed(3)} | ${pct(r.falseAcceptRate)} | ${pct(r.falseRejectRate)} | ${r.trials} |`)
  .join('\n')}

`;
  let text = readFileSync(file, 'utf8');
  const start = text.indexOf('## Score calibration');
  if (start >= 0) {
    const next = text.indexOf('\n## ', start + 5);
    text = text.slice(0, start) + (next >= 0 ? text.slice(next + 1) : '');
  }
  const at = text.indexOf('## Recipe');
  text = at >= 0 ? text.slice(0, at) + section + text.slice(at) : `${text}\n${section}`;
  writeFileAtomic(file, text);
}

void main();
