/** What fine-tune figures may claim: moves of two trials or more, else "too few" or "no change". */
import { describe, expect, it } from 'vitest';
import { ENOUGH_TARGETS, finetuneVerdict } from '../../src/train/finetune-verdict';

describe('finetuneVerdict', () => {
  it('0 % -> 0 % on a household: too few trials to tell, with what one trial is worth and the separation', () => {
    const v = finetuneVerdict({ eerBefore: 0, eerAfter: 0, targets: 12, nontargets: 60, separationBefore: 3.1, separationAfter: 3.4 });
    expect(v.kind).toBe('too-few');
    expect(v.oneTrial).toBeCloseTo(1 / 12, 12);
    expect(v.text).toMatch(/Too few trials to tell: 12 same-speaker trials, and one trial moves the error rate by 8\.3 %/);
    expect(v.text).toMatch(/separation 3\.10 -> 3\.40/);
  });

  it('a change of two trials or more is better or worse; below it, with enough trials, no measurable change', () => {
    expect(finetuneVerdict({ eerBefore: 0.2, eerAfter: 0.05, targets: 20, nontargets: 100 }).kind).toBe('better');
    expect(finetuneVerdict({ eerBefore: 0.05, eerAfter: 0.15, targets: 20, nontargets: 100 }).kind).toBe('worse');
    expect(finetuneVerdict({ eerBefore: 0.05, eerAfter: 0.1, targets: 20, nontargets: 100 }).kind).toBe('too-few');
    expect(finetuneVerdict({ eerBefore: 0.05, eerAfter: 0.06, targets: ENOUGH_TARGETS, nontargets: 300 }).kind).toBe('same');
  });
});
