/**
 * Model card for a trained embedder: data sources with licences, recipe, validation results and
 * the calibrated threshold (EER point of the pooled validation trials from held-out TRAIN speakers).
 */
import { randomBytes } from 'node:crypto';
import type { ModelCardInput } from '../model/io';
import type { DataSource, EvalResult } from '../model/card';
import { lossConfig } from './loss';
import type { TrainResult } from './trainer';

const KNOWN: Record<string, Omit<DataSource, 'speakers' | 'clips'>> = {
  dspspeech20: {
    name: 'DSPSpeech-20 (subset)',
    licence: 'MIT',
    attribution: 'DSPSpeech-20, github.com/zhongyuchen/DSPSpeech-20; MIT licence, notice in the model README.',
  },
  librispeech: {
    name: 'LibriSpeech train-clean-100 (excerpt)',
    licence: 'CC BY 4.0',
    attribution: 'LibriSpeech ASR corpus, Panayotov, Chen, Povey & Khudanpur (2015), as excerpted in the Resemblyzer repository.',
  },
  'arabic-speech-commands': {
    name: 'Arabic Speech Commands (subset)',
    licence: 'CC BY 4.0',
    attribution: 'Arabic Speech Commands dataset, Ghandoura, Hjabo & Al Dakkak (2021), github.com/abdulkaderghandoura/arabic-speech-commands-dataset.',
  },
  'speech-commands': {
    name: 'Speech Commands v0.02 (test set)',
    licence: 'CC BY 4.0',
    attribution: 'Speech Commands v0.02, Warden (2018), arXiv:1804.03209; its test set as redistributed in github.com/thegtagamer/PICO-tinyML-benchmark.',
  },
  speechocean762: {
    name: 'speechocean762',
    licence: 'free for commercial and non-commercial use (speechocean762/LICENSE.txt)',
    attribution: 'speechocean762, Zhang et al. (Interspeech 2021), arXiv:2104.01378, github.com/jimbozhang/speechocean762.',
  },
};

/** The corpus folder name (as in splits.json) behind a model card's data-source name, if known. */
export function corpusOfSource(name: string): string | undefined {
  return Object.entries(KNOWN).find(([, v]) => v.name === name)?.[0];
}

export function trainedModelCard(r: TrainResult, extra: { id?: string; parent?: string | null; evaluation?: Record<string, EvalResult> } = {}): ModelCardInput {
  const o = r.options;
  const lc = lossConfig(o);
  const evaluation: Record<string, EvalResult> = {};
  for (const [c, v] of Object.entries(r.validation.byCorpus)) {
    evaluation[`validation/${c}`] = { trials: `validation trials, held-out train speakers of ${c}`, eer: v.eer, minDcf: v.minDcf, eerThreshold: v.threshold };
  }
  return {
    id: extra.id ?? `voxprint-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`,
    createdAt: new Date().toISOString(),
    training: {
      data: r.data.map((d) => ({
        ...(KNOWN[d.corpus] ?? { name: d.corpus, licence: 'as provided by the user', attribution: 'user-provided recordings' }),
        speakers: d.speakers,
        clips: d.clips,
      })),
      loss: o.loss,
      mining: lc.mining ?? '-',
      ...(o.loss === 'triplet' ? { margin: o.margin } : {}),
      ...(o.loss === 'infonce' ? { temperature: o.temperature } : {}),
      steps: r.steps,
      seconds: Math.round(r.seconds),
      seed: o.seed,
      recipe: o.recipe,
      options: { ...o, data: undefined, out: undefined, cacheDir: undefined, splits: o.splits ? 'splits.json' : undefined },
    },
    evaluation: { ...evaluation, ...(extra.evaluation ?? {}) },
    threshold: Number.isFinite(r.validation.pooledEer)
      ? {
          value: r.validation.pooledThreshold,
          method: `EER threshold of the pooled validation trials (held-out train speakers, never dev); pooled validation EER ${(100 * r.validation.pooledEer).toFixed(2)}%`,
        }
      : { value: r.validation.pooledThreshold, method: 'uncalibrated default: too few speakers to hold any out for validation' },
    parent: extra.parent ?? null,
  };
}
