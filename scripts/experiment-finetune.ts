/**
 * `npm run experiment:finetune`: does local fine-tuning help in a domain the model was not
 * trained for, without hurting the original one?
 *
 * Domain: the dev speakers' clips through a telephone channel (src/train/augment's `telephone`:
 * down to 8 kHz and back, i.e. band-limited at ~3.4 kHz, plus a 300 Hz high-pass) after adding
 * real background noise (../shared/data/noise) at 8-18 dB SNR; fixed per clip, the same for
 * every seed.
 * Per seed: each corpus's dev speakers are split in half. Half A are the "household": each A
 * speaker is enrolled (telephone clips) in a fresh store with part of their clips (20 words;
 * LibriSpeech: 5 utterances) and the model is fine-tuned on those enrolled recordings with the
 * defaults of `voxprint finetune` (keep never). Evaluation, before and after, on the rest:
 *   1. in-domain: every remaining telephone clip of an A speaker against every A speaker's
 *      profile (centroid of the enrolled clips) of the same corpus; EER per corpus;
 *   2. the original dev lists (clean, ../shared/data/*-dev.trials.txt) in full; they include the
 *      A speakers (clean clips, some the same words), so they are also reported
 *   3. restricted to the trials between B speakers (never fine-tuned on).
 * Beside the EERs, the default decision: the calibrated Cllr and the false-accept / false-reject
 * rates at it, before (the parent's calibration) and after (the fine-tuned model with the
 * calibration it inherits from the parent, and with the cosine fallback at its card's threshold
 * that a fine-tuned model without calibration uses), on every dev list and the in-domain trials.
 *
 *   npm run experiment:finetune [-- --model models/default] [--seeds 1,2,3] [--out docs/results/finetune.md] [--quick]
 *     [--pool train]   households of TRAIN speakers (dsp, arabic) instead, to choose settings without dev data
 *     [--ft JSON]      fine-tune options over the defaults, e.g. '{"lr":0.0005}'
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeAudioFile } from '../src/audio/decode';
import { AudioDecodeError } from '../src/errors';
import { encodeWav } from '../src/audio/wav';
import { currentBackend, initBackend } from '../src/backend';
import { Engine } from '../src/engine';
import type { ScoreCalibration } from '../src/calibration/calibration';
import { cllr, ratesAt } from '../src/calibration/metrics';
import { computeEer } from '../src/eval/metrics';
import { runTrials, type Embedding } from '../src/eval/runner';
import { readTrialsFile, type Trial } from '../src/eval/trials';
import { loadModel, type Embedder } from '../src/model';
import { centroidOf } from '../src/speakers/codec';
import { cosine } from '../src/speakers/scoring';
import { addNoise, telephone } from '../src/train/augment';
import { finetune, FinetuneOptionsSchema, type FinetuneOptionsInput, type FinetuneResult } from '../src/train/finetune';
import { loadNoises } from '../src/train/finetune-replay';
import { hash32, makeRng, pickDistinct } from '../src/util/rng';

const DATA = '../shared/data';
const CORPORA = ['dspspeech20', 'arabic-speech-commands', 'librispeech'] as const;
type Corpus = (typeof CORPORA)[number];
const SHORT: Record<Corpus, string> = { dspspeech20: 'dsp', 'arabic-speech-commands': 'arabic', librispeech: 'libri' };
const LISTS = ['dsp-dev', 'arabic-dev', 'libri-dev', 'sc-dev', 'so-dev'] as const;
type List = (typeof LISTS)[number];
/** The lists whose speakers a household can come from (the others are all "B" speakers). */
const HOUSE_LISTS: readonly List[] = ['dsp-dev', 'arabic-dev', 'libri-dev'];

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const QUICK = process.argv.includes('--quick');
const MODEL = arg('model', 'models/default');
const SEEDS = arg('seeds', QUICK ? '1' : '1,2,3').split(',').map(Number);
/** dev (the experiment) or train: households of train speakers, to choose settings without touching dev. */
const POOL = arg('pool', 'dev') as 'dev' | 'train';
const OUT = arg('out', QUICK || POOL === 'train' ? '' : 'docs/results/finetune.md');
/** Fine-tune options over the defaults of `voxprint finetune` (JSON), for choosing settings with --pool train. */
const FT = JSON.parse(arg('ft', '{}')) as Partial<FinetuneOptionsInput>;
const ENROLL: Record<Corpus, number> = { dspspeech20: QUICK ? 8 : 20, 'arabic-speech-commands': QUICK ? 8 : 20, librispeech: 5 };
const TESTS = QUICK ? 6 : Infinity;

