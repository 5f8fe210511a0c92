import { describe, expect, it } from 'vitest';
import { toModelCard } from '../../src/api/handlers/adapt';

describe('toModelCard', () => {
  it('gives the voiceprint length the model really produces: ensembles and fused models included', () => {
    const card = (architecture: object) => toModelCard({ id: 'm', architecture, training: { steps: 10, data: [], recipe: 'r' } });
    expect(card({ embedDim: 128 }).embeddingDim).toBe(128);
    expect(card({ embedDim: 128, members: 2 }).embeddingDim).toBe(256);
    expect(card({ embedDim: 128, members: 1, ldaSideDims: 30 }).embeddingDim).toBe(158);
    expect(card({}).embeddingDim).toBeUndefined();
  });
});
