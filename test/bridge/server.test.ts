import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { createDispatcher } from '../../src/api/dispatch';
import { startBridge, type Bridge } from '../../src/bridge/server';
import { decodeJson, encodeJson } from '../../src/bridge/codec';
import { createHttpTransport } from '../../src/bridge/client';
import { createBridgeApi, unwrapApi, ApiError } from '../../src/api/client';
import { OP_NAMES, type JobEvent } from '../../src/api/contract';
import { VoxprintError } from '../../src/errors';

const TOKEN = 'a'.repeat(64);
let bridge: Bridge;
let dir: string;
const seen: unknown[] = [];

/** Raw HTTP so that Host, Origin and the body are exactly what the test says. */
function raw(opts: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port: bridge.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', fail);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const json = { 'Content-Type': 'application/json' };
const auth = { Authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vp-bridge-'));
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'"><script type="module" src="./app.js"></script></head><body></body></html>`,
  );
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  const dispatch = createDispatcher({
    async setThreshold(req) {
      seen.push(req);
      return { threshold: req.threshold, scale: req.scale };
    },
    async verify(req) {
      throw new VoxprintError('UNKNOWN_SPEAKER', `No speaker named "${req.speaker}". Enroll them first.`);
    },
    async exportSpeaker(req) {
      return { fileName: `${req.name}.json`, bytes: new Uint8Array([1, 2, 3, 250]) };
    },
  });
  bridge = await startBridge({ dispatch, staticDir: dir, token: TOKEN });
});
afterAll(async () => {
  await bridge.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('bridge: where it listens', () => {
  it('binds to 127.0.0.1 on a random port', () => {
    expect(bridge.origin).toBe(`http://127.0.0.1:${bridge.port}`);
    expect(bridge.port).toBeGreaterThan(0);
  });
  it('makes a fresh 256-bit token per run when none is given', async () => {
    const a = await startBridge({ dispatch: createDispatcher({}) });
    const b = await startBridge({ dispatch: createDispatcher({}) });
    try {
      expect(a.token).toMatch(/^[0-9a-f]{64}$/);
      expect(a.token).not.toBe(b.token);
      expect(a.port).not.toBe(b.port);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('bridge: API authentication', () => {
  const body = encodeJson({ threshold: 0.5 });
  it('refuses a call without a token, and does not run it', async () => {
    const before = seen.length;
    const r = await raw({ method: 'POST', path: '/api/setThreshold', headers: json, body });
    expect(r.status).toBe(401);
    expect(decodeJson(r.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(seen.length).toBe(before);
  });
  it('refuses a wrong token (same length and different length)', async () => {
    for (const t of ['b'.repeat(64), 'short']) {
      const r = await raw({ method: 'POST', path: '/api/setThreshold', headers: { ...json, Authorization: `Bearer ${t}` }, body });
      expect(r.status).toBe(401);
    }
  });
  it('does not accept the token as a cookie or query for API calls', async () => {
    const r1 = await raw({ method: 'POST', path: `/api/setThreshold?token=${TOKEN}`, headers: json, body });
    const r2 = await raw({
      method: 'POST',
      path: '/api/setThreshold',
      headers: { ...json, Cookie: `vp_token_${bridge.port}=${TOKEN}` },
      body,
    });
    expect([r1.status, r2.status]).toEqual([401, 401]);
  });
  it('refuses an Origin from another site even with the right token', async () => {
    const before = seen.length;
    const r = await raw({
      method: 'POST',
      path: '/api/setThreshold',
      headers: { ...json, ...auth, Origin: 'https://evil.example' },
      body,
    });
    expect(r.status).toBe(403);
    expect(decodeJson(r.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    expect(seen.length).toBe(before);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });
  it('refuses another localhost origin (other port) and a cross-site fetch', async () => {
    const r1 = await raw({ method: 'POST', path: '/api/setThreshold', headers: { ...json, ...auth, Origin: 'http://127.0.0.1:1' }, body });
    const r2 = await raw({ method: 'POST', path: '/api/setThreshold', headers: { ...json, ...auth, 'Sec-Fetch-Site': 'cross-site' }, body });
    expect([r1.status, r2.status]).toEqual([403, 403]);
  });
  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await raw({ method: 'POST', path: '/api/setThreshold', headers: { ...json, ...auth, Host: 'attacker.example' }, body });
    expect(r.status).toBe(403);
    expect(decodeJson(r.body)).toMatchObject({ error: { code: 'FORBIDDEN_HOST' } });
  });
  it('answers a good call from our own origin', async () => {
    const r = await raw({ method: 'POST', path: '/api/setThreshold', headers: { ...json, ...auth, Origin: bridge.origin }, body });
    expect(r.status).toBe(200);
    expect(decodeJson(r.body)).toEqual({ ok: true, value: { threshold: 0.5, scale: 'cosine' } });
  });
  it('refuses a CORS preflight', async () => {
    const r = await raw({ method: 'OPTIONS', path: '/api/setThreshold', headers: { Origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
  });
});

describe('bridge: malformed requests', () => {
  it('rejects a body that is not JSON', async () => {
    const r = await raw({ method: 'POST', path: '/api/setThreshold', headers: { ...json, ...auth }, body: '{nope' });
    expect(r.status).toBe(400);
    expect(decodeJson(r.body)).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
  });
  it('rejects a request that fails the schema, saying which field', async () => {
    const r = await raw({ method: 'POST', path: '/api/setThreshold', headers: { ...json, ...auth }, body: encodeJson({ threshold: 7 }) });
    expect(r.status).toBe(400);
    const env = decodeJson(r.body) as { error: { message: string } };
    expect(env.error.message).toMatch(/threshold/);
    expect(env.error.message).not.toMatch(/at \w+ \(/); // no stack trace
  });
  it('rejects unknown fields, unknown ops, other content types and methods', async () => {
    const extra = await raw({ method: 'POST', path: '/api/setThreshold', headers: { ...json, ...auth }, body: encodeJson({ threshold: 0.1, x: 1 }) });
    const unknown = await raw({ method: 'POST', path: '/api/__proto__', headers: { ...json, ...auth }, body: '{}' });
    const form = await raw({ method: 'POST', path: '/api/setThreshold', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{}' });
    const get = await raw({ path: '/api/setThreshold', headers: auth });
    expect([extra.status, unknown.status, form.status, get.status]).toEqual([400, 400, 415, 405]);
  });
  it('rejects a malformed $bytes value', async () => {
    const r = await raw({ method: 'POST', path: '/api/assessTake', headers: { ...json, ...auth }, body: '{"audio":{"name":"a","bytes":{"$bytes":"@@"}}}' });
    expect(r.status).toBe(400);
  });
  it('rejects a body over the size limit', async () => {
    const small = await startBridge({ dispatch: createDispatcher({}), token: TOKEN, maxBodyBytes: 1000 });
    try {
      const r = await new Promise<number>((ok, fail) => {
        const req = request(
          { host: '127.0.0.1', port: small.port, method: 'POST', path: '/api/assessTake', headers: { ...json, ...auth } },
          (res) => {
            res.resume();
            ok(res.statusCode ?? 0);
          },
        );
        req.on('error', () => ok(413)); // the server may cut the upload before answering
        req.end('x'.repeat(5000));
        void fail;
      });
      expect(r).toBe(413);
    } finally {
      await small.close();
    }
  });
  it('passes a user error through with its code and words', async () => {
    const { origin } = bridge;
    const api = unwrapApi(createBridgeApi(OP_NAMES, createHttpTransport(origin, TOKEN)));
    const err = await api.verify({ speaker: 'nobody', audio: { name: 'x.wav', bytes: new Uint8Array([1]) } }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'UNKNOWN_SPEAKER' });
    expect((err as Error).message).toMatch(/Enroll them first/);
  });
  it('carries bytes both ways', async () => {
    const api = unwrapApi(createBridgeApi(OP_NAMES, createHttpTransport(bridge.origin, TOKEN)));
    const r = await api.exportSpeaker({ name: 'ann' });
    expect(r.fileName).toBe('ann.json');
    expect(Array.from(r.bytes)).toEqual([1, 2, 3, 250]);
  });
});

describe('bridge: pages', () => {
  it('refuses the page without a token', async () => {
    const r = await raw({ path: '/' });
    expect(r.status).toBe(401);
    expect(r.body).not.toContain(TOKEN);
    const asset = await raw({ path: '/app.js' });
    expect(asset.status).toBe(401);
  });
  it('moves a query token into an HttpOnly SameSite cookie and serves the page with the CSP header', async () => {
    const first = await raw({ path: `/?token=${TOKEN}` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const page = await raw({ path: '/', headers: { Cookie: setCookie.split(';')[0] } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe("default-src 'self'");
    expect(page.body).toContain('voxprint-bridge-token');
    expect(page.body.indexOf('bridge-client.js')).toBeLessThan(page.body.indexOf('app.js'));
  });
  it('refuses a wrong cookie and paths outside the renderer folder', async () => {
    const wrong = await raw({ path: '/', headers: { Cookie: `vp_token_${bridge.port}=${'c'.repeat(64)}` } });
    expect(wrong.status).toBe(401);
    const cookie = `vp_token_${bridge.port}=${TOKEN}`;
    const trav = await raw({ path: '/..%2f..%2fetc%2fpasswd', headers: { Cookie: cookie } });
    expect(trav.status).toBe(404);
  });
});

describe('bridge: events', () => {
  it('streams job events to an authenticated client and refuses an unauthenticated stream', async () => {
    const noAuth = await fetch(`${bridge.origin}/api/events`);
    expect(noAuth.status).toBe(401);
    await noAuth.body?.cancel();
    const transport = createHttpTransport(bridge.origin, TOKEN);
    const got: JobEvent[] = [];
    const off = transport.subscribe((e) => got.push(e));
    const event: JobEvent = {
      jobId: 'j1',
      op: 'startFinetune',
      type: 'failed',
      error: { code: 'CANCELLED', message: 'The job was cancelled.' },
    };
    // The stream connects asynchronously: emit until the client has it.
    for (let i = 0; i < 100 && got.length === 0; i++) {
      bridge.emit(event);
      await new Promise((r) => setTimeout(r, 20));
    }
    off();
    expect(got[0]).toEqual(event);
  });
});
