/**
 * The model card of a fine-tuned version: its parent, the EER on the local trials before and
 * after (src/model/registry.ts's `finetuneFigures` reads them back), the recipe, and the training
 * data: the parent's sources (their licences still apply) plus the user's own recordings.
 */
import type { ModelCard } from '../model/card';
import type { ModelCardInput } from '../model/io';
import type { LocalEval } from './finetune-eval';
import type { FinetuneOptions } from './finetune-options';
import type { ReplayPlan } from './finetune-replay';
import { lossConfig } from './loss';

export interface CardFacts {
  versionId: string;
  parent: ModelCard;
  options: FinetuneOptions;
  estimate: 'held-out' | 'leave-one-out';
  before: LocalEval;
  after: LocalEval;
  speakers: number;
  recordings: number;
  replay: ReplayPlan;
  steps: number;
  seconds: number;
  bestEpoch: number;
}

/** Fewest target trials for the local EER threshold to replace the parent's calibrated one. */
const MIN_TARGETS_FOR_THRESHOLD = 20;

export function finetunedCard(f: CardFacts): ModelCardInput {
  const o = f.options;
  const lc = lossConfig(o);
  const trials = (e: LocalEval) =>
    `${f.estimate === 'held-out' ? 'held-out' : 'leave-one-out'} local trials (${e.targets} target, ${e.nontargets} non-target) of ${f.speakers} speakers`;
  const useLocal = f.estimate === 'held-out' && f.after.targets >= MIN_TARGETS_FOR_THRESHOLD;
  return {
    id: f.versionId,
    createdAt: new Date().toISOString(),
    training: {
      data: [
        ...f.parent.training.data,
        {
          name: 'local recordings (fine-tune)',
          speakers: f.speakers,
          clips: f.recordings,
          licence: "the user's own recordings",
          attribution: 'recorded on this computer; they never leave it',
        },
      ],
      loss: o.loss,
      mining: lc.mining ?? '-',
      ...(o.loss === 'triplet' ? { margin: o.margin } : {}),
      ...(o.loss === 'infonce' ? { temperature: o.temperature } : {}),
      steps: f.steps,
      seconds: Math.round(f.seconds),
      seed: o.seed,
      recipe:
        `Fine-tuned from ${f.parent.id} on ${f.recordings} local recordings of ${f.speakers} speakers: ${o.loss}${lc.mining ? ` (${lc.mining})` : ''}, ` +
        `Adam lr ${o.lr}, P x K = ${o.p} x ${o.k}, ${o.freeze === 'frame' ? 'frame-level layers frozen, ' : ''}` +
        `${f.replay.used ? `${Math.round(o.replayShare * 100)}% of each batch replayed from ${f.replay.corpora.join(', ')}` : 'no replay'}; ` +
        `best epoch ${f.bestEpoch} by the local ${f.estimate} EER.`,
      options: {
        finetune: {
          parent: f.parent.id,
          estimate: f.estimate,
          eerBefore: f.before.eer,
          eerAfter: f.after.eer,
          replay: f.replay.reason,
          loss: o.loss,
          mining: o.mining,
          epochs: o.epochs,
          lr: o.lr,
          freeze: o.freeze,
          speeds: o.speeds,
          augment: o.augment,
          heldOutFraction: o.heldOutFraction,
          seed: o.seed,
        },
        // The parent's training options (where its data is, for the next fine-tune's replay).
        parent: f.parent.training.options ?? {},
      },
    },
    evaluation: {
      'local-held-out/before': { trials: trials(f.before), eer: f.before.eer, minDcf: f.before.minDcf, eerThreshold: f.before.threshold },
      'local-held-out/after': { trials: trials(f.after), eer: f.after.eer, minDcf: f.after.minDcf, eerThreshold: f.after.threshold },
    },
    threshold: useLocal
      ? { value: f.after.threshold, method: `EER threshold of the ${trials(f.after)} after fine-tuning` }
      : {
          value: f.parent.threshold.value,
          method: `inherited from ${f.parent.id} (too few local trials to calibrate a new one): ${f.parent.threshold.method}`,
        },
    parent: f.parent.id,
  };
}