const pct = (x: number) => (100 * x).toFixed(2);
/** Mean of the finite values (a corpus without a household is NaN). */
const mean = (xs: number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.reduce((a, b) => a + b, 0) / f.length;
};

function speakerDir(corpus: Corpus, spk: string): string {
  return corpus === 'librispeech' ? join(DATA, corpus, POOL === 'dev' ? 'test-other' : 'train-clean-100', spk) : join(DATA, corpus, spk);
}
function clipsOf(corpus: Corpus, spk: string): string[] {
  const d = speakerDir(corpus, spk);
  return readdirSync(d)
    .filter((f) => /\.(wav|flac)$/.test(f))
    .sort()
    .map((f) => join(d, f));
}

/**
 * Decoded clips (memoised); null for a clip src/audio cannot decode. Such clips, and the trials
 * that use them, are left out and counted in the report (there should be none).
 */
const audioCache = new Map<string, Float32Array | null>();
const undecodable = new Set<string>();
async function audio(file: string): Promise<Float32Array | null> {
  const path = resolve(file);
  if (!audioCache.has(path)) {
    try {
      audioCache.set(path, (await decodeAudioFile(path)).samples);
    } catch (e) {
      if (!(e instanceof AudioDecodeError)) throw e;
      console.warn(`  cannot decode ${path}: ${e.message}`);
      undecodable.add(path);
      audioCache.set(path, null);
    }
  }
  return audioCache.get(path)!;
}
const readable = async (paths: string[]) => (await Promise.all(paths.map(async (p) => ((await audio(p)) ? p : null)))).filter((p): p is string => p !== null);

/** The telephone-domain version of a clip: noise at 8-18 dB SNR, then the telephone channel. Fixed per clip. */
const phoneCache = new Map<string, Float32Array>();
let noises: Float32Array[] = [];
async function phone(path: string): Promise<Float32Array> {
  let y = phoneCache.get(path);
  if (!y) {
    const rng = makeRng(hash32(`phone|${path}`));
    const x = (await audio(path))!;
    const noise = noises[Math.floor(rng.next() * noises.length)];
    y = telephone(addNoise(x, noise, 8 + 10 * rng.next(), rng));
    phoneCache.set(path, y);
  }
  return y;
}

/** Embeddings (with their seconds of speech, for calibrated scores) memoised per model. */
function embedderCache(e: Embedder) {
  const cache = new Map<string, { embedding: Float32Array; speechSec: number }>();
  return {
    async phone(path: string) {
      const k = `phone:${path}`;
      let v = cache.get(k);
      if (!v) cache.set(k, (v = e.embedWithSpeech(await phone(path))));
      return v;
    },
    async clean(path: string): Promise<Embedding> {
      let v = cache.get(path);
      if (!v) cache.set(path, (v = e.embedWithSpeech((await audio(path))!)));
      return v;
    },
  };
}

/**
 * The default decision's figures on one set of trials. `cal`: decide by llr >= its threshold
 * (Cllr of its llrs). Without it: the cosine fallback at `cosineThreshold`, its Cllr taken through
 * the fixed sigmoid `sigmoid` (the parent calibration's cosine-only map) since it reports no llr.
 */
interface Decision {
  cllr: number;
  far: number;
  frr: number;
}
function decisionOf(tar: number[], non: number[], d: { cal: ScoreCalibration } | { cosineThreshold: number; sigmoid: { weight: number; bias: number } }): Decision {
  if ('cal' in d) {
    const r = ratesAt(tar, non, d.cal.llrThreshold);
    return { cllr: cllr(tar, non), far: r.falseAcceptRate, frr: r.falseRejectRate };
  }
  const f = (c: number) => d.sigmoid.weight * c + d.sigmoid.bias;
  const r = ratesAt(tar, non, d.cosineThreshold);
  return { cllr: cllr(tar.map(f), non.map(f)), far: r.falseAcceptRate, frr: r.falseRejectRate };
}
/** How a model decides: by its calibration, or by cosine at a threshold. */
type Decider = { cal: ScoreCalibration } | { cosineThreshold: number; sigmoid: { weight: number; bias: number } };
type Emb = ReturnType<typeof embedderCache>;

