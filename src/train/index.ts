/** Training: `train` in-process, `trainInWorker` off the main thread; see docs/model.md. */
export { train, type TrainEvent, type TrainResult } from './trainer';
export { trainInWorker, type WorkerTrainResult } from './worker';
export { trainedModelCard } from './card';
export { TrainOptionsSchema, type TrainOptions, type TrainOptionsInput } from './options';
