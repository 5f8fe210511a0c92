import { describe, expect, it, vi } from 'vitest';
import { OP_NAMES, type OpName } from '../../src/api/contract';
import { createDispatcher } from '../../src/api/dispatch';
import { channelOf, makeIpcHandler, ownWindowCheck, type SenderEvent } from '../../main/ipc';
import { ownUrlCheck } from '../../main/security';
import { registerFeature, type MainContext } from '../../main/context';
import type { CoreHost } from '../../src/api/host';
import { registerApp } from '../../main/features/app';
import { registerSpeakers } from '../../main/features/speakers';
import { registerEnroll } from '../../main/features/enroll';
import { registerVerify } from '../../main/features/verify';
import { registerCalibrate } from '../../main/features/calibrate';
import { registerFinetune } from '../../main/features/finetune';
import { registerModels } from '../../main/features/models';

const OUR_ID = 7;
const isTrusted = ownWindowCheck(() => OUR_ID, ownUrlCheck());
const good: SenderEvent = { sender: { id: OUR_ID }, senderFrame: { url: 'app://voxprint/index.html', parent: null } };

function setup() {
  const setThreshold = vi.fn(async (req: { threshold: number; scale: 'cosine' | 'llr' }) => ({ threshold: req.threshold, scale: req.scale }));
  const dispatch = createDispatcher({ setThreshold });
  return { setThreshold, handler: makeIpcHandler('setThreshold', dispatch, isTrusted) };
}

describe('IPC handler wrapper', () => {
  it('answers our own window with a valid request', async () => {
    const { handler, setThreshold } = setup();
    expect(await handler(good, { threshold: 0.4 })).toEqual({ ok: true, value: { threshold: 0.4, scale: 'cosine' } });
    expect(setThreshold).toHaveBeenCalledOnce();
  });

  it.each([
    ['another window', { sender: { id: 99 }, senderFrame: { url: 'app://voxprint/index.html', parent: null } }],
    ['an iframe of our window', { sender: { id: OUR_ID }, senderFrame: { url: 'app://voxprint/index.html', parent: {} } }],
    ['a remote page in our window', { sender: { id: OUR_ID }, senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a file:// page', { sender: { id: OUR_ID }, senderFrame: { url: 'file:///tmp/x.html', parent: null } }],
    ['a look-alike host', { sender: { id: OUR_ID }, senderFrame: { url: 'app://voxprint.evil/index.html', parent: null } }],
    ['a destroyed frame', { sender: { id: OUR_ID }, senderFrame: null }],
  ] as [string, SenderEvent][])('rejects a wrong sender: %s, without running the handler', async (_what, event) => {
    const { handler, setThreshold } = setup();
    const res = await handler(event, { threshold: 0.4 });
    expect(res).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(setThreshold).not.toHaveBeenCalled();
  });

  it.each([
    ['a missing field', {}],
    ['a wrong type', { threshold: 'high' }],
    ['an out-of-range value', { threshold: 3 }],
    ['an unknown field', { threshold: 0.1, extra: true }],
    ['no object at all', null],
    ['a prototype-polluting object', JSON.parse('{"threshold":0.1,"__proto__":{"x":1}}')],
  ])('rejects a malformed argument: %s, in words', async (_what, req) => {
    const { handler, setThreshold } = setup();
    const res = await handler(good, req);
    expect(res).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    if (!res.ok) {
      expect(res.error.message).toMatch(/^Bad request to setThreshold: /);
      expect(res.error.message).not.toMatch(/\n\s+at /);
    }
    expect(setThreshold).not.toHaveBeenCalled();
  });

  it('trusts the dev server only when one is configured', () => {
    const dev = ownWindowCheck(() => OUR_ID, ownUrlCheck('http://localhost:5173'));
    const devEvent = { ...good, senderFrame: { url: 'http://localhost:5173/', parent: null } };
    expect(dev(devEvent)).toBe(true);
    expect(isTrusted(devEvent)).toBe(false);
    expect(dev({ ...good, senderFrame: { url: 'http://localhost:5174/', parent: null } })).toBe(false);
  });
});

describe('feature registration', () => {
  it('gives every contract op exactly one IPC channel, registered by its feature module', () => {
    const channels = new Map<string, unknown>();
    const ctx: MainContext = {
      ipc: {
        handle(channel, listener) {
          expect(channels.has(channel)).toBe(false);
          channels.set(channel, listener);
        },
      },
      host: {} as CoreHost,
      isTrusted,
      log: () => {},
    };
    for (const register of [registerApp, registerSpeakers, registerEnroll, registerVerify, registerCalibrate, registerFinetune, registerModels]) {
      register(ctx);
    }
    expect([...channels.keys()].sort()).toEqual(OP_NAMES.map((op: OpName) => channelOf(op)).sort());
  });

  it('a registered channel runs the wrapper: wrong sender refused, bad argument refused', async () => {
    const channels = new Map<string, (e: unknown, req: unknown) => Promise<unknown>>();
    const engine = { setThreshold: vi.fn(async () => {}) };
    const ctx: MainContext = {
      ipc: { handle: (c, l) => void channels.set(c, l as never) },
      host: { engine: () => engine } as unknown as CoreHost,
      isTrusted,
      log: () => {},
    };
    registerFeature(ctx, 'calibrate');
    const h = channels.get(channelOf('setThreshold'))!;
    expect(await h({ ...good, sender: { id: 1 } }, { threshold: 0.2 })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await h(good, { threshold: '0.2' })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    expect(engine.setThreshold).not.toHaveBeenCalled();
    expect(await h(good, { threshold: 0.2 })).toEqual({ ok: true, value: { threshold: 0.2, scale: 'cosine' } });
    expect(engine.setThreshold).toHaveBeenCalledWith(0.2, 'cosine');
    // A calibrated model's llr threshold may lie outside [-1, 1]; a cosine may not.
    expect(await h(good, { threshold: 1.5 })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    expect(await h(good, { threshold: 1.5, scale: 'llr' })).toEqual({ ok: true, value: { threshold: 1.5, scale: 'llr' } });
    expect(engine.setThreshold).toHaveBeenLastCalledWith(1.5, 'llr');
    expect(await h(good, { threshold: 0.2, scale: 'logit' })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
  });
});
