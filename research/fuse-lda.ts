/**
 * Fuses a trained embedder with the classic LDA baseline inside one model: the trained weights are
 * copied unchanged, a side branch (LDA of the raw MFCC statistics, fitted on the TRAIN speakers the
 * model was trained on) is concatenated after the embedding with a weight chosen on the validation
 * trials (held-out train speakers, never dev); then the dev lists are scored for the record.
 *   npx tsx research/fuse-lda.ts [--from models/default] [--out .cache/models/fused] [--dims 30] [--originals]
 * --originals fits the LDA on the unperturbed files only (speed 1.0), as the `lda` eval baseline does.
 */
import { join } from "node:path";
import { initBackend, tf } from "../src/backend";
import {
  copyLayerWeights,
  createEmbedder,
  loadModel,
  saveModel,
} from "../src/model";
import { DEFAULT_RECIPE } from "../src/train/default-recipe";
import { TrainOptionsSchema } from "../src/train/options";
import { initLdaLayer, loadTrainingSet } from "../src/train/trainer";
import { validate } from "../src/train/validation";
import {
  evalBaselines,
  evalDev,
  evaluationRecords,
  formatDev,
} from "../scripts/eval-dev";

const DATA = "../shared/data";
const GAINS = [0.25, 0.35, 0.5, 0.7, 1.0];

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function main(): Promise<void> {
  await initBackend();
  const from = arg("from", "models/default");
  const out = arg("out", ".cache/models/fused");
  const dims = Number(arg("dims", "30"));
  const t0 = performance.now();
  const base = await loadModel(from);
  const opts = TrainOptionsSchema.parse({
    ...DEFAULT_RECIPE,
    ...(base.card?.training.options ?? {}),
    data: DATA,
    splits: join(DATA, "splits.json"),
    cacheDir: ".cache",
  });
  const set = await loadTrainingSet(opts);
  const fused = createEmbedder({
    arch: { ...base.arch, ldaSideDims: dims },
    featureConfig: base.featureConfig,
  });
  copyLayerWeights(base, fused);
  const originals = process.argv.includes("--originals");
  const speedOf = new Map(
    [...set.labelOf].map(([k, v]) => [
      v,
      Number(k.slice(k.lastIndexOf("@") + 1)),
    ]),
  );
  const ldaItems = originals
    ? set.items.filter((it) => speedOf.get(it.label) === 1)
    : set.items;
  initLdaLayer(fused, ldaItems, "side_lda", dims);
  const setGain = (g: number) => {
    const t = tf.tensor1d([g]);
    fused.model.getLayer("side_gain").setWeights([t]);
    t.dispose();
  };
  const tried: { gain: number; valEer: number }[] = [];
  const baseVal = validate(base, set.valSet);
  console.log(
    `base model: validation EER ${(100 * baseVal.meanEer).toFixed(2)}%`,
  );
  for (const g of GAINS) {
    setGain(g);
    const v = validate(fused, set.valSet);
    tried.push({ gain: g, valEer: v.meanEer });
    console.log(
      `side gain ${g}: validation EER ${(100 * v.meanEer).toFixed(2)}% ${JSON.stringify(Object.fromEntries(Object.entries(v.byCorpus).map(([c, r]) => [c, +(100 * r.eer).toFixed(2)])))}`,
    );
  }
  const best = tried.reduce((a, b) => (b.valEer < a.valEer ? b : a));
  setGain(best.gain);
  const val = validate(fused, set.valSet);
  console.log(`chosen side gain ${best.gain} on validation`);
  const dev = await evalDev(fused, DATA);
  console.log(formatDev(dev));
  const baselines = await evalBaselines(DATA);
  const evaluation = evaluationRecords(dev, baselines, val);
  const card = base.card!;
  await saveModel(out, fused, {
    id: `${card.id.replace(/-v\d+$/, "")}-lda-fused`,
    createdAt: new Date().toISOString(),
    training: {
      ...card.training,
      recipe: `${card.training.recipe} Fused after training with a fixed LDA-${dims} side branch on the raw MFCC statistics (fitted on the train speakers${originals ? ", unperturbed files" : ""}), weight ${best.gain} chosen on the validation trials from ${GAINS.join("/")} (research/fuse-lda.ts).`,
      options: {
        ...(card.training.options ?? {}),
        fusion: { ldaSideDims: dims, sideGain: best.gain, originals, tried },
      },
    },
    evaluation,
    threshold: {
      value: val.pooledThreshold,
      method: `EER threshold of the pooled validation trials (held-out train speakers, never dev); pooled validation EER ${(100 * val.pooledEer).toFixed(2)}%`,
    },
    parent: card.id,
  });
  console.log(
    `saved ${out} in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  base.dispose();
  fused.dispose();
}

void main();
