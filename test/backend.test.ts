import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';

describe('backend', () => {
  it('falls back to a backend that installs from npm alone when tfjs-node cannot load', async () => {
    const name = await initBackend();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(name);
    expect(tf.getBackend()).toBe(name);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).sum());
    expect(y.dataSync()[0]).toBe(12);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