interface Household {
  corpus: Corpus;
  spk: string;
  enroll: string[];
  test: string[];
}

/**
 * In-domain EER per corpus (each test clip against every same-corpus household profile), and
 * the default decision of `decider` on all those trials pooled.
 */
async function inDomain(emb: Emb, house: Household[], decider: Decider): Promise<{ eer: Record<Corpus, number>; decision: Decision }> {
  const out = {} as Record<Corpus, number>;
  const all = { tar: [] as number[], non: [] as number[] };
  for (const c of CORPORA) {
    const hs = house.filter((h) => h.corpus === c);
    if (hs.length < 2) {
      out[c] = NaN;
      continue;
    }
    const cents: { embedding: Float32Array; speechSec: number }[] = [];
    for (const h of hs) {
      const es = await Promise.all(h.enroll.map((p) => emb.phone(p)));
      cents.push({ embedding: centroidOf(es.map((e) => e.embedding)), speechSec: es.reduce((a, e) => a + e.speechSec, 0) });
    }
    const tar: number[] = [];
    const non: number[] = [];
    for (const [i, h] of hs.entries()) {
      for (const t of h.test) {
        const v = await emb.phone(t);
        cents.forEach((cen, j) => {
          const cos = cosine(v.embedding, cen.embedding);
          (i === j ? tar : non).push(cos);
          const cal = 'cal' in decider ? decider.cal : undefined;
          const s = cal ? cal.llrOf({ cosine: cos, cohortEnroll: cal.cohortMean(cen.embedding), cohortTest: cal.cohortMean(v.embedding), speechEnroll: cen.speechSec, speechTest: v.speechSec }) : cos;
          (i === j ? all.tar : all.non).push(s);
        });
      }
    }
    out[c] = computeEer(tar, non).eer;
  }
  return { eer: out, decision: decisionOf(all.tar, all.non, decider) };
}

const speakerOf = (p: string) => basename(dirname(p));
const lists = Object.fromEntries(LISTS.map((l) => [l, readTrialsFile(join(DATA, `${l}.trials.txt`))])) as Record<(typeof LISTS)[number], Trial[]>;

interface ListResult {
  eer: number;
  decision: Decision;
}

/**
 * EER (cosine) and the default decision of `decider` on each dev list, in full or restricted to
 * trials between `only` speakers (the lists no household comes from stay whole).
 */
async function devLists(emb: Emb, only: Set<string> | null, decider: Decider): Promise<Record<List, ListResult>> {
  const out = {} as Record<List, ListResult>;
  for (const l of LISTS) {
    let trials = lists[l];
    if (only && HOUSE_LISTS.includes(l)) trials = trials.filter((t) => only.has(speakerOf(t.test)) && t.enroll.every((p) => only.has(speakerOf(p))));
    if (QUICK) trials = trials.slice(0, 150);
    const ok = new Set(await readable([...new Set(trials.flatMap((t) => [...t.enroll, t.test]))]));
    trials = trials.filter((t) => ok.has(t.test) && t.enroll.every((p) => ok.has(p)));
    const embed = (f: string) => emb.clean(f);
    const cos = await runTrials(trials, { embed });
    const scored = 'cal' in decider ? await runTrials(trials, { embed, calibration: decider.cal }) : cos;
    out[l] = { eer: cos.eer, decision: decisionOf(scored.targetScores, scored.nontargetScores, decider) };
  }
  return out;
}
const eers = (r: Record<List, ListResult>) => Object.fromEntries(LISTS.map((l) => [l, r[l].eer])) as Record<List, number>;

