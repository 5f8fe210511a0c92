/** `voxprint eval`: EER, minDCF and DET of the model and/or the baselines on a trial list. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import { renderDetSvg } from '../../eval/det-svg';
import type { EvaluateResult, SystemName } from '../../eval/evaluate';
import { BASELINES } from '../../eval/baseline-names';
import { writeFileAtomic } from '../../speakers/atomic';
import { defaultCacheDir } from '../../speakers/home';
import { choiceOption, intOption, numberOption, type CommandSpec } from '../command';
import { loadMeasuredModel } from './eval-model';
import { parseSweep, runSweep } from './eval-sweep';
import { pct, table } from '../io';

const LABELS: Record<SystemName, string> = {
  model: 'model',
  'mfcc-stats': 'baseline mfcc-stats (cosine of MFCC mean and std)',
  lda: 'baseline lda (LDA-30 on MFCC stats, fitted on train speakers)',
};

const SCORING: Record<EvaluateResult['scoreKind'], string> = {
  cosine: 'cosine scoring',
  'as-norm': 'cosine scoring',
  llr: 'calibrated scores (log-likelihood ratios)',
};

/** Calibration figures and the default decision's error rates, when known. */
function calibrationText(r: EvaluateResult): string {
  let t = '';
  const c = r.calibration;
  if (c) t += `Cllr:   ${c.cllr.toFixed(4)} bits (minCllr ${c.minCllr.toFixed(4)}; cosine through a fixed sigmoid ${c.rawCllr.toFixed(4)}); actDCF ${c.actDcf.toFixed(4)}; cosine EER ${pct(c.cosineEer)}\n`;
  const d = r.atDefaultThreshold;
  if (d) t += `Default decision (${r.scoreKind === 'llr' ? 'llr' : 'score'} >= ${d.threshold.toFixed(4)}): false accepts ${pct(d.falseAcceptRate)}, false rejects ${pct(d.falseRejectRate)}\n`;
  return t;
}

/** The JSON form of one result: fractions in [0, 1], no score arrays. */
function summary(r: EvaluateResult, modelId?: string) {
  return {
    eer: r.eer,
    minDcf: r.minDcf,
    eerThreshold: r.eerThreshold,
    trials: r.trials,
    targets: r.targets,
    nontargets: r.nontargets,
    files: r.files,
    system: r.system,
    ...(r.system === 'model' && modelId ? { model: modelId } : {}),
    norm: r.norm,
    ...(r.cohort ? { cohort: r.cohort } : {}),
    scoreKind: r.scoreKind,
    ...(r.calibration ?? {}),
    ...(r.atDefaultThreshold ? { atDefaultThreshold: r.atDefaultThreshold } : {}),
    trialsFile: r.trialsFile,
    seconds: Math.round(r.seconds * 10) / 10,
  };
}

