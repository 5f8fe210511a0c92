/**
 * `npm run train:default`: trains the shipped default model from scratch (seeded), scores it on
 * the three dev lists beside the two classic baselines, and writes models/default (model.json,
 * weights.bin, voxprint.json, README.md model card). Dev data is only evaluated here, never used
 * for training, checkpoint choice or the threshold (those use held-out TRAIN speakers).
 * The default is an ensemble (src/train/default-recipe.ts, DEFAULT_MEMBERS): its members train
 * side by side in worker threads, one per core, and are then composed into one model
 * (src/model/ensemble.ts) whose threshold is calibrated on the validation trials.
 *   npm run train:default [-- --out models/default]
 *   flags for recipe studies: --single (one model of DEFAULT_RECIPE), --next (NEXT_RECIPE),
 *   --per-domain (PER_DOMAIN_RECIPE), --seed N, --average-from E, --select-from E,
 *   --set JSON (any other options, e.g. '{"loss":"infonce"}'); all of these imply a single model
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, currentBackend } from '../src/backend';
import { loadModel, saveModel, type ModelCard } from '../src/model';
import { DEFAULT_ENSEMBLE_RECIPE, DEFAULT_ID, DEFAULT_MEMBERS, DEFAULT_MEMBERS_CHOICE, DEFAULT_RECIPE, NEXT_RECIPE, PER_DOMAIN_RECIPE } from '../src/train/default-recipe';
import { train, trainedModelCard, trainInWorker, type TrainEvent } from '../src/train';
import { evalBaselines, evalDev, evaluationRecords, type DevResult } from './eval-dev';
import { buildEnsemble } from './ensemble';

const DATA = '../shared/data';

/** The EERs (%) the shipped model must reach on each dev list (its accuracy floors). */
const FLOORS: Record<string, number> = { 'dsp-dev': 1.5, 'libri-dev': 1.0, 'arabic-dev': 6.0, 'sc-dev': 4.0, 'so-dev': 2.5 };

const pct = (x: number) => (100 * x).toFixed(2);

type EpochEvent = Extract<TrainEvent, { type: 'epoch' }>;
type DoneEvent = Extract<TrainEvent, { type: 'done' }>;

/** One trained model (the whole default, or one ensemble member) as the README describes it. */
interface Run {
  card: ModelCard;
  history: EpochEvent[];
  done: DoneEvent;
}

/** Which weights were kept: the best checkpoint, or the average of the last epochs' weights. */
function weightsNote(d: DoneEvent): string {
  const a = d.averaged;
  if (!a) return `best checkpoint: epoch ${d.bestEpoch}`;
  const span = `epochs ${a.epochs[0]}-${a.epochs[a.epochs.length - 1]}`;
  return a.kept
    ? `weights averaged over the ends of ${span}: validation EER ${pct(a.valEer)}% against ${pct(a.bestSingleValEer)}% for the best single checkpoint (epoch ${d.bestEpoch})`
    : `best checkpoint: epoch ${d.bestEpoch}; the average of ${span} validated at ${pct(a.valEer)}% against ${pct(a.bestSingleValEer)}%, so it was not kept`;
}

/** The training lines and curve of one run, for the README. */
function runSection(r: Run, title: string): string {
  const o = (r.card.training.options ?? {}) as { p?: number; k?: number; stepsPerEpoch?: number };
  const curve = r.history.map(
    (h) => `| ${h.epoch} | ${h.step} | ${h.loss.toFixed(4)} | ${h.activeFraction.toFixed(3)} | ${h.collapsedFraction.toFixed(4)} | ${pct(h.valEer)} | ${Math.round(h.seconds)} |`,
  );
  return `${title}${title ? `\`${r.card.id}\`: ${r.card.training.recipe}\n\n` : ''}${r.done.steps} Adam steps, seed ${r.card.training.seed} (${weightsNote(r.done)})${r.done.stoppedByTime ? ', cut short by the wall-clock safety limit' : ''}, batch P x K = ${o.p} x ${o.k}, ${(r.done.seconds / 60).toFixed(1)} min.
