/** The front end (the sample rate, VAD and speech settings, MFCC settings) and MFCC features (see docs/features.md). */
export { DEFAULT_FRONT_END, FrontEndSchema, SAMPLE_RATE, type FrontEnd, type VadSettings } from './front-end';
export { applyCmn, computeMfcc, DEFAULT_FEATURE_CONFIG, featureConfigKey, numFramesFor, resolveFeatureConfig } from './mfcc';
export type { FeatureConfig, Features } from './mfcc';
