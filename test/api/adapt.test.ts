import { describe, expect, it } from 'vitest';
import { metricLabel, toModelCard } from '../../src/api/handlers/adapt';

describe('toModelCard', () => {
  it('gives the voiceprint length the model really produces: ensembles and fused models included', () => {
    const card = (architecture: object) => toModelCard({ id: 'm', architecture, training: { steps: 10, data: [], recipe: 'r' } });
    expect(card({ embedDim: 128 }).embeddingDim).toBe(128);
    expect(card({ embedDim: 128, members: 2 }).embeddingDim).toBe(256);
    expect(card({ embedDim: 128, members: 1, ldaSideDims: 30 }).embeddingDim).toBe(158);
    expect(card({}).embeddingDim).toBeUndefined();
  });
});

describe('metricLabel', () => {
  it('names a card evaluation in words, never by its file or folder name', () => {
    expect(metricLabel('validation/arabic-speech-commands')).toBe('Error rate: Arabic keywords, check set');
    expect(metricLabel('libri-dev')).toBe('Error rate: read English, unseen speakers');
    expect(metricLabel('local-held-out/after')).toBe('Error rate: your recordings, after fine-tuning');
    expect(metricLabel('validation/mystery')).toBe('Error rate: mystery, check set');
  });
});