Training curve (per epoch of ${o.stepsPerEpoch} steps; validation on held-out train speakers):

| epoch | step | loss | active fraction | collapsed fraction | validation EER % | elapsed s |
|---|---|---|---|---|---|---|
${curve.join('\n')}
`;
}

function readme(card: ModelCard, runs: Run[], dev: DevResult[], base: Record<string, DevResult[]>, backend: string, wallMinutes: number): string {
  const mit = readFileSync(join(DATA, 'dspspeech20/LICENSE'), 'utf8').trim();
  const b = (name: string, list: string) => base[name]?.find((x) => x.list === list);
  const rows = dev.map(
    (d) =>
      `| ${d.list} | ${pct(d.eer)} | ${d.minDcf.toFixed(3)} | ${pct(b('mfcc-stats', d.list)?.eer ?? NaN)} | ${pct(b('lda', d.list)?.eer ?? NaN)} | ${FLOORS[d.list].toFixed(1)} | ${d.trials} |`,
  );
  const a = card.architecture;
  const ens = a.members > 1;
  const what = ens
    ? `An ensemble of ${a.members} speaker embedders (${card.params.toLocaleString('en')} parameters in all), each trained from scratch with its own recipe
(below; seeds ${runs.map((r) => r.card.training.seed).join(' and ')}) by \`npm run train:default\` (scripts/train-default.ts), side by side in worker threads, in
${wallMinutes.toFixed(1)} minutes of training on the ${backend} backend (this 2-core machine, one core per member).
The members are composed into one model (src/model/ensemble.ts): each member's L2-normalised
${a.embedDim}-d embedding, concatenated and re-normalised (${a.members * a.embedDim}-d), so the cosine score is the mean of the
members' cosines, with equal weights and nothing tuned.`
    : `A ${card.params.toLocaleString('en')}-parameter speaker embedder trained from scratch with \`npm run train:default\`
(scripts/train-default.ts), seed ${runs[0].card.training.seed}, in ${wallMinutes.toFixed(1)} minutes on the ${backend} backend
(this 2-core machine, wasm compute on one thread). Output: ${a.embedDim}-d L2-normalised embeddings; score = cosine.`;
  return `# voxprint default speaker embedder (\`${card.id}\`)

${what}

## Results on the dev lists (speakers never seen in training)

Produced by \`npm run train:default\` right after training, with src/eval's trial runner
(cosine, enrollment = normalised mean of the enroll embeddings); \`npx tsx scripts/eval-dev.ts models/default --baselines\`
and \`voxprint eval --trials ../shared/data/<list>\` reproduce them.

| list | EER % | minDCF (p=0.01) | mfcc-stats EER % | LDA-30 EER % | floor EER % | trials |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Baselines from the same command and the same trials: \`mfcc-stats\` (cosine of MFCC mean/std) and \`lda\`
(LDA to 30 dims on MFCC statistics, fitted on the train speakers only).

## Threshold

Default verify threshold **${card.threshold.value.toFixed(3)}** (cosine): ${card.threshold.method}.
Dev data played no part in choosing it, nor in choosing the checkpoint${ens ? 's' : ''}.${
    ens
      ? ` ${DEFAULT_MEMBERS_CHOICE}`
      : ''
  }

## Recipe

${card.training.recipe}

- Features: ${card.featureConfigKey} (Meyda MFCCs, 25 ms / 10 ms, 40 mel bands, 30 coefficients), speech selected with src/audio's VAD.
- Architecture${ens ? ' of each member' : ''}: frame branch = splice offsets [${a.splice.join(', ')}] of mean-normalised MFCCs, frame stride ${a.frameStride},
  dense ReLU layers ${a.frameLayers.join('-')}, statistics pooling, dense ${a.frameEmbed}, L2; statistics branch = raw MFCC mean/std (60)${
    a.statsLdaDims > 0
      ? `, standardised, -> linear ${a.statsLdaDims} initialised with LDA on the training speakers + a zero-initialised residual MLP (${(a.statsLayers ?? []).join('-')}), L2`
      : ` -> dense ReLU ${(a.statsLayers ?? []).join('-')} -> dense ${a.statsEmbed}, L2`
  }; ${a.head === 'concat' ? `the embedding is the concatenation of the two branches (each with a trainable gain), ${a.embedDim}-d, L2` : `concatenation -> dense ${a.embedDim} -> L2`}.
  Long inputs are embedded in ${a.windowFrames / 100} s windows (hop ${a.windowHop / 100} s) and averaged.
- Loss: ${card.training.loss}, mining ${card.training.mining}${card.training.margin !== undefined ? `, margin ${card.training.margin}` : ''}.
- Why semi-hard triplet: see docs/results/losses.md (loss/mining comparison); why this recipe${ens ? ' and the ensemble' : ''}: docs/results/recipe.md.

${runs.map((r, i) => runSection(r, ens ? `### Member ${i + 1}\n\n` : '')).join('\n')}
## Training data and licences

