/**
 * Composes trained models into one ensemble model (src/model/ensemble.ts: equal weights, the cosine
 * is the mean of the members' cosines), calibrates its threshold on the validation trials (held-out
 * TRAIN speakers, never dev), scores the dev lists beside the baselines, and saves it with a card.
 *   npx tsx scripts/ensemble.ts --out DIR MODEL_A MODEL_B [...]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initBackend } from '../src/backend';
import { composeEnsemble, loadModel, saveModel, type Embedder, type ModelCard } from '../src/model';
import { TrainOptionsSchema } from '../src/train/options';
import { loadTrainingSet } from '../src/train/trainer';
import { validate, type ValResult } from '../src/train/validation';
import { evalBaselines, evalDev, evaluationRecords, formatDev, type DevResult } from './eval-dev';

const DATA = '../shared/data';
const pct = (x: number) => (100 * x).toFixed(2);

export interface EnsembleOutcome {
  ensemble: Embedder;
  validation: ValResult;
  memberValidation: ValResult[];
  dev: DevResult[];
  baselines: Record<string, DevResult[]>;
  card: ModelCard;
}

/**
 * Composes `members` (trained, with cards), validates, evaluates and saves the ensemble to `out`;
 * `opts.readme`, when given, renders a README from the outcome, saved beside the model.
 */
export async function buildEnsemble(
  members: Embedder[],
  out: string,
  opts: {
    id: string;
    readme?: (o: EnsembleOutcome) => string;
    log?: (s: string) => void;
    /** A one-paragraph recipe for the card (what the app shows); default: the members' recipes in full. */
    recipe?: string;
    /** Training time to record (default: the members' times summed; pass the wall time when they trained side by side). */
    trainingSeconds?: number;
  } = { id: 'voxprint-ensemble' },
): Promise<EnsembleOutcome> {
  const log = opts.log ?? console.log;
  const cards = members.map((m, i) => {
    if (!m.card) throw new Error(`member ${i + 1} has no model card: load or train it first`);
    return m.card;
  });
  const first = cards[0];
  const trainOpts = TrainOptionsSchema.parse({ ...(first.training.options ?? {}), data: DATA, splits: join(DATA, 'splits.json'), cacheDir: '.cache' });
  const set = await loadTrainingSet(trainOpts);
  const memberValidation = members.map((m) => validate(m, set.valSet));
  memberValidation.forEach((v, i) => log(`member ${i + 1} (${cards[i].id}): validation EER ${pct(v.meanEer)}%`));
  const ensemble = composeEnsemble(members);
  const validation = validate(ensemble, set.valSet);
  log(`ensemble: validation EER ${pct(validation.meanEer)}% (pooled ${pct(validation.pooledEer)}%)`);
  const dev = await evalDev(ensemble, DATA);
  log(formatDev(dev));
  const baselines = await evalBaselines(DATA);
  const evaluation = evaluationRecords(dev, baselines, validation);
  const cardIn = {
    id: opts.id,
    createdAt: new Date().toISOString(),
    training: {
      ...first.training,
      steps: cards.reduce((s, c) => s + c.training.steps, 0),
      seconds: opts.trainingSeconds ?? cards.reduce((s, c) => s + c.training.seconds, 0),
      recipe: opts.recipe ?? `Ensemble of ${cards.length} models trained on their own (${cards.map((c) => `${c.id}, seed ${c.training.seed ?? '?'}`).join('; ')}), composed into one model: the cosine is the mean of the members' cosines (equal weights, nothing tuned). ${cards.map((c, i) => `Member ${i + 1}: ${c.training.recipe}`).join(' ')}`,
      options: { ...(first.training.options ?? {}), ensemble: cards.map((c) => ({ id: c.id, seed: c.training.seed, steps: c.training.steps, seconds: c.training.seconds, options: c.training.options })) },
    },
    evaluation,
    threshold: {
      value: validation.pooledThreshold,
      method: `EER threshold of the pooled validation trials (held-out train speakers, never dev); pooled validation EER ${pct(validation.pooledEer)}%`,
    },
    parent: null,
  };
  const card = await saveModel(out, ensemble, cardIn);
  if (opts.readme) {
    await saveModel(out, ensemble, cardIn, { extraFiles: { 'README.md': opts.readme({ ensemble, validation, memberValidation, dev, baselines, card }) } });
  }
  log(`saved ${out}`);
  return { ensemble, validation, memberValidation, dev, baselines, card };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const o = args.indexOf('--out');
  if (o < 0) throw new Error('usage: npx tsx scripts/ensemble.ts --out DIR MODEL_A MODEL_B [...]');
  const out = args[o + 1];
  const dirs = args.filter((_, i) => i !== o && i !== o + 1);
  await initBackend();
  const members = await Promise.all(dirs.map((d) => loadModel(d)));
  const r = await buildEnsemble(members, out, { id: `voxprint-ensemble-${members.length}` });
  for (const m of [...members, r.ensemble]) m.dispose();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
