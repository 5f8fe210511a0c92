/**
 * Ensembles: several embedders of the same architecture, trained on their own (different seeds or
 * recipes), composed into ONE model whose towers share the inputs (src/model/architecture.ts,
 * `members`). The output is the re-normalised concatenation of the members' L2-normalised
 * embeddings, so a cosine score is the mean of the members' cosines: equal weights, nothing tuned.
 * The result is an ordinary model folder (one model.json, one weights.bin) that loads, embeds,
 * verifies and fine-tunes like any other.
 */
import { featureConfigKey } from '../features/mfcc';
import { ModelError } from '../errors';
import { memberPrefix, type ArchConfig } from './architecture';
import { createEmbedder, type Embedder } from './embedder';

/** The architecture without the ensemble field, as a comparable string. */
function towerKey(a: ArchConfig): string {
  const { members: _m, ...rest } = a;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/**
 * Composes `members` (each a single tower, same architecture and feature configuration) into one
 * ensemble embedder. The members are not modified; their weights are copied. Throws ModelError
 * MODEL_MISMATCH when they cannot be combined.
 */
export function composeEnsemble(members: Embedder[]): Embedder {
  if (members.length < 2) throw new ModelError('MODEL_MISMATCH', `An ensemble needs at least two models, got ${members.length}.`);
  const [first] = members;
  const who = (e: Embedder, i: number) => e.card?.id ?? `model ${i + 1}`;
  members.forEach((m, i) => {
    if (m.arch.members !== 1 || m.arch.ldaSideDims !== 0) {
      throw new ModelError('MODEL_MISMATCH', `${who(m, i)} is already an ensemble or fused model; compose single trained models only.`);
    }
    if (towerKey(m.arch) !== towerKey(first.arch)) {
      throw new ModelError('MODEL_MISMATCH', `${who(m, i)} has another architecture than ${who(first, 0)}; ensemble members must share it.`);
    }
    if (featureConfigKey(m.featureConfig) !== featureConfigKey(first.featureConfig)) {
      throw new ModelError('MODEL_MISMATCH', `${who(m, i)} was trained with other features than ${who(first, 0)}; ensemble members must share them.`);
    }
  });
  const out = createEmbedder({ arch: { ...first.arch, members: members.length }, featureConfig: first.featureConfig });
  members.forEach((m, i) => copyLayerWeights(m, out, memberPrefix(i)));
  return out;
}

/**
 * Copies every weighted layer of `from` into the layer of `to` named `prefix` + its name (the
 * weights are copied, not shared). `to` may have more layers than `from` (an ensemble, a fused
 * side branch); a layer of `from` that `to` lacks is an error.
 */
export function copyLayerWeights(from: Embedder, to: Embedder, prefix = ''): void {
  for (const layer of from.model.layers) {
    const w = layer.getWeights();
    if (w.length) to.model.getLayer(prefix + layer.name).setWeights(w);
  }
}