Only the \`train\` speakers of ../shared/data/splits.json (some held out for validation); the dev speakers were never used.

${card.training.data.map((d) => `- **${d.name}**: ${d.speakers} speakers, ${d.clips} clips. Licence: ${d.licence}. ${d.attribution}`).join('\n')}

LibriSpeech and the Arabic Speech Commands dataset are licensed under the Creative Commons Attribution 4.0
International licence (https://creativecommons.org/licenses/by/4.0/). This model is trained on them; credit as above.

DSPSpeech-20 is distributed under the MIT licence, whose notice travels with this model:

\`\`\`
${mit}
\`\`\`
`;
}

const SINGLE_RECIPES = { default: DEFAULT_RECIPE, next: NEXT_RECIPE, 'per-domain': PER_DOMAIN_RECIPE };

function parseFlags(argv: string[]) {
  const val = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string) => (val(name) === undefined ? {} : { [name.slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase())]: Number(val(name)) });
  // --average-from E / --select-from E / --seed N: what-ifs on one model, for recipe.md
  // --set JSON: any other TrainOptions fields, e.g. '{"loss":"infonce"}'
  const set = val('--set') === undefined ? {} : (JSON.parse(val('--set')!) as Record<string, unknown>);
  const tweaks = { ...num('--seed'), ...num('--average-from'), ...num('--select-from'), ...set };
  const base: keyof typeof SINGLE_RECIPES = argv.includes('--next') ? 'next' : argv.includes('--per-domain') ? 'per-domain' : 'default';
  const single = base !== 'default' || argv.includes('--single') || Object.keys(tweaks).length > 0;
  return { out: val('--out') ?? 'models/default', base, tweaks, single, compose: argv.includes('--compose') };
}

function logEvent(e: TrainEvent, tag = ''): void {
  if (e.type === 'features' && e.done % 2000 < 200) console.log(`${tag}features ${e.done}/${e.total}`);
  else if (e.type === 'start') console.log(tag + JSON.stringify(e));
  else if (e.type === 'step' && e.step % 50 === 0)
    console.log(`${tag}step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(4)} active ${e.activeFraction.toFixed(3)} collapsed ${e.collapsedFraction.toFixed(4)} lr ${e.lr.toExponential(2)} ${e.ms.toFixed(0)} ms`);
  else if (e.type === 'epoch')
    console.log(`${tag}epoch ${e.epoch} val EER ${pct(e.valEer)}% ${JSON.stringify(e.valEerByCorpus)}${e.best ? ' (best)' : ''} at ${e.seconds.toFixed(0)} s`);
}

function logDev(dev: DevResult[]): void {
  for (const d of dev) console.log(`${d.list}: EER ${pct(d.eer)}% minDCF ${d.minDcf.toFixed(3)} (floor ${FLOORS[d.list]}%)`);
}

const MEMBERS_DIR = join('.cache', 'members');

