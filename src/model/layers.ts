/**
 * Custom tfjs layers for the embedder, written for the wasm backend's strengths and gaps:
 * - every weight layer is ONE plain `matMul` whose gradient uses explicit `tf.transpose` followed by
 *   a plain `matMul` (matMul with transpose flags is ~10x slower on wasm, docs/backend.md);
 * - no conv, gather or dilation (their gradients are missing on wasm): temporal context comes from
 *   a frame splice precomputed outside the graph (src/model/splice.ts);
 * - statistics pooling is a plain mean over the time axis of a [batch, frames, channels] tensor.
 *
 * All classes are registered with `tf.serialization.registerClass`, so a saved LayersModel loads back.
 */
import { tf } from '../backend';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];
type Shape = (number | null)[];
type Kwargs = Record<string, unknown>;

function single(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function singleShape(s: Shape | Shape[]): Shape {
  return Array.isArray(s[0]) ? (s[0] as Shape) : (s as Shape);
}

/**
 * x [n, k] @ w [k, m] with a gradient built from explicit transposes: dx = dy @ wᵀ, dw = xᵀ @ dy.
 * Created lazily because tf.customGrad needs an initialised engine.
 */
let fastMatMulFn: ((x: Tensor2D, w: Tensor2D) => Tensor2D) | undefined;
export function fastMatMul(x: Tensor2D, w: Tensor2D): Tensor2D {
  fastMatMulFn ??= tf.customGrad((...args: unknown[]) => {
    const [a, b, save] = args as [Tensor2D, Tensor2D, (t: Tensor[]) => void];
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sa, sb] = saved as Tensor2D[];
        return [tf.matMul(dy as Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as Tensor2D)];
      },
    };
  }) as unknown as (x: Tensor2D, w: Tensor2D) => Tensor2D;
  return fastMatMulFn(x, w);
}

export type Activation = 'linear' | 'relu';

export interface FastDenseArgs extends NonNullable<LayerArgs> {
  units: number;
  activation?: Activation;
  useBias?: boolean;
  /** Std of the normal kernel initialiser; default He (sqrt(2 / fanIn)) for relu, Glorot-like otherwise. */
  initStd?: number;
  /** Initialise the kernel to zeros (for residual branches that start as the identity). */
  zeroInit?: boolean;
  /** Seed for the kernel initialiser (seeded training runs are reproducible). Not serialised. */
  seed?: number;
}

/**
 * Dense layer over the last axis of a 2-D [batch, in] or 3-D [batch, frames, in] input; the 3-D case
 * is reshaped to one [batch*frames, in] matMul, which is how the frame-level (TDNN) layers run.
 */
export class FastDense extends tf.layers.Layer {
  static className = 'VoxFastDense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly initStd?: number;
  readonly zeroInit: boolean;
  private readonly seed?: number;
  /**
   * 'tfjs': tf.matMul with its own gradient (transpose flags), which scripts/bench-model.ts sets
   * on one model to measure what the explicit transposes save. Not saved with the model.
   */
  matMulGradient: 'transposes' | 'tfjs' = 'transposes';
  private kernel?: import('@tensorflow/tfjs').LayerVariable;
  private bias?: import('@tensorflow/tfjs').LayerVariable;

  constructor(args: FastDenseArgs) {
    super(args);
    this.units = args.units;
    this.activation = args.activation ?? 'linear';
    this.useBias = args.useBias ?? true;
    this.initStd = args.initStd;
    this.zeroInit = args.zeroInit ?? false;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = singleShape(inputShape);
    const fanIn = s[s.length - 1] as number;
    const std = this.initStd ?? (this.activation === 'relu' ? Math.sqrt(2 / fanIn) : Math.sqrt(1 / fanIn));
    const init = this.zeroInit ? tf.initializers.zeros() : tf.initializers.randomNormal({ mean: 0, stddev: std, seed: this.seed });
    this.kernel = this.addWeight('kernel', [fanIn, this.units], 'float32', init);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape);
    return [...s.slice(0, -1), this.units];
  }

  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const fanIn = x.shape[x.shape.length - 1];
      const lead = x.shape.slice(0, -1);
      const rows = lead.reduce((a, b) => a * b, 1);
      const matMul = this.matMulGradient === 'tfjs' ? tf.matMul : fastMatMul;
      let y: Tensor = matMul(tf.reshape(x, [rows, fanIn]) as Tensor2D, this.kernel!.read() as Tensor2D);
      if (this.bias) y = tf.add(y, this.bias.read());
      if (this.activation === 'relu') y = tf.relu(y);
      return lead.length === 1 ? y : tf.reshape(y, [...lead, this.units]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      ...(this.initStd === undefined ? {} : { initStd: this.initStd }),
      zeroInit: this.zeroInit,
    };
  }
}

/**
 * Statistics pooling: [batch, frames, channels] -> [batch, 2*channels] (mean then standard deviation
 * over frames). The std has a floor so its gradient stays finite on constant channels.
 */
export class StatsPooling extends tf.layers.Layer {
  static className = 'VoxStatsPooling';
  constructor(args?: LayerArgs) {
    super(args ?? {});
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape);
    return [s[0], 2 * (s[2] as number)];
  }
  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const mean = tf.mean(x, 1);
      const meanSq = tf.mean(tf.square(x), 1);
      const std = tf.sqrt(tf.maximum(tf.sub(meanSq, tf.square(mean)), 1e-5));
      return tf.concat([mean, std], 1);
    });
  }
}

/**
 * Fixed affine standardisation (x - shift) * scale with non-trainable weights, so the statistics of
 * the training data travel inside the saved model rather than in code.
 */
export class Standardize extends tf.layers.Layer {
  static className = 'VoxStandardize';
  private shift?: import('@tensorflow/tfjs').LayerVariable;
  private scale?: import('@tensorflow/tfjs').LayerVariable;
  override build(inputShape: Shape | Shape[]): void {
    const s = singleShape(inputShape);
    const n = s[s.length - 1] as number;
    this.shift = this.addWeight('shift', [n], 'float32', tf.initializers.zeros(), undefined, false);
    this.scale = this.addWeight('scale', [n], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }
  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => tf.mul(tf.sub(single(inputs), this.shift!.read()), this.scale!.read()));
  }
  /** Sets the shift and scale (e.g. the training-set mean and 1/std). */
  setStats(shift: Float32Array, scale: Float32Array): void {
    tf.tidy(() => {
      this.shift!.write(tf.tensor1d(shift));
      this.scale!.write(tf.tensor1d(scale));
    });
  }
}

/** Row-wise L2 normalisation of a [batch, dim] tensor. */
export class L2Normalize extends tf.layers.Layer {
  static className = 'VoxL2Normalize';
  constructor(args?: LayerArgs) {
    super(args ?? {});
  }
  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      return tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-10)));
    });
  }
}

/** Multiplies its input by one trainable scalar (weights the branches of a concatenated embedding). */
export class ScalarGain extends tf.layers.Layer {
  static className = 'VoxScalarGain';
  readonly initValue: number;
  private gain?: import('@tensorflow/tfjs').LayerVariable;
  constructor(args?: NonNullable<LayerArgs> & { initValue?: number }) {
    super(args ?? {});
    this.initValue = args?.initValue ?? 1;
  }
  override build(): void {
    this.gain = this.addWeight('gain', [1], 'float32', tf.initializers.constant({ value: this.initValue }));
    this.built = true;
  }
  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => tf.mul(single(inputs), this.gain!.read()));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initValue: this.initValue };
  }
}

for (const cls of [FastDense, StatsPooling, Standardize, L2Normalize, ScalarGain]) {
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}