interface SeedResult {
  seed: number;
  household: Record<Corpus, string[]>;
  ft: FinetuneResult;
  inBefore: Record<Corpus, number>;
  inAfter: Record<Corpus, number>;
  devAfter: Record<string, number>;
  bBefore: Record<string, number>;
  bAfter: Record<string, number>;
  /** The default decision on each dev list (and 'in-domain'): the fine-tuned model with the inherited calibration, and with the cosine fallback. */
  inherited: Record<string, Decision>;
  fallback: Record<string, Decision>;
  /** The parent's (calibrated) decision on the in-domain trials of this seed's household. */
  inDomainBefore: Decision;
  clips: { enroll: number; test: number };
}

const IN_DOMAIN = 'in-domain';

async function runSeed(seed: number, before: Emb, parentDecider: Decider): Promise<SeedResult> {
  const splits = JSON.parse(readFileSync(join(DATA, 'splits.json'), 'utf8')) as Record<'dev' | 'train', Record<Corpus, string[]>>;
  const rng = makeRng(hash32(`experiment-finetune|${seed}`));
  const house: Household[] = [];
  const others = new Set<string>();
  const household = {} as Record<Corpus, string[]>;
  for (const c of CORPORA) {
    // LibriSpeech train speakers have one utterance each: nothing to enroll and test apart.
    const spks = POOL === 'train' && c === 'librispeech' ? [] : [...splits[POOL][c]].sort();
    const order = pickDistinct(spks.length, spks.length, rng);
    const a = order.slice(0, POOL === 'dev' ? Math.ceil(spks.length / 2) : 3).map((i) => spks[i]);
    household[c] = [...a].sort();
    if (POOL === 'dev') for (const i of order.slice(a.length)) others.add(spks[i]);
    else for (const spk of splits.dev[c]) others.add(spk);
    for (const spk of household[c]) {
      const files = await readable(clipsOf(c, spk));
      const idx = pickDistinct(files.length, files.length, rng);
      house.push({ corpus: c, spk, enroll: idx.slice(0, ENROLL[c]).map((i) => files[i]), test: idx.slice(ENROLL[c], ENROLL[c] + TESTS).map((i) => files[i]) });
    }
  }
  const storeDir = mkdtempSync(join(tmpdir(), 'vp-exp-ft-'));
  try {
    const engine = await Engine.open({ storeDir, modelDir: MODEL });
    for (const h of house) {
      const takes = await Promise.all(h.enroll.map(async (p) => ({ bytes: encodeWav(await phone(p), 16000), name: basename(p) })));
      await engine.enroll(`${SHORT[h.corpus]}-${h.spk}`, takes);
    }
    engine.dispose();
    console.log(`seed ${seed}: enrolled ${house.length} speakers (${house.reduce((a, h) => a + h.enroll.length, 0)} telephone clips); fine-tuning...`);
    const ft = await finetune({ storeDir, modelDir: MODEL, keep: 'never', seed, cacheDir: '.cache', ...FT }, (e) => {
      if (e.type === 'data' || e.type === 'replay') console.log(`  ${'note' in e ? e.note : e.reason}`);
      else if (e.type === 'baseline') console.log(`  held-out EER before ${pct(e.eer)}% (${e.targets}/${e.nontargets} trials)`);
      else if (e.type === 'epoch')
        console.log(`  epoch ${e.epoch}: loss ${e.loss.toFixed(4)} active ${e.activeFraction.toFixed(3)} collapsed ${e.collapsedFraction.toFixed(4)} held-out EER ${pct(e.heldOutEer)}%${e.best ? ' *' : ''} at ${e.seconds.toFixed(0)} s`);
    });
    console.log(`  fine-tune: ${ft.seconds.toFixed(0)} s, held-out EER ${pct(ft.eerBefore)}% -> ${pct(ft.eerAfter)}%`);
    const after = await loadModel(ft.dir);
    try {
      const emb = embedderCache(after);
      // The calibration the fine-tune wrote into the new version (the parent's, inherited).
      if ('cal' in parentDecider && after.calibration?.data.inheritedFrom?.parent !== parentDecider.cal.data.modelId)
        throw new Error(`${ft.dir} did not load the calibration inherited from the parent`);
      const inheritedDecider: Decider | undefined = after.calibration ? { cal: after.calibration } : undefined;
      const sigmoid = 'cal' in parentDecider ? parentDecider.cal.data.cosineOnly : { weight: 1, bias: 0 };
      const fallbackDecider: Decider = { cosineThreshold: ft.threshold, sigmoid };
      const inB = await inDomain(before, house, parentDecider);
      const inFallback = await inDomain(emb, house, fallbackDecider);
      const devFallback = await devLists(emb, null, fallbackDecider);
      const inInherited = inheritedDecider ? await inDomain(emb, house, inheritedDecider) : undefined;
      const devInherited = inheritedDecider ? await devLists(emb, null, inheritedDecider) : undefined;
      const decisions = (dev: Record<List, ListResult> | undefined, inD: { decision: Decision } | undefined) =>
        dev && inD ? { ...Object.fromEntries(LISTS.map((l) => [l, dev[l].decision])), [IN_DOMAIN]: inD.decision } : {};
      const r: SeedResult = {
        seed,
        household,
        ft,
        inBefore: inB.eer,
        inAfter: inFallback.eer,
        devAfter: eers(devFallback),
        bBefore: eers(await devLists(before, others, fallbackDecider)),
        bAfter: eers(await devLists(emb, others, fallbackDecider)),
        inherited: decisions(devInherited, inInherited),
        fallback: decisions(devFallback, inFallback),
        inDomainBefore: inB.decision,
        clips: { enroll: house.reduce((a, h) => a + h.enroll.length, 0), test: house.reduce((a, h) => a + h.test.length, 0) },
      };
      console.log(`  in-domain ${JSON.stringify(r.inBefore)} -> ${JSON.stringify(r.inAfter)}; dev ${JSON.stringify(r.devAfter)}`);
      console.log(`  default decision inherited ${JSON.stringify(r.inherited)}; fallback ${JSON.stringify(r.fallback)}`);
      return r;
    } finally {
      after.dispose();
    }
  } finally {
    rmSync(storeDir, { recursive: true, force: true });
  }
}

