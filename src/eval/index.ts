/** Evaluation: trial lists, EER / minDCF / DET, DET plots, baselines and AS-norm. */
export { computeEer, computeMinDcf, detCurve, thresholdForFar, type DetPoint, type EerResult, type DcfOptions } from './metrics';
export { parseTrials, readTrialsFile, trialFiles, type Trial } from './trials';
export { runTrials, embedAll, type EmbedFn, type EvalProgress, type EvalReport } from './runner';
export { renderDetSvg, probit, type DetSeries, type DetSvgOptions } from './det-svg';
export { AsNorm } from './asnorm';
export { fitLda, ldaProject, type LdaModel } from './lda';
export { BASELINES, ldaBaseline, mfccStatsOfFile, type BaselineName } from './baselines';
export { evaluate, loadTrials, SYSTEMS, type EvaluateOptions, type EvaluateResult, type SystemName } from './evaluate';
