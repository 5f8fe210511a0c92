/**
 * Measures one training step (forward + backward + Adam) and batch-1 inference of the embedder on
 * the current backend with random inputs: `npx tsx research/bench-model.ts [batch] [frames]`.
 * The figures in docs/backend.md come from this script.
 */
import { initBackend, tf } from "../src/backend";
import {
  buildModel,
  defaultArchConfig,
  frameInputDim,
  statsInputDim,
  type ArchConfig,
} from "../src/model/architecture";
import { splicedLength } from "../src/model/preprocess";
import { FastDense } from "../src/model/layers";

async function main(): Promise<void> {
  const backend = await initBackend();
  const plain = process.env.PLAIN_MATMUL === "1";
  const batch = Number(process.argv[2] ?? 128);
  const frames = Number(process.argv[3] ?? 150);
  const over = process.argv[4]
    ? (JSON.parse(process.argv[4]) as Partial<ArchConfig>)
    : {};
  const a = defaultArchConfig(30, over);
  const model = buildModel(a);
  if (plain)
    for (const l of model.layers)
      if (l instanceof FastDense) l.matMulGradient = "tfjs";
  const params = model.countParams();
  const t = splicedLength(frames, a);
  const x = tf.randomNormal([batch, t, frameInputDim(a)]);
  const s = tf.randomNormal([batch, statsInputDim(a)]);
  const opt = tf.train.adam(1e-3);
  const step = (): number => {
    const t0 = performance.now();
    const cost = opt.minimize(() => {
      const e = model.apply([x, s], {
        training: true,
      }) as import("@tensorflow/tfjs").Tensor2D;
      // pairwise-similarity loss: same cost profile as a metric-learning loss on a [B, D] batch
      const sim = tf.matMul(e, tf.transpose(e));
      return tf.mean(tf.square(sim));
    }, true);
    cost!.dataSync();
    cost!.dispose();
    return performance.now() - t0;
  };
  step();
  const times = [step(), step(), step()];
  const one = tf.randomNormal([1, splicedLength(300, a), frameInputDim(a)]);
  const s1 = tf.randomNormal([1, statsInputDim(a)]);
  const infer = (): number => {
    const t0 = performance.now();
    const y = model.predict([one, s1]) as import("@tensorflow/tfjs").Tensor;
    y.dataSync();
    y.dispose();
    return performance.now() - t0;
  };
  infer();
  const inf = [infer(), infer(), infer()];
  console.log(
    JSON.stringify({
      backend,
      matMulGrad: plain
        ? "tf.matMul (transpose flags)"
        : "customGrad, explicit transposes",
      params,
      batch,
      frames,
      splicedFrames: t,
      arch: {
        splice: a.splice.length,
        stride: a.frameStride,
        frameLayers: a.frameLayers,
        statsLayers: a.statsLayers,
      },
      stepMs: Math.round(Math.min(...times)),
      stepMsAll: times.map(Math.round),
      infer3sMs: +Math.min(...inf).toFixed(1),
    }),
  );
}
void main();