/** Whether `voxprint finetune`'s default (`--keep auto`: only if its held-out EER did not get worse) would have switched to the version. */
const keptByDefault = (ft: FinetuneResult) => ft.eerAfter <= ft.eerBefore + 1e-9;

/** The fine-tune settings the runs used, in words, from the options schema's defaults (+ --ft). */
function describeDefaults(): string {
  const d = FinetuneOptionsSchema.parse(FT);
  return (
    `${d.loss} loss with ${d.mining} mining (margin ${d.margin}), Adam lr ${d.lr}, P x K = ${d.p} x ${d.k}, speed perturbation ${d.speeds.join('/')}, ` +
    `up to ${d.epochs} epochs of ${d.stepsPerEpoch || 'about one pass (20-40)'} steps with early stopping (patience ${d.patience}) on its own held-out split ` +
    `of the enrolled recordings, ${Math.round(d.replayShare * 100)} % of each batch's speakers replayed from the model's training speakers` +
    `${d.anchor ? `, L2-SP anchor ${d.anchor}` : ''}${d.freeze === 'frame' ? ', frame layers frozen' : ''}`
  );
}

/** A hand-written "## Choosing the defaults" section of an earlier report is kept at the end. */
function keptSection(file: string): string {
  if (!file || !existsSync(file)) return '';
  const old = readFileSync(file, 'utf8');
  const at = old.indexOf('\n## Choosing the defaults');
  return at >= 0 ? old.slice(at) : '';
}

