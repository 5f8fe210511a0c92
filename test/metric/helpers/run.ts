/** Runs a loss on a float64 matrix as a float32 tensor, checking that no tensor leaks. */
import { expect } from 'vitest';
import { tf } from '../../../src/backend';
import type { LossResult } from '../../../src/metric/losses/common';
import type { Mat } from './reference';

export function runLoss<R extends LossResult>(E: Mat, fn: (e: tf.Tensor2D) => R): { value: number; result: R } {
  const e = tf.tensor2d(E);
  const before = tf.memory().numTensors;
  const result = fn(e);
  const value = result.loss.dataSync()[0];
  result.loss.dispose();
  expect(tf.memory().numTensors).toBe(before);
  e.dispose();
  return { value, result };
}

/** Loss value and gradient w.r.t. the embeddings (tf.grad, float32), leak-checked. */
export function runGrad(E: Mat, fn: (e: tf.Tensor2D) => LossResult): { value: number; grad: Mat } {
  const e = tf.tensor2d(E);
  const before = tf.memory().numTensors;
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => fn(x as tf.Tensor2D).loss)(e);
  const out = { value: value.dataSync()[0], grad: grad.arraySync() as Mat };
  tf.dispose([value, grad]);
  expect(tf.memory().numTensors).toBe(before);
  e.dispose();
  return out;
}

export function expectClose(got: number, want: number, rtol = 1e-5, atol = 1e-7): void {
  expect(Number.isFinite(got)).toBe(true);
  expect(Math.abs(got - want)).toBeLessThanOrEqual(atol + rtol * Math.abs(want));
}
