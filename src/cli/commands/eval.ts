/** `voxprint eval`: EER, minDCF and DET of the model and/or the baselines on a trial list. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import { renderDetSvg } from '../../eval/det-svg';
import type { EvaluateResult, SystemName } from '../../eval/evaluate';
import { BASELINES } from '../../eval/baseline-names';
import { writeFileAtomic } from '../../speakers/atomic';
import { defaultCacheDir } from '../../speakers/home';
import type { Embedder } from '../../model/embedder';
import { choiceOption, intOption, type CommandSpec } from '../command';
import { pct, table } from '../io';

const LABELS: Record<SystemName, string> = {
  model: 'model',
  'mfcc-stats': 'baseline mfcc-stats (cosine of MFCC mean and std)',
  lda: 'baseline lda (LDA-30 on MFCC stats, fitted on train speakers)',
};

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
    'The LDA baseline and AS-norm use the train speakers of splits.json (default: ROOT/splits.json), never the dev speakers.',
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
  },
  examples: [
    'voxprint eval --trials ../shared/data/dsp-dev.trials.txt',
    'voxprint eval --trials ../shared/data/libri-dev.trials.txt --compare --det libri-det.svg',
    'voxprint eval --trials ../shared/data/arabic-dev.trials.txt --baseline lda --json',
    'voxprint eval --trials ../shared/data/dsp-dev.trials.txt --norm as-norm',
  ],
  async run(ctx, v) {
    const trialsFile = v.trials as string | undefined;
    if (!trialsFile) throw new InvalidArgumentError('eval needs a trial list: --trials FILE (see voxprint eval --help).');
    const baseline = choiceOption('baseline', v.baseline, BASELINES);
    if (baseline && v.compare) throw new InvalidArgumentError('Use --baseline NAME or --compare, not both.');
    const norm = choiceOption('norm', v.norm, ['as-norm'] as const) ?? 'none';
    const limit = intOption('limit', v.limit, 2, 100_000_000);
    const det = v.det as string | undefined;
    if (det && !det.toLowerCase().endsWith('.svg')) throw new InvalidArgumentError(`--det writes SVG: give a file name ending in .svg, not "${det}".`);
    if (det && fs.existsSync(det) && fs.statSync(det).isDirectory()) throw new InvalidArgumentError(`--det ${det} is a folder; give a file name.`);
    const root = v.root as string | undefined;
    if (root && !(fs.existsSync(root) && fs.statSync(root).isDirectory())) throw new InvalidArgumentError(`--root ${root} is not a folder.`);

    const systems: SystemName[] = v.compare ? ['model', ...BASELINES] : [baseline ?? 'model'];
    let embedder: Embedder | undefined;
    // Loaded here, not at start: these pull in tfjs, which `voxprint --help` never needs.
    const [{ initBackend }, { defaultModelDir }, { loadModel }, { evaluate }] = await Promise.all([
      import('../../backend'),
      import('../../engine'),
      import('../../model/io'),
      import('../../eval/evaluate'),
    ]);
    if (systems.includes('model')) {
      await initBackend();
      embedder = await loadModel(path.resolve(ctx.modelDir ?? defaultModelDir(ctx.io.env)));
    }
    const modelId = embedder?.card?.id;
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
        `System: ${main.system === 'model' ? `model ${modelId ?? ''}`.trim() : LABELS[main.system]}, cosine scoring${normText}\n` +
        `EER:    ${pct(main.eer)} (threshold at the EER ${main.eerThreshold.toFixed(4)})\n` +
        `minDCF: ${main.minDcf.toFixed(4)} (p_target 0.01)\n`;
    } else {
      text =
        head +
        table([
          ['system', 'EER', 'minDCF', 'threshold at EER'],
          ...results.map((r) => [r.system === 'model' ? `model ${modelId ?? ''}`.trim() : r.system, pct(r.eer), r.minDcf.toFixed(4), r.eerThreshold.toFixed(4)]),
        ]) +
        (normText ? `Scores${normText}\n` : '');
    }
    if (det) text += `DET curve written to ${det}\n`;
    const json = {
      ...summary(main, modelId),
      ...(det ? { det: path.resolve(det) } : {}),
      ...(results.length > 1 ? { baselines: Object.fromEntries(results.slice(1).map((r) => [r.system, summary(r)])) } : {}),
    };
    ctx.out(text, json);
  },
};