/** The inherited calibration against the cosine fallback, trial set by trial set, and the verdict that decides whether fine-tunes inherit. */
function decisionSection(devBefore: Record<List, ListResult>, rs: SeedResult[], parentCalibrated: boolean): string {
  if (!parentCalibrated) return '## The default decision after a fine-tune\n\nThe parent model has no calibration: there is nothing to inherit.\n';
  const sets = [...LISTS, IN_DOMAIN];
  const d3 = (x: Decision) => x.cllr.toFixed(3);
  const rates = (x: Decision) => `${pct(x.far)} / ${pct(x.frr)}`;
  const rows: string[] = [];
  const pairs: { inh: Decision; fb: Decision }[] = [];
  for (const r of rs)
    for (const l of sets) {
      const b = l === IN_DOMAIN ? r.inDomainBefore : devBefore[l as List].decision;
      const inh = r.inherited[l];
      const fb = r.fallback[l];
      pairs.push({ inh, fb });
      rows.push(`| ${r.seed} | ${l} | ${d3(b)} | **${d3(inh)}** | ${d3(fb)} | ${rates(b)} | **${rates(inh)}** | ${rates(fb)} |`);
    }
  const avg = (f: (p: { inh: Decision; fb: Decision }) => number) => pairs.reduce((a, p) => a + f(p), 0) / pairs.length;
  const hter = (x: Decision) => (x.far + x.frr) / 2;
  const m = {
    cllrInh: avg((p) => p.inh.cllr),
    cllrFb: avg((p) => p.fb.cllr),
    hterInh: avg((p) => hter(p.inh)),
    hterFb: avg((p) => hter(p.fb)),
    farInh: Math.max(...pairs.map((p) => p.inh.far)),
    farFb: Math.max(...pairs.map((p) => p.fb.far)),
  };
  const count = (f: (p: { inh: Decision; fb: Decision }) => boolean) => pairs.filter(f).length;
  const holds = m.cllrInh <= m.cllrFb && m.hterInh <= m.hterFb;
  return `## The default decision after a fine-tune: inherited calibration or cosine fallback

A fine-tuned version used to get no calibration, so every verify and identify fell back to the cosine
at its card's threshold (the local EER threshold when its held-out split has 20 target trials or more,
else the parent's). It now inherits the parent's calibration (calibration.json relabelled, with
\`inheritedFrom\`, and cohort.bin copied: the cohort embeddings stay the parent's, since the cohort audio
is not shipped). Below, the default decision on every dev list (clean, in full) and on the in-domain
trials (telephone + noise, the household's held-back clips): **before** is the parent with its own
calibration; **inherited** is the fine-tuned version as \`voxprint finetune\` saves it now (llr >= the
parent's threshold, the llr computed with the parent's cohort); **fallback** is the same version
deciding by cosine >= its card threshold. The fallback reports no llr, so its Cllr is that of its
cosines through the parent calibration's fixed cosine-only sigmoid. Cllr in bits (lower is better);
false accepts / false rejects in %.

| seed | trials | Cllr before | Cllr inherited | Cllr fallback | FA / FR before | FA / FR inherited | FA / FR fallback |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Over these ${pairs.length} rows: mean Cllr inherited ${m.cllrInh.toFixed(3)} vs fallback ${m.cllrFb.toFixed(3)} (inherited lower in
${count((p) => p.inh.cllr < p.fb.cllr)}); mean half total error (FA + FR) / 2 ${pct(m.hterInh)} % vs ${pct(m.hterFb)} % (inherited lower or equal in
${count((p) => hter(p.inh) <= hter(p.fb))}); largest false-accept rate ${pct(m.farInh)} % vs ${pct(m.farFb)} %.

**Verdict: the inherited calibration is ${holds ? 'at least as good as' : 'NOT as good as'} the cosine fallback** (rule fixed before the
run: mean Cllr and mean half total error both no higher)${holds ? ', so fine-tuned versions ship with it.' : '.'}
`;
}

