/**
 * The model card in the UI's words: the core's voxprint.json (src/model/card.ts) is for programs,
 * the contract's ModelCard is what the app shows. Speakers and takes need no mapping: the engine
 * returns the contract's own schemas (src/speakers/summary.ts, src/audio/quality.ts).
 */
import { outputDim } from '../../model/arch-config';
import type { ModelCard as CoreModelCard } from '../../model/card';
import type { ModelCard } from '../contract';

const SETS: Record<string, string> = {
  'arabic-speech-commands': 'Arabic keywords',
  dspspeech20: 'Mandarin and English words',
  librispeech: 'read English',
  'speech-commands': 'English keywords',
  speechocean762: 'English read by Mandarin speakers',
  'dsp-dev': 'Mandarin and English words',
  'libri-dev': 'read English',
  'arabic-dev': 'Arabic keywords',
  'sc-dev': 'English keywords',
  'so-dev': 'English read by Mandarin speakers',
};

/** Words for a card's evaluation key ("validation/librispeech", "dsp-dev", "local-held-out/after"), not its file names. */
export function metricLabel(key: string): string {
  const [kind, rest] = key.includes('/') ? [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)] : ['', key];
  if (kind === 'validation') return `Error rate: ${SETS[rest] ?? rest}, check set`;
  if (kind === 'local-held-out') return `Error rate: your recordings, ${rest === 'before' ? 'before' : 'after'} fine-tuning`;
  return `Error rate: ${SETS[rest] ?? rest}, unseen speakers`;
}

/** A human card from the model's voxprint.json. */
export function toModelCard(c: CoreModelCard): ModelCard {
  const { data, recipe, steps } = c.training;
  const metrics: Record<string, number> = {};
  for (const [list, ev] of Object.entries(c.evaluation)) metrics[metricLabel(list)] = ev.eer;
  const licences = [...new Set(data.map((d) => d.licence))];
  return {
    name: c.parent ? 'Fine-tuned embedder' : steps === 0 ? 'Untrained embedder' : 'voxprint embedder',
    version: c.id,
    description: recipe || (c.parent ? `Fine-tuned from ${c.parent}` : undefined),
    createdAt: c.createdAt,
    embeddingDim: outputDim(c.architecture),
    trainedOn: data.length ? data.map((d) => `${d.name} (${d.speakers} speakers, ${d.clips} clips)`) : undefined,
    metrics: Object.keys(metrics).length ? metrics : undefined,
    defaultThreshold: c.threshold.value,
    licence: licences.length ? licences.join(', ') : undefined,
    credits: data.length ? data.map((d) => d.attribution) : undefined,
    untrained: steps === 0,
  };
}
