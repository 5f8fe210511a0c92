import { afterEach, describe, expect, it } from 'vitest';
import { chooseBackend, nodeBackendUnavailableReason, tf } from '../src/backend';

/** Stands in for tfjs-node's backend: selection only needs it to register and initialise. */
class FakeNodeBackend extends tf.KernelBackend {
  override dispose(): void {}
}

describe('backend', () => {
  afterEach(async () => {
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
    await tf.setBackend('wasm');
  });

  it('falls back to wasm when tfjs-node cannot load, says why, and computes there', async () => {
    const importNode = () => Promise.reject(new Error("Cannot find package '@tensorflow/tfjs-node'\nRequire stack: ..."));
    expect(await chooseBackend({ importNode })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(nodeBackendUnavailableReason).toBe("Cannot find package '@tensorflow/tfjs-node'");
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).sum());
    expect(y.dataSync()[0]).toBe(12);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('prefers tfjs-node when it loads and registers its backend', async () => {
    let loaded = false;
    const importNode = async () => {
      tf.registerBackend('tensorflow', () => new FakeNodeBackend());
      loaded = true;
    };
    expect(await chooseBackend({ importNode })).toBe('tensorflow');
    expect(loaded).toBe(true);
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('takes a forced backend without trying tfjs-node', async () => {
    let tried = false;
    const importNode = async () => {
      tried = true;
    };
    expect(await chooseBackend({ forced: 'cpu', importNode })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(tried).toBe(false);
  });
});
