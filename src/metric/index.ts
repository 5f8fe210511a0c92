/**
 * Metric learning, split the way pytorch-metric-learning splits it:
 * distances (`[B, D]` -> `[B, B]`) -> miners (index triplets) -> losses -> reducers.
 * The trainer needs only `makeLoss`; the rest is exported for tests, tools and experiments.
 */
export { makeLoss, type LossConfig, type LossFn, type LossKind, type Mining } from './make-loss';
export type { LossResult } from './losses/common';
export type { MiningStats, ItemKind } from './stats';
export { pairwiseDistance, l2Normalize, safeSqrt, isSimilarity, collapsedFraction, type DistanceMetric } from './distances';
export * from './miners';
export { labelStructure, type LabelStructure } from './labels';
export { reduceLosses, reducerDivisor, type ReducerName } from './reducers';
export { tripletMarginLoss, type TripletMarginOptions, type TripletMining } from './losses/triplet';
export { tfaTripletSemiHardLoss, tfaTripletHardLoss, type TfaMetric, type TfaOptions } from './losses/tfa';
export { contrastiveLoss, type ContrastiveOptions, type ContrastiveResult } from './losses/contrastive';
export { npairsLoss, npairsPairs, type NPairsOptions, type NPairsResult } from './losses/npairs';
export { ntxentLoss } from './losses/ntxent';
export { supconLoss } from './losses/supcon';
export { selectRows } from './select';
export type { Triplets } from './types';
