import { describe, expect, it } from 'vitest';
import { ApiError, createBridgeApi, unwrapApi, type Transport } from '../../src/api/client';
import { OP_NAMES, type Envelope } from '../../src/api/contract';

function api(invoke: Transport['invoke']) {
  return unwrapApi(createBridgeApi(OP_NAMES, { invoke, subscribe: () => () => {} }));
}

describe('renderer API client', () => {
  it('has one method per contract op', () => {
    const bridge = createBridgeApi(OP_NAMES, { invoke: async () => ({ ok: true, value: {} }), subscribe: () => () => {} });
    expect(Object.keys(bridge).sort()).toEqual([...OP_NAMES, 'onJobEvent'].sort());
  });
  it('returns values and throws ApiError with the code and words of a failed envelope', async () => {
    const ok = api(async () => ({ ok: true, value: { threshold: 0.3 } }) as Envelope);
    expect(await ok.setThreshold({ threshold: 0.3 })).toEqual({ threshold: 0.3 });
    const bad = api(async () => ({ ok: false, error: { code: 'UNKNOWN_SPEAKER', message: 'No speaker is named "x".' } }));
    await expect(bad.verify({ speaker: 'x', audio: { name: 'a', bytes: new Uint8Array(1) } })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'UNKNOWN_SPEAKER',
      message: 'No speaker is named "x".',
    });
  });
  it('turns a broken transport or a malformed answer into words, not a crash', async () => {
    const down = api(async () => {
      throw new Error('connection refused');
    });
    const e = await down.listSpeakers({}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ code: 'TRANSPORT', message: expect.stringMatching(/Could not reach the voxprint core: connection refused/) });
    const odd = api(async () => 'nonsense' as unknown as Envelope);
    await expect(odd.listSpeakers({})).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