function report(modelId: string, devBefore: Record<List, ListResult>, rs: SeedResult[], load: [number, number], wall: number, parentCalibrated: boolean): string {
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  const arrow = (a: number, b: number) => `${pct(a)} → ${pct(b)}`;
  const inRows = rs.map((r) => row([r.seed, ...CORPORA.map((c) => arrow(r.inBefore[c], r.inAfter[c])), arrow(mean(CORPORA.map((c) => r.inBefore[c])), mean(CORPORA.map((c) => r.inAfter[c])))]));
  const devRows = rs.map((r) => row([r.seed, ...LISTS.map((l) => `${arrow(devBefore[l].eer, r.devAfter[l])} (${(100 * (r.devAfter[l] - devBefore[l].eer)).toFixed(2)})`)]));
  const bRows = rs.map((r) => row([r.seed, ...LISTS.map((l) => `${arrow(r.bBefore[l], r.bAfter[l])} (${(100 * (r.bAfter[l] - r.bBefore[l])).toFixed(2)})`)]));
  const ftRows = rs.map((r) =>
    row([
      r.seed,
      r.ft.seconds.toFixed(0),
      r.ft.epochs,
      r.ft.bestEpoch,
      r.ft.steps,
      arrow(r.ft.eerBefore, r.ft.eerAfter),
      `${r.ft.targets}/${r.ft.nontargets}`,
      r.ft.replay.used ? 'yes' : 'no',
      keptByDefault(r.ft) ? 'yes' : 'no',
    ]),
  );
  const inGain = rs.map((r) => mean(CORPORA.map((c) => r.inBefore[c])) - mean(CORPORA.map((c) => r.inAfter[c])));
  const worstDev = Math.max(...rs.flatMap((r) => LISTS.map((l) => r.devAfter[l] - devBefore[l].eer)));
  const worstB = Math.max(...rs.flatMap((r) => LISTS.map((l) => r.bAfter[l] - r.bBefore[l])));
  const maxSec = Math.max(...rs.map((r) => r.ft.seconds));
  const hh = rs.map((r) => `seed ${r.seed}: ${CORPORA.map((c) => `${SHORT[c]} ${r.household[c].join(', ')}`).join('; ')}`);
  return `# Fine-tuning in a new domain: telephone speech

Produced by \`npm run experiment:finetune\` (scripts/experiment-finetune.ts) on ${new Date().toISOString().slice(0, 10)},
starting from \`${modelId}\` (${MODEL}), ${currentBackend()} backend, ${rs.length} seed(s), ${(wall / 60).toFixed(1)} minutes in all
(load average ${load[0].toFixed(1)} at the start, ${load[1].toFixed(1)} at the end: the 2 cores were shared with other jobs).

## Setup

- **Domain**: every clip of the dev speakers (../shared/data/splits.json \`dev\`) with real background noise
  (../shared/data/noise, boiler or washing machine) added at 8-18 dB SNR, then a telephone channel: resampled
  to 8 kHz and back (band-limited at ~3.4 kHz) and a 300 Hz high-pass (src/train/augment.ts \`telephone\`).
  Fixed per clip, identical for every seed and model.
- **Per seed**: each corpus's dev speakers are split in half. The first half (A, ${Object.values(rs[0].household).flat().length} speakers) are the
  "household": each is enrolled in a fresh profile store with the telephone version of ${ENROLL.dspspeech20} of their clips
  (LibriSpeech: ${ENROLL.librispeech} utterances), and the model is fine-tuned on those enrolled recordings with the defaults of
  \`voxprint finetune\` (${describeDefaults()}),
  \`keep: never\`${Object.keys(FT).length ? `, overridden: \`${JSON.stringify(FT)}\`` : ''}. ${rs[0].clips.enroll} clips enrolled, ${rs[0].clips.test} test clips.
- **In-domain EER**: every remaining (never enrolled, never fine-tuned on) telephone clip of an A speaker against every A
  speaker's profile of the same corpus (centroid of the enrolled clips, as \`voxprint verify\` scores).
