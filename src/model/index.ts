/**
 * The speaker embedder: create (random), load and save models, and embed features or audio.
 * See docs/model.md for the architecture and docs/backend.md for the performance figures.
 */
export { Embedder, createEmbedder, type CreateEmbedderOptions } from './embedder';
export { saveModel, loadModel, readModelCard, MODEL_JSON, WEIGHTS_BIN, CARD_JSON, type ModelCardInput, type LoadOptions, type SaveOptions } from './io';
export { ModelCardSchema, MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelCard, type DataSource, type EvalResult } from './card';
export { ArchConfigSchema, defaultArchConfig, buildModel, type ArchConfig } from './architecture';
export { composeEnsemble, copyLayerWeights } from './ensemble';
export { prepareCrops, windowStarts, utteranceStats, type FeatureMatrix, type PreparedBatch } from './preprocess';
