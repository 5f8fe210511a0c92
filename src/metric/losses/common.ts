/** What every loss returns, input checks, and the per-batch context shared by the losses. */
import { tf } from '../../backend';
import { InvalidArgumentError } from '../../errors';
import { collapsedFraction } from '../distances';
import { labelStructure, type LabelStructure } from '../labels';
import { batchWarnings, Mean, type ItemKind, type MiningStats } from '../stats';

export interface LossResult {
  /** Scalar loss, differentiable w.r.t. the embeddings (tf.grad, optimizer.minimize). */
  loss: tf.Scalar;
  stats: MiningStats;
}

/**
 * @throws InvalidArgumentError when embeddings are not `[B, D]` with B >= 1, or when the labels
 * do not give one label per row.
 */
export function checkBatch(embeddings: tf.Tensor, labels: ArrayLike<number>): void {
  if (embeddings.rank !== 2) {
    throw new InvalidArgumentError(
      `Embeddings must be a [batch, dim] matrix, got shape [${embeddings.shape.join(', ')}]. Stack one embedding per row.`,
    );
  }
  const [b] = embeddings.shape;
  if (b < 1) throw new InvalidArgumentError('The batch is empty: a metric loss needs at least one embedding.');
  if (labels.length !== b) {
    throw new InvalidArgumentError(
      `Got ${b} embeddings but ${labels.length} labels; pass exactly one label per embedding row.`,
    );
  }
}

export interface BatchContext {
  ls: LabelStructure;
  collapsed: number;
  warnings: string[];
}

/**
 * Checks the batch, builds its label structure and the collapse statistic.
 * @param normalized whether the loss sees L2-normalised embeddings (for the collapse measure).
 */
export function batchContext(embeddings: tf.Tensor2D, labels: ArrayLike<number>, normalized: boolean): BatchContext {
  checkBatch(embeddings, labels);
  const ls = labelStructure(labels);
  const [b, d] = embeddings.shape;
  const collapsed = collapsedFraction(embeddings.dataSync(), b, d, { normalize: normalized });
  return { ls, collapsed, warnings: batchWarnings(ls.positivePairs, ls.negativePairs, collapsed) };
}

/** Stats fields that come from the batch alone. */
export function baseStats(ctx: BatchContext): Pick<
  MiningStats,
  'batchSize' | 'positivePairs' | 'validTriplets' | 'collapsedFraction' | 'warnings'
> {
  return {
    batchSize: ctx.ls.size,
    positivePairs: ctx.ls.positivePairs,
    validTriplets: ctx.ls.validTriplets,
    collapsedFraction: ctx.collapsed,
    warnings: ctx.warnings,
  };
}

/** Full stats from the batch context and what the loss counted. */
export function itemStats(
  ctx: BatchContext,
  itemKind: ItemKind,
  t: { items: number; active: number; meanDap: number | null; meanDan: number | null },
): MiningStats {
  return {
    ...baseStats(ctx),
    itemKind,
    items: t.items,
    active: t.active,
    activeFraction: t.items ? t.active / t.items : 0,
    meanDap: t.meanDap,
    meanDan: t.meanDan,
  };
}

/** Mean of the positive-pair and of the negative-pair entries of a row-major `[B, B]` matrix. */
export function pairMeans(data: ArrayLike<number>, ls: LabelStructure): { meanDap: number | null; meanDan: number | null } {
  const dap = new Mean();
  const dan = new Mean();
  for (let i = 0; i < data.length; i++) {
    if (ls.pos[i]) dap.add(data[i]);
    else if (ls.neg[i]) dan.add(data[i]);
  }
  return { meanDap: dap.value, meanDan: dan.value };
}
