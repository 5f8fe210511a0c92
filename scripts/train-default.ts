/**
 * `npm run train:default`: trains the shipped default model from scratch (seeded), scores it on
 * the three dev lists beside the two classic baselines, and writes models/default (model.json,
 * weights.bin, voxprint.json, README.md model card). Dev data is only evaluated here, never used
 * for training, checkpoint choice or the threshold (those use held-out TRAIN speakers).
 *   npm run train:default [-- --out models/default]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, currentBackend } from '../src/backend';
import { saveModel, type EvalResult, type ModelCard } from '../src/model';
import { DEFAULT_RECIPE, NEXT_RECIPE } from '../src/train/default-recipe';
import { train, trainedModelCard, type TrainResult } from '../src/train';
import { evalBaselines, evalDev, type DevResult } from './eval-dev';

const DATA = '../shared/data';

const LISTS: Record<string, string> = { 'dsp-dev': 'dsp-dev.trials.txt', 'libri-dev': 'libri-dev.trials.txt', 'arabic-dev': 'arabic-dev.trials.txt' };
const FLOORS: Record<string, number> = { 'dsp-dev': 4.0, 'libri-dev': 1.3, 'arabic-dev': 10.0 };

const pct = (x: number) => (100 * x).toFixed(2);

/** Which weights were shipped: the best checkpoint, or the average of the last epochs' weights. */
function weightsNote(r: TrainResult): string {
  const a = r.averaged;
  if (!a) return `best checkpoint: epoch ${r.bestEpoch}`;
  const span = `epochs ${a.epochs[0]}-${a.epochs[a.epochs.length - 1]}`;
  return a.kept
    ? `weights averaged over the ends of ${span}: validation EER ${pct(a.valEer)}% against ${pct(a.bestSingleValEer)}% for the best single checkpoint (epoch ${r.bestEpoch})`
    : `best checkpoint: epoch ${r.bestEpoch}; the average of ${span} validated at ${pct(a.valEer)}% against ${pct(a.bestSingleValEer)}%, so it was not kept`;
}

