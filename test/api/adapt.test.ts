import { describe, expect, it } from 'vitest';
import { metricLabel, toModelCard } from '../../src/api/handlers/adapt';
import { readModelCard } from '../../src/model/io';

describe('toModelCard', () => {
  it('gives the voiceprint length the model really produces: ensembles and fused models included', async () => {
    const shipped = await readModelCard('models/default');
    const card = (over: object) => toModelCard({ ...shipped, architecture: { ...shipped.architecture, members: 1, ldaSideDims: 0, ...over } });
    expect(card({ embedDim: 128 }).embeddingDim).toBe(128);
    expect(card({ embedDim: 128, members: 2 }).embeddingDim).toBe(256);
    expect(card({ embedDim: 128, members: 1, ldaSideDims: 30 }).embeddingDim).toBe(158);
  });

  it('names the model by where it came from', async () => {
    const shipped = await readModelCard('models/default');
    expect(toModelCard(shipped)).toMatchObject({ name: 'voxprint embedder', version: shipped.id, untrained: false, defaultThreshold: shipped.threshold.value });
    expect(toModelCard({ ...shipped, parent: shipped.id, id: 'ft-1' })).toMatchObject({ name: 'Fine-tuned embedder', version: 'ft-1' });
    expect(toModelCard({ ...shipped, training: { ...shipped.training, steps: 0 } })).toMatchObject({ name: 'Untrained embedder', untrained: true });
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
