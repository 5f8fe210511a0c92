/**
 * Model folders: tfjs LayersModel format (`model.json` + `weights.bin`) plus `voxprint.json` (the
 * model card, src/model/card.ts). The wasm backend has no `file://` handler, so the artefacts are
 * written and read here with node:fs; the files are the standard ones `tf.loadLayersModel` reads.
 */
import { loadCalibration } from '../calibration/calibration';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ensureBackend, isBackendFault, tf } from '../backend';
import { assert, BackendError, ModelError } from '../errors';
import { DEFAULT_FEATURE_CONFIG, featureConfigKey, type FeatureConfig } from '../features/mfcc';
import { checkFrontEnd, frontEndWith } from './front-end-check';
import { ModelCardSchema, MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelCard } from './card';
import { Embedder } from './embedder';
import './layers'; // registers the custom layer classes before any model.json is deserialised

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const CARD_JSON = 'voxprint.json';

/** The card fields that saveModel derives from the embedder itself, so they cannot disagree with it. */
type Derived = 'format' | 'formatVersion' | 'featureConfig' | 'featureConfigKey' | 'frontEnd' | 'architecture' | 'params';
export type ModelCardInput = Omit<ModelCard, Derived> & Partial<Pick<ModelCard, Derived>>;

export interface SaveOptions {
  /** Extra files to write into the folder (README.md with the model card in prose, a fine-tune's inherited calibration). */
  extraFiles?: Record<string, string | Uint8Array>;
  /**
   * Readable by the owner only (folders 0700, files 0600), like the profile store: a version
   * fine-tuned on a household's voices is as private as their recordings.
   */
  private?: boolean;
}

/**
 * Saves `embedder` to `dir` atomically: everything is written to a sibling temp folder which then
 * replaces `dir` by rename, so a reader never sees a half-written model. Returns the card written.
 */
export async function saveModel(dir: string, embedder: Embedder, card: ModelCardInput, opts: SaveOptions = {}): Promise<ModelCard> {
  const full: ModelCard = ModelCardSchema.parse({
    ...card,
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    featureConfig: { ...embedder.featureConfig },
    featureConfigKey: featureConfigKey(embedder.featureConfig),
    frontEnd: frontEndWith(embedder.featureConfig),
    architecture: embedder.arch,
    params: embedder.model.countParams(),
  });
  let artifacts: import('@tensorflow/tfjs').io.ModelArtifacts | undefined;
  await embedder.model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  assert(artifacts?.weightData && artifacts.weightSpecs, () => 'tfjs produced no weights to save');
  const weightData = artifacts.weightData;
  const weights = Array.isArray(weightData)
    ? Buffer.concat(weightData.map((b) => Buffer.from(b)))
    : Buffer.from(weightData as ArrayBuffer);
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: null,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
  };

  const target = resolve(dir);
  const dirMode = opts.private ? 0o700 : undefined;
  const fileMode = opts.private ? 0o600 : undefined;
  await mkdir(dirname(target), { recursive: true, mode: dirMode });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${tag}`);
  const old = join(dirname(target), `.${basename(target)}.old-${tag}`);
  await mkdir(tmp, { recursive: true, mode: dirMode });
  try {
    await writeFile(join(tmp, MODEL_JSON), JSON.stringify(modelJson), { mode: fileMode });
    await writeFile(join(tmp, WEIGHTS_BIN), weights, { mode: fileMode });
    await writeFile(join(tmp, CARD_JSON), JSON.stringify(full, null, 2) + '\n', { mode: fileMode });
    for (const [name, content] of Object.entries(opts.extraFiles ?? {})) {
      if (name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new RangeError(`bad extra file name ${name}`);
      await writeFile(join(tmp, name), content, { mode: fileMode });
    }
    if (existsSync(target)) await rename(target, old);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) await rename(old, target);
    throw e;
  }
  await rm(old, { recursive: true, force: true });
  embedder.card = full;
  return full;
}

export interface LoadOptions {
  /** The feature configuration the caller computes features with (default: the code's default). */
  featureConfig?: FeatureConfig;
}

/** Reads and validates `voxprint.json` only (cheap; for `--version` and model listings). */
export async function readModelCard(dir: string): Promise<ModelCard> {
  const cardPath = join(dir, CARD_JSON);
  if (!existsSync(join(dir, MODEL_JSON)) || !existsSync(cardPath)) {
    throw new ModelError(
      'NO_MODEL',
      `No voxprint model in ${dir} (it needs ${MODEL_JSON}, ${WEIGHTS_BIN} and ${CARD_JSON}). ` +
        'Train the default model with `npm run train:default` (about 30 minutes on 2 cores), or pass --model DIR with a trained model folder.',
      { subject: dir },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(cardPath, 'utf8'));
  } catch (e) {
    throw new ModelError('MODEL_FORMAT', `${cardPath} is not valid JSON: ${(e as Error).message}. Re-train or re-copy the model folder.`, {
      subject: cardPath,
      cause: e,
    });
  }
  const fmt = (raw as { format?: unknown; formatVersion?: unknown } | null) ?? {};
  if (fmt.format !== MODEL_FORMAT) {
    throw new ModelError('MODEL_FORMAT', `${cardPath} is not a voxprint model card (format ${JSON.stringify(fmt.format)}, expected "${MODEL_FORMAT}").`, {
      subject: cardPath,
    });
  }
  if (fmt.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new ModelError(
      'MODEL_FORMAT',
      `${cardPath} has model format version ${JSON.stringify(fmt.formatVersion)}; this voxprint reads version ${MODEL_FORMAT_VERSION}. Update voxprint or re-train the model.`,
      { subject: cardPath },
    );
  }
  const parsed = ModelCardSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ModelError('MODEL_FORMAT', `${cardPath} is not a valid model card: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, {
      subject: cardPath,
    });
  }
  return parsed.data;
}

/**
 * Loads a model folder. Throws ModelError NO_MODEL when the folder or its files are missing,
 * MODEL_FORMAT when they are unreadable, MODEL_MISMATCH when the model was trained with another
 * front end than the code computes, BackendError when the tfjs runtime cannot run it.
 * Initialises the backend itself (once per process), so it works as the first call of a process.
 */
export async function loadModel(dir: string, opts: LoadOptions = {}): Promise<Embedder> {
  const card = await readModelCard(dir);
  const codeCfg = opts.featureConfig ?? DEFAULT_FEATURE_CONFIG;
  checkFrontEnd(dir, card, frontEndWith(codeCfg));
  await ensureBackend();
  let model: import('@tensorflow/tfjs').LayersModel;
  try {
    const modelJson = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as {
      modelTopology: object;
      weightsManifest: { paths: string[]; weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[];
    };
    const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
    const bufs: Buffer[] = [];
    for (const g of modelJson.weightsManifest) for (const p of g.paths) bufs.push(await readFile(join(dir, p)));
    const all = Buffer.concat(bufs);
    const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData }));
  } catch (e) {
    if (isBackendFault(e)) throw new BackendError(`The TensorFlow.js runtime failed while loading the model in ${dir}: ${(e as Error).message}`, { subject: dir, cause: e });
    throw new ModelError('MODEL_FORMAT', `Could not read the model in ${dir}: ${(e as Error).message}. Re-train or re-copy the model folder.`, {
      subject: dir,
      cause: e,
    });
  }
  const embedder = new Embedder({ model, arch: card.architecture, featureConfig: { ...codeCfg }, card });
  try {
    embedder.calibration = loadCalibration(dir, { id: card.id, dim: embedder.dim });
  } catch (e) {
    embedder.dispose();
    throw e;
  }
  return embedder;
}