export const evalCmd: CommandSpec = {
  name: 'eval',
  args: '--trials FILE',
  summary: 'Evaluate on a trial list: EER, minDCF (p_target 0.01), the threshold at the EER, trial counts, and a DET curve.',
  description:
    'Trial lists are VoxCeleb style, one trial a line: "LABEL ENROLL TEST", LABEL 1 (same speaker) or 0, ENROLL one path or several joined by "+" ' +
    '(enrolled with the mean of their embeddings). Paths are relative to --root, which defaults to the list\'s folder. ' +
    'The LDA baseline and AS-norm use the train speakers of splits.json (default: ROOT/splits.json), never the dev speakers. ' +
    'The model is the one verify uses: --model DIR, else the store\'s model in use (see voxprint models list), else the built-in one; ' +
    'the output names it (--json: model and modelDir).',
  minArgs: 0,
  maxArgs: 0,
  options: {
    trials: { type: 'string', value: 'FILE', help: 'the trial list (required)' },
    root: { type: 'string', value: 'DIR', help: "folder the list's paths are relative to (default: the list's folder)" },
    det: { type: 'string', value: 'OUT.svg', help: 'write the DET curve (SVG) there' },
    baseline: { type: 'string', value: 'NAME', help: `score with a classic baseline instead of the model: ${BASELINES.join(' or ')}` },
    compare: { type: 'boolean', help: 'score the model and both baselines, side by side (one DET with all three)' },
    norm: { type: 'string', value: 'as-norm', help: 'adaptive s-norm with a cohort of train-speaker embeddings (top-k 200)' },
    splits: { type: 'string', value: 'FILE', help: 'speaker split file for the LDA baseline and the AS-norm cohort' },
    limit: { type: 'string', value: 'N', help: 'use only the first N trials (quick checks)' },
    raw: { type: 'boolean', help: "score by plain cosine even when the model has a score calibration" },
    channel: { type: 'string', value: 'telephone', help: 'pass every recording through a simulated telephone channel first (model only)' },
    'max-test-seconds': { type: 'string', value: 'S', help: 'cut every test utterance to its first S seconds of speech (enrollments stay whole)' },
    sweep: { type: 'string', value: 'S1,S2,...', help: 'EER and minDCF for each test length (seconds of speech), plus the full length, e.g. 0.5,1,2,3,5' },
  },
  examples: [
    'voxprint eval --trials ../shared/data/dsp-dev.trials.txt',
    'voxprint eval --trials ../shared/data/libri-dev.trials.txt --compare --det libri-det.svg',
    'voxprint eval --trials ../shared/data/arabic-dev.trials.txt --baseline lda --json',
    'voxprint eval --trials ../shared/data/dsp-dev.trials.txt --norm as-norm',
    'voxprint eval --trials ../shared/data/libri-dev.trials.txt --sweep 0.5,1,2,3,5',
  ],
  async run(ctx, v) {
    const trialsFile = v.trials as string | undefined;
    if (!trialsFile) throw new InvalidArgumentError('eval needs a trial list: --trials FILE (see voxprint eval --help).');
    const baseline = choiceOption('baseline', v.baseline, BASELINES);
    if (baseline && v.compare) throw new InvalidArgumentError('Use --baseline NAME or --compare, not both.');
    const norm = choiceOption('norm', v.norm, ['as-norm'] as const) ?? 'none';
    const limit = intOption('limit', v.limit, 2, 100_000_000);
    const channel = choiceOption('channel', v.channel, ['telephone'] as const) ?? 'none';
    const det = v.det as string | undefined;
    if (det && !det.toLowerCase().endsWith('.svg')) throw new InvalidArgumentError(`--det writes SVG: give a file name ending in .svg, not "${det}".`);
    if (det && fs.existsSync(det) && fs.statSync(det).isDirectory()) throw new InvalidArgumentError(`--det ${det} is a folder; give a file name.`);
    const root = v.root as string | undefined;
    if (root && !(fs.existsSync(root) && fs.statSync(root).isDirectory())) throw new InvalidArgumentError(`--root ${root} is not a folder.`);

    const maxTestSeconds = numberOption('--max-test-seconds', v['max-test-seconds'], 0.05, 3600);
    const sweep = parseSweep(v.sweep);
    if ((maxTestSeconds !== undefined || sweep) && (baseline || v.compare))
      throw new InvalidArgumentError('--max-test-seconds and --sweep evaluate the model; leave out --baseline and --compare.');
    if (sweep && (maxTestSeconds !== undefined || det)) throw new InvalidArgumentError('--sweep runs its own lengths: leave out --max-test-seconds and --det.');
    if (sweep) return runSweep(ctx, { trialsFile, root, norm, limit, splits: v.splits as string | undefined }, sweep);

    const systems: SystemName[] = v.compare ? ['model', ...BASELINES] : [baseline ?? 'model'];
    // Loaded here, not at start: it pulls in tfjs, which `voxprint --help` never needs.
    const { evaluate } = await import('../../eval/evaluate');
    const measured = systems.includes('model') ? await loadMeasuredModel(ctx) : undefined;
    const embedder = measured?.embedder;
    const modelId = measured?.id;
    const results: EvaluateResult[] = [];
    try {
      for (const system of systems) {
        const r = await evaluate({
          trialsFile,
          root,
          system,
          embedder,
          norm,
          limit,
          raw: v.raw === true,
          channel: system === 'model' ? channel : 'none',
          maxTestSeconds,
          splitsFile: v.splits as string | undefined,
          cacheDir: defaultCacheDir(ctx.io.env),
          signal: ctx.signal,
          onProgress: (p) => ctx.progress.update(systems.length > 1 ? `${system}: ${p.phase}` : p.phase, p.done, p.total),
        });
        ctx.progress.clear();
        results.push(r);
      }
    } finally {
      ctx.progress.clear();
      embedder?.dispose();
    }

    const main = results[0];
    const normText = norm === 'as-norm' ? `, AS-norm (cohort ${main.cohort} train speakers, top-200)` : '';
    if (det) {
      const svg = renderDetSvg(
        results.map((r) => ({ label: r.system === 'model' ? `model${modelId ? ` ${modelId}` : ''}` : r.system, targetScores: r.targetScores, nontargetScores: r.nontargetScores })),
        { title: `DET: ${path.basename(trialsFile)}`, subtitle: `${main.trials} trials (${main.targets} target, ${main.nontargets} non-target)${norm === 'as-norm' ? ', AS-norm' : ''}` },
      );
      writeFileAtomic(path.resolve(det), svg);
    }

    const head = `Trials: ${path.basename(trialsFile)}: ${main.trials} (${main.targets} target, ${main.nontargets} non-target), ${main.files} files\n`;
    let text: string;
    if (results.length === 1) {
      text =
        head +
        `System: ${main.system === 'model' ? `model ${modelId} (${measured?.dir})` : LABELS[main.system]}, ${SCORING[main.scoreKind]}${normText}${channel !== 'none' ? ', simulated telephone channel' : ''}\n` +
        (maxTestSeconds !== undefined ? `Tests cut to their first ${maxTestSeconds} s of speech\n` : '') +
        `EER:    ${pct(main.eer)} (threshold at the EER ${main.eerThreshold.toFixed(4)})\n` +
        `minDCF: ${main.minDcf.toFixed(4)} (p_target 0.01)\n` +
        calibrationText(main);
    } else {
      text =
        head +
        (measured ? `Model: ${modelId} (${measured.dir})\n` : '') +
        table([
          ['system', 'EER', 'minDCF', 'threshold at EER'],
          ...results.map((r) => [r.system === 'model' ? `model ${modelId ?? ''}`.trim() : r.system, pct(r.eer), r.minDcf.toFixed(4), r.eerThreshold.toFixed(4)]),
        ]) +
        (normText ? `Scores${normText}\n` : '');
    }
    if (det) text += `DET curve written to ${det}\n`;
    const json = {
      ...summary(main, modelId),
      ...(measured ? { modelDir: measured.dir } : {}),
      ...(maxTestSeconds !== undefined ? { maxTestSeconds } : {}),
      ...(det ? { det: path.resolve(det) } : {}),
      ...(results.length > 1 ? { baselines: Object.fromEntries(results.slice(1).map((r) => [r.system, summary(r)])) } : {}),
    };
    ctx.out(text, json);
  },
};