/** Trains DEFAULT_MEMBERS side by side, one worker thread each; returns their runs and the wall time in minutes. */
async function trainMembers(members: typeof DEFAULT_MEMBERS): Promise<{ runs: { dir: string; run: Run }[]; wall: number }> {
  const t0 = performance.now();
  mkdirSync(MEMBERS_DIR, { recursive: true });
  const runs = await Promise.all(
    members.map(async (recipe, i) => {
      const dir = join(MEMBERS_DIR, `default-member-${i + 1}`);
      const history: EpochEvent[] = [];
      let done: DoneEvent | undefined;
      const r = await trainInWorker({ ...recipe, data: DATA, splits: join(DATA, 'splits.json'), out: dir, id: `${DEFAULT_ID}-m${i + 1}` }, (e) => {
        logEvent(e, `[member ${i + 1}] `);
        if (e.type === 'epoch') history.push(e);
        if (e.type === 'done') done = e;
      });
      if (!done) throw new Error(`member ${i + 1} finished without a done event`);
      return { dir, run: { card: r.card, history, done } satisfies Run };
    }),
  );
  return { runs, wall: (performance.now() - t0) / 60000 };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv);
  const backend = currentBackend() ?? (await initBackend());
  const t0 = performance.now();
  if (flags.single) {
    const start = SINGLE_RECIPES[flags.base];
    const changed = Object.keys(flags.tweaks).length ? ` Changed for this study: ${JSON.stringify(flags.tweaks)}.` : '';
    const recipe = { ...start, ...flags.tweaks, recipe: `${start.recipe ?? ''}${changed}` };
    let done: DoneEvent | undefined;
    const r = await train({ ...recipe, data: DATA, splits: join(DATA, 'splits.json') }, (e) => {
      logEvent(e);
      if (e.type === 'done') done = e;
    });
    if (!done) throw new Error('training finished without a done event');
    console.log(`trained in ${(r.seconds / 60).toFixed(1)} min`);
    const dev = await evalDev(r.embedder, DATA);
    const base = await evalBaselines(DATA);
    // Seed 1 of DEFAULT_RECIPE, alone, is the previous default (voxprint-default-v1), bit for bit.
    const id = flags.base === 'next' ? 'voxprint-next' : flags.base !== 'default' || Object.keys(flags.tweaks).length ? 'voxprint-single' : 'voxprint-default-v1';
    logDev(dev);
    const cardIn = trainedModelCard(r, { id, evaluation: evaluationRecords(dev, base) });
    cardIn.training.seconds = Math.round(r.seconds);
    // The README is rendered from the final card (feature key, params), so the model is saved twice, each atomically.
    const saved = await saveModel(flags.out, r.embedder, cardIn);
    const run: Run = { card: saved, history: r.history, done };
    await saveModel(flags.out, r.embedder, cardIn, { extraFiles: { 'README.md': readme(saved, [run], dev, base, backend, r.seconds / 60) } });
    r.embedder.dispose();
  } else {
    // The members train side by side, one worker thread (and core) each, into .cache/members/;
    // --compose skips the training and recomposes the members of the last run (card/README changes).
    const saved = join(MEMBERS_DIR, 'runs.json');
    const { runs, wall } = flags.compose
      ? (JSON.parse(readFileSync(saved, 'utf8')) as { runs: { dir: string; run: Run }[]; wall: number })
      : await trainMembers(DEFAULT_MEMBERS);
    if (!flags.compose) writeFileSync(saved, JSON.stringify({ runs, wall }));
    console.log(`members trained in ${wall.toFixed(1)} min`);
    const members = await Promise.all(runs.map((r) => loadModel(r.dir)));
    const o = await buildEnsemble(members, flags.out, {
      id: DEFAULT_ID,
      recipe: DEFAULT_ENSEMBLE_RECIPE,
      log: console.log,
      readme: (x) => readme(x.card, runs.map((r) => r.run), x.dev, x.baselines, backend, wall),
      trainingSeconds: Math.round(wall * 60),
    });
    logDev(o.dev);
    for (const m of [...members, o.ensemble]) m.dispose();
  }
  console.log(`saved ${flags.out} in ${((performance.now() - t0) / 60000).toFixed(1)} min total`);
}

void main();
