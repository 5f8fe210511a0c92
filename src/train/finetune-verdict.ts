/**
 * What a fine-tune's before/after figures can honestly say. On a household's held-out trials the
 * EER often sits at 0 % before and after, and one trial moves it by several points, so:
 * - a change of at least two trials' worth of EER is reported as better or worse;
 * - otherwise, with fewer than ENOUGH_TARGETS same-speaker trials, it is "too few trials to tell";
 * - otherwise "no measurable change".
 * The separation (mean same-speaker minus mean different-speaker score, over their pooled spread)
 * moves even when the EER cannot, and is shown beside it. Pure: the renderer imports it.
 */

export const ENOUGH_TARGETS = 30;

export interface FinetuneFigures {
  eerBefore: number;
  eerAfter: number;
  targets: number;
  nontargets: number;
  separationBefore?: number;
  separationAfter?: number;
}

export interface FinetuneVerdict {
  kind: 'better' | 'worse' | 'same' | 'too-few';
  /** One sentence for the result screen. */
  text: string;
  /** EER change that one trial makes on these trials. */
  oneTrial: number;
}

export function finetuneVerdict(f: FinetuneFigures): FinetuneVerdict {
  const oneTrial = 1 / Math.max(1, Math.min(f.targets, f.nontargets));
  const d = f.eerAfter - f.eerBefore;
  const p = (x: number) => `${(100 * x).toFixed(1)} %`;
  const sep =
    f.separationBefore !== undefined && f.separationAfter !== undefined && Number.isFinite(f.separationBefore) && Number.isFinite(f.separationAfter)
      ? ` Score separation ${f.separationBefore.toFixed(2)} -> ${f.separationAfter.toFixed(2)} (higher is better).`
      : '';
  if (Math.abs(d) >= 2 * oneTrial - 1e-12)
    return { kind: d < 0 ? 'better' : 'worse', oneTrial, text: `The error rate went ${d < 0 ? 'down' : 'up'} from ${p(f.eerBefore)} to ${p(f.eerAfter)}.${sep}` };
  if (f.targets < ENOUGH_TARGETS)
    return {
      kind: 'too-few',
      oneTrial,
      text: `Too few trials to tell: ${f.targets} same-speaker trials, and one trial moves the error rate by ${p(oneTrial)}.${sep} Enroll more takes for a firmer answer.`,
    };
  return { kind: 'same', oneTrial, text: `No measurable change in the error rate (${p(f.eerBefore)} -> ${p(f.eerAfter)}).${sep}` };
}
