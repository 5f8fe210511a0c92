/** MFCC features (see docs/features.md). */
export { applyCmn, computeMfcc, DEFAULT_FEATURE_CONFIG, featureConfigKey, numFramesFor, resolveFeatureConfig } from './mfcc';
export type { FeatureConfig, Features } from './mfcc';