function readme(card: ModelCard, r: TrainResult, dev: DevResult[], base: Record<string, DevResult[]>, backend: string): string {
  const mit = readFileSync(join(DATA, 'dspspeech20/LICENSE'), 'utf8').trim();
  const b = (name: string, list: string) => base[name]?.find((x) => x.list === list);
  const rows = dev.map(
    (d) =>
      `| ${d.list} | ${pct(d.eer)} | ${d.minDcf.toFixed(3)} | ${pct(b('mfcc-stats', d.list)?.eer ?? NaN)} | ${pct(b('lda', d.list)?.eer ?? NaN)} | ${FLOORS[d.list].toFixed(1)} | ${d.trials} |`,
  );
  const curve = r.history.map(
    (h) => `| ${h.epoch} | ${h.step} | ${h.loss.toFixed(4)} | ${h.activeFraction.toFixed(3)} | ${h.collapsedFraction.toFixed(4)} | ${pct(h.valEer)} | ${Math.round(h.seconds)} |`,
  );
  const a = card.architecture;
  return `# voxprint default speaker embedder (\`${card.id}\`)

A ${card.params.toLocaleString('en')}-parameter speaker embedder trained from scratch with \`npm run train:default\`
(scripts/train-default.ts), seed ${r.options.seed}, in ${(r.seconds / 60).toFixed(1)} minutes on the ${backend} backend
(this 2-core machine, wasm compute on one thread). Output: ${a.embedDim}-d L2-normalised embeddings; score = cosine.

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
Dev data played no part in choosing it, nor in choosing the checkpoint.

## Recipe

${card.training.recipe}

- Features: ${card.featureConfigKey} (Meyda MFCCs, 25 ms / 10 ms, 40 mel bands, 30 coefficients), speech selected with src/audio's VAD.
- Architecture: frame branch = splice offsets [${a.splice.join(', ')}] of mean-normalised MFCCs, frame stride ${a.frameStride},
  dense ReLU layers ${a.frameLayers.join('-')}, statistics pooling, dense ${a.frameEmbed}, L2; statistics branch = raw MFCC mean/std (60)${
    a.statsLdaDims > 0
      ? `, standardised, -> linear ${a.statsLdaDims} initialised with LDA on the training speakers + a zero-initialised residual MLP (${(a.statsLayers ?? []).join('-')}), L2`
      : ` -> dense ReLU ${(a.statsLayers ?? []).join('-')} -> dense ${a.statsEmbed}, L2`
  }; ${a.head === 'concat' ? `the embedding is the concatenation of the two branches (each with a trainable gain), ${a.embedDim}-d, L2` : `concatenation -> dense ${a.embedDim} -> L2`}.
  Long inputs are embedded in ${a.windowFrames / 100} s windows (hop ${a.windowHop / 100} s) and averaged.
- Loss: ${card.training.loss}, mining ${card.training.mining}${card.training.margin !== undefined ? `, margin ${card.training.margin}` : ''}.
- ${r.steps} Adam steps (${weightsNote(r)})${r.stoppedByTime ? ', cut short by the wall-clock safety limit' : ''}, batch P x K = ${r.options.p} x ${r.options.k}.
- Why semi-hard triplet: see docs/results/losses.md (loss/mining comparison) and docs/results/recipe.md.

Training curve (per epoch of ${r.options.stepsPerEpoch} steps; validation on held-out train speakers):

| epoch | step | loss | active fraction | collapsed fraction | validation EER % | elapsed s |
|---|---|---|---|---|---|---|
${curve.join('\n')}

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

async function main(): Promise<void> {
  const i = process.argv.indexOf('--out');
  const out = i >= 0 ? process.argv[i + 1] : 'models/default';
  const backend = await initBackend();
  const t0 = performance.now();
  // --next trains the candidate recipe (src/train/default-recipe.ts) instead of the shipped one.
  const chosen = process.argv.includes('--next') ? NEXT_RECIPE : DEFAULT_RECIPE;
  // --average-from E: the same recipe with weight averaging from epoch E on (a what-if for recipe.md)
  const a = process.argv.indexOf('--average-from');
  const sf = process.argv.indexOf('--select-from');
  const recipe = {
    ...chosen,
    ...(a >= 0 ? { averageFrom: Number(process.argv[a + 1]) } : {}),
    ...(sf >= 0 ? { selectFrom: Number(process.argv[sf + 1]) } : {}),
  };
  const r = await train({ ...recipe, data: DATA, splits: join(DATA, 'splits.json') }, (e) => {
    if (e.type === 'features' && e.done % 2000 < 200) console.log(`features ${e.done}/${e.total}`);
    else if (e.type === 'start') console.log(JSON.stringify(e));
    else if (e.type === 'step' && e.step % 50 === 0)
      console.log(`step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(4)} active ${e.activeFraction.toFixed(3)} collapsed ${e.collapsedFraction.toFixed(4)} lr ${e.lr.toExponential(2)} ${e.ms.toFixed(0)} ms`);
    else if (e.type === 'epoch')
      console.log(`epoch ${e.epoch} val EER ${pct(e.valEer)}% ${JSON.stringify(e.valEerByCorpus)}${e.best ? ' (best)' : ''} at ${e.seconds.toFixed(0)} s`);
  });
  console.log(`trained in ${(r.seconds / 60).toFixed(1)} min`);
  const dev = await evalDev(r.embedder, DATA);
  const base = await evalBaselines(DATA);
  const evaluation: Record<string, EvalResult> = {};
  for (const d of dev) {
    evaluation[d.list] = {
      trials: LISTS[d.list],
      eer: d.eer,
      minDcf: d.minDcf,
      eerThreshold: d.eerThreshold,
      baselines: Object.fromEntries(Object.entries(base).map(([n, rs]) => [`${n} EER`, rs.find((x) => x.list === d.list)!.eer])),
    };
    console.log(`${d.list}: EER ${pct(d.eer)}% minDCF ${d.minDcf.toFixed(3)} (floor ${FLOORS[d.list]}%)`);
  }
  const cardIn = trainedModelCard(r, { id: process.argv.includes('--next') ? 'voxprint-default-v2' : 'voxprint-default-v1', evaluation });
  cardIn.training.seconds = Math.round(r.seconds);
  // The README is rendered from the final card (feature key, params), so the model is saved twice, each atomically.
  const saved = await saveModel(out, r.embedder, cardIn);
  await saveModel(out, r.embedder, cardIn, { extraFiles: { 'README.md': readme(saved, r, dev, base, currentBackend() ?? backend) } });
  console.log(`saved ${out} in ${((performance.now() - t0) / 60000).toFixed(1)} min total`);
  r.embedder.dispose();
}

void main();
