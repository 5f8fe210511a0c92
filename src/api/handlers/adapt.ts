/**
 * Turning the core's objects into the contract's shapes. The contract is what the UI may rely on;
 * the core may carry more (or name things its own way), so the mapping lives in one place.
 */
import type { ModelCard as CoreModelCard } from '../../model/card';
import type { ModelCard, SpeakerSummary, TakeReport } from '../contract';

type Loose = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function toSpeakerSummary(x: unknown): SpeakerSummary {
  const s = x as Loose;
  return {
    id: String(s.id ?? s.name),
    name: String(s.name),
    utterances: num(s.utterances) ?? (Array.isArray(s.utterances) ? s.utterances.length : 0),
    speechSec: num(s.speechSec) ?? 0,
    modelId: String(s.modelId ?? ''),
    createdAt: String(s.createdAt ?? ''),
    stale: Boolean(s.stale),
  };
}

const ISSUE_CODES = new Set(['no_voice', 'too_short', 'too_quiet', 'clipped', 'noisy', 'too_loud']);

export function toTakeReport(x: unknown, name: string): TakeReport {
  const r = x as Loose;
  const issues = Array.isArray(r.issues) ? (r.issues as Loose[]) : [];
  return {
    name: str(r.name) ?? name,
    durationSec: num(r.durationSec) ?? 0,
    speechSec: num(r.speechSec) ?? 0,
    peakDb: num(r.peakDb),
    rmsDb: num(r.rmsDb),
    snrDb: num(r.snrDb),
    clippedFraction: num(r.clippedFraction),
    usable: Boolean(r.usable),
    issues: issues.map((i) => {
      const code = String(i.code ?? 'other').toLowerCase().replace(/-/g, '_');
      return {
        code: (ISSUE_CODES.has(code) ? code : 'other') as TakeReport['issues'][number]['code'],
        message: String(i.message ?? ''),
        fix: String(i.fix ?? ''),
      };
    }),
  };
}

/** The length of the model's voiceprints: every ensemble member's embedding, plus an LDA side branch. */
function embeddingDim(a: Partial<CoreModelCard['architecture']> | undefined): number | undefined {
  return a?.embedDim === undefined ? undefined : a.embedDim * (a.members ?? 1) + (a.ldaSideDims ?? 0);
}

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
export function toModelCard(card: unknown): ModelCard {
  const c = card as Partial<CoreModelCard> & Loose;
  const training = c.training;
  const untrained = training ? training.steps === 0 : undefined;
  const data = training?.data ?? [];
  const metrics: Record<string, number> = {};
  for (const [list, ev] of Object.entries(c.evaluation ?? {})) metrics[metricLabel(list)] = ev.eer;
  const licences = [...new Set(data.map((d) => d.licence))];
  return {
    name: str(c.name) ?? (c.parent ? 'Fine-tuned embedder' : untrained ? 'Untrained embedder' : 'voxprint embedder'),
    version: str(c.version) ?? c.id ?? '?',
    description: training?.recipe || (c.parent ? `Fine-tuned from ${c.parent}` : undefined),
    createdAt: c.createdAt,
    embeddingDim: embeddingDim(c.architecture),
    trainedOn: data.length ? data.map((d) => `${d.name} (${d.speakers} speakers, ${d.clips} clips)`) : undefined,
    metrics: Object.keys(metrics).length ? metrics : undefined,
    defaultThreshold: c.threshold?.value,
    licence: licences.length ? licences.join(', ') : undefined,
    credits: data.length ? data.map((d) => d.attribution) : undefined,
    untrained,
  };
}