- **Original dev lists**: ../shared/data/*-dev.trials.txt, clean audio, in full. They contain the A speakers (their clean
  clips, partly the same words), so a third table restricts them to the trials between B speakers, never fine-tuned on.
- Households: ${hh.join(' / ')}.
- Clips that src/audio could not decode, left out with every trial that uses them: ${
    undecodable.size ? `${undecodable.size} (${[...undecodable].map((p) => basename(p)).join(', ')})` : 'none'
  }.

## In-domain EER % (telephone + noise), before → after

| seed | dsp | arabic | libri | mean |
|---|---|---|---|---|
${inRows.join('\n')}

Mean in-domain EER gain (before - after, points): ${inGain.map((g) => (100 * g).toFixed(2)).join(', ')}.

## Original dev lists, EER % before → after (change in points)

| seed | ${LISTS.join(' | ')} |
|---|${LISTS.map(() => '---|').join('')}
${devRows.join('\n')}

Largest increase: ${(100 * worstDev).toFixed(2)} points (limit: 1 point).

## Dev lists restricted to the B speakers (not fine-tuned on), EER % before → after (change)

(sc-dev and so-dev have no household speakers: they are whole here, as above.)

| seed | ${LISTS.join(' | ')} |
|---|${LISTS.map(() => '---|').join('')}
${bRows.join('\n')}

Largest increase: ${(100 * worstB).toFixed(2)} points.

${decisionSection(devBefore, rs, parentCalibrated)}
## The fine-tune runs

| seed | seconds | epochs | best epoch | steps | its held-out EER % | its held-out trials (target/non-target) | replay | made the model in use by \`--keep auto\` |
|---|---|---|---|---|---|---|---|---|
${ftRows.join('\n')}

Longest fine-tune: ${maxSec.toFixed(0)} s (limit: 5 minutes), from reading the recordings to saving the version, on this
shared 2-core machine. Replay: ${rs[0].ft.replay.reason}

## How \`voxprint finetune\` works (src/train/finetune.ts)

1. Data: the enrolled speakers' stored recordings plus any \`--data DIR/SPEAKER/*.wav\` folders; at least 2 speakers with
   2 recordings each, else NOT_ENOUGH_DATA saying who lacks what.
2. Each speaker's recordings are split (seeded) before anything else: speakers with 4 or more keep 30 % apart. The EER of
   held-out recordings against the speakers' centroids is measured before fine-tuning and after every epoch (early stopping,
   best epoch kept). With fewer than 2 such speakers it says so and uses a leave-one-out estimate instead.
3. Batches: P x K crops as in training (short words 0.5-1.5 s, long recordings cut into K segments), speed perturbation as new
   speakers, optional channel augmentation; three quarters of the speakers of every batch replayed from the training corpora named on the
   model card, when they are on this computer (it says when they are not). Semi-hard triplets (TF Addons' FaceNet loss) by
   default, the other losses and miners as options; Adam at a tenth of training's learning rate, with an L2-SP pull towards the
   parent's weights (\`--anchor\`, 0.01); \`--freeze frame\` keeps the
   frame-level layers fixed. An ensemble model (the shipped default) is fine-tuned with the mean of the loss over its members'
   own embeddings (src/train/loss.ts \`perMemberLoss\`), so each member adapts as it would alone.
4. The result is a new version folder STORE/models/ID (tfjs model + voxprint.json with the parent and the EER before and
   after). It becomes the model in use only when kept (\`--keep auto\`, the default: only if the EER did not get worse) by
   src/model/registry.ts's switch: the new model's embeddings of every profile are written beside the old ones first, and one
   atomic rename of STORE/app-models.json commits; a failure or a kill before that leaves the old model and profiles in use.
   \`voxprint models rollback\` goes back without re-embedding.

## Verdict

- In-domain EER ${inGain.every((g) => g > 0) ? 'improved for every seed' : 'did NOT improve for every seed'} (mean over corpora).
- Original dev lists: ${worstDev <= 0.01 ? 'no' : 'some'} increase above 1 point (largest ${(100 * worstDev).toFixed(2)}).
- Default decision after a fine-tune: see the section above.
- Fine-tune time: ${maxSec <= 300 ? 'under' : 'OVER'} 5 minutes.
- \`--keep auto\` (the default) would have made the new version the model in use for ${rs.filter((r) => keptByDefault(r.ft)).length} of ${rs.length} seeds
  (the others kept the parent, their held-out EER having got worse); the tables measure every version all the same.
`;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const load0 = loadavg()[0];
  await initBackend();
  noises = await loadNoises(DATA);
  const before = await loadModel(MODEL);
  const modelId = before.card?.id ?? MODEL;
  const emb = embedderCache(before);
  const parentDecider: Decider = before.calibration
    ? { cal: before.calibration }
    : { cosineThreshold: before.card?.threshold.value ?? NaN, sigmoid: { weight: 1, bias: 0 } };
  console.log(`model ${modelId}; scoring the dev lists before fine-tuning...`);
  const devBefore = await devLists(emb, null, parentDecider);
  console.log(`  dev before ${JSON.stringify(devBefore)}`);
  const rs: SeedResult[] = [];
  for (const seed of SEEDS) rs.push(await runSeed(seed, emb, parentDecider));
  before.dispose();
  const md = report(modelId, devBefore, rs, [load0, loadavg()[0]], (performance.now() - t0) / 1000, !!before.calibration);
  if (OUT) {
    writeFileSync(OUT, md + keptSection(OUT));
    console.log(`wrote ${OUT}`);
  } else console.log(md);
}

void main();
