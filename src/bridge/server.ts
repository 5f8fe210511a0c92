/**
 * The browser bridge: the built renderer plus the API contract over HTTP, for testing the real UI
 * in Chromium (and `npm run web`). It listens on 127.0.0.1 only, on a random port, and every
 * request must carry this run's random token:
 *  - API calls (`POST /api/<op>`) and the event stream (`GET /api/events`, server-sent events read
 *    with fetch) in an `Authorization: Bearer` header, which a cross-site page cannot set;
 *  - page loads in `?token=` once (answered with a redirect that moves it into a SameSite=Strict,
 *    HttpOnly cookie) and then in that cookie.
 * A request whose Host is not ours (DNS rebinding) or whose Origin / Sec-Fetch-Site says it comes
 * from another site is refused before the token is even looked at. No CORS headers are ever sent.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Envelope, JobEvent } from '../api/contract';
import type { Dispatch } from '../api/dispatch';
import { decodeJson, encodeJson } from './codec';

export const BRIDGE_HOST = '127.0.0.1';
const DEFAULT_MAX_BODY = 96 * 1024 * 1024; // base64 of the largest audio payload, plus JSON

export interface BridgeOptions {
  dispatch: Dispatch;
  /** The built renderer (out/renderer); without it only the API is served. */
  staticDir?: string;
  /** Fixed token for tests; a fresh random one otherwise. */
  token?: string;
  port?: number;
  maxBodyBytes?: number;
  log?: (line: string) => void;
}

export interface Bridge {
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  token: string;
  /** The address to open in a browser: carries the token once. */
  launchUrl: string;
  /** Sends a job event to every connected event stream. */
  emit(event: JobEvent): void;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** Pulls the CSP out of index.html's meta tag so the header and the tag can never disagree. */
export function cspFromHtml(html: string): string | undefined {
  return /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)?.[1];
}

/** Adds the token and the bridge client to index.html, before the app's own script. */
export function injectBridge(html: string, token: string): string {
  const tags = `<meta name="voxprint-bridge-token" content="${token}">\n    <script type="module" src="./bridge-client.js"></script>\n    `;
  const at = html.search(/<script\b/i);
  return at < 0 ? html.replace('</head>', `${tags}</head>`) : html.slice(0, at) + tags + html.slice(at);
}

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const log = opts.log ?? (() => {});
  const streams = new Set<ServerResponse>();
  const staticRoot = opts.staticDir ? resolve(opts.staticDir) : undefined;
  let port = 0;
  let origin = '';
  const cookieName = () => `vp_token_${port}`;

  const baseHeaders = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };

  function sendJson(res: ServerResponse, status: number, body: Envelope): void {
    const text = encodeJson(body);
    res.writeHead(status, { ...baseHeaders, 'Content-Type': 'application/json; charset=utf-8' });
    res.end(text);
  }
  function refuse(res: ServerResponse, status: number, code: string, message: string): void {
    sendJson(res, status, { ok: false, error: { code, message } });
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((ok, fail) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBody) {
          fail(Object.assign(new Error('too large'), { tooLarge: true }));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
      req.on('error', fail);
    });
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!staticRoot) return refuse(res, 404, 'NOT_FOUND', 'This bridge serves no pages.');
    const queryToken = url.searchParams.get('token') ?? undefined;
    if (sameToken(queryToken, token)) {
      // Move the token out of the address bar and history into a cookie only this server reads.
      url.searchParams.delete('token');
      res.writeHead(303, {
        ...baseHeaders,
        'Set-Cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search,
      });
      res.end();
      return;
    }
    if (!sameToken(cookie(req, cookieName()), token)) {
      res.writeHead(401, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Open the address printed by `npm run web`: it carries this run\'s access token.\n');
      return;
    }
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = normalize(join(staticRoot, rel));
    if (!file.startsWith(staticRoot + sep)) return refuse(res, 404, 'NOT_FOUND', 'No such file.');
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
    } catch {
      return refuse(res, 404, 'NOT_FOUND', 'No such file.');
    }
    let body: Buffer | string = await readFile(file);
    const headers: Record<string, string> = { ...baseHeaders, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' };
    if (file.endsWith('index.html')) {
      const html = body.toString('utf8');
      const csp = cspFromHtml(html);
      if (csp) headers['Content-Security-Policy'] = csp;
      body = injectBridge(html, token);
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function openEvents(res: ServerResponse): void {
    res.writeHead(200, {
      ...baseHeaders,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    res.on('close', () => {
      clearInterval(keepAlive);
      streams.delete(res);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // 1. Is this request really for us, from us?
    if (req.headers.host !== `${BRIDGE_HOST}:${port}`) {
      return refuse(res, 403, 'FORBIDDEN_HOST', 'Requests must be addressed to 127.0.0.1 on this port.');
    }
    const reqOrigin = req.headers.origin;
    if (reqOrigin !== undefined && reqOrigin !== origin) {
      return refuse(res, 403, 'FORBIDDEN_ORIGIN', `Requests from ${reqOrigin.slice(0, 100)} are not allowed.`);
    }
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return refuse(res, 403, 'FORBIDDEN_ORIGIN', 'Cross-site requests are not allowed.');
    }
    const url = new URL(req.url ?? '/', origin);

    // 2. Pages and assets.
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'BAD_METHOD', 'Pages are read-only.');
      return serveStatic(req, res, url);
    }

    // 3. The API: the token in a header on every request.
    if (!sameToken(bearer(req), token)) {
      return refuse(res, 401, 'UNAUTHORIZED', 'Missing or wrong access token for the voxprint bridge.');
    }
    const op = url.pathname.slice('/api/'.length);
    if (op === 'events') {
      if (req.method !== 'GET') return refuse(res, 405, 'BAD_METHOD', 'Use GET for the event stream.');
      return openEvents(res);
    }
    if (req.method !== 'POST') return refuse(res, 405, 'BAD_METHOD', 'Use POST for API calls.');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return refuse(res, 415, 'BAD_ARGUMENT', 'API requests must be JSON (Content-Type: application/json).');
    }
    let raw: unknown;
    try {
      raw = decodeJson(await readBody(req));
    } catch (e) {
      if ((e as { tooLarge?: boolean }).tooLarge) return refuse(res, 413, 'BAD_ARGUMENT', 'The request is too large.');
      return refuse(res, 400, 'BAD_ARGUMENT', 'The request body is not valid JSON.');
    }
    const envelope = await opts.dispatch(op, raw);
    const status = envelope.ok ? 200 : envelope.error.code === 'BAD_ARGUMENT' ? 400 : envelope.error.code === 'INTERNAL' ? 500 : 422;
    sendJson(res, status, envelope);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`bridge: ${(e as Error)?.stack ?? String(e)}`);
      if (!res.headersSent) refuse(res, 500, 'INTERNAL', 'Internal error in the bridge.');
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, BRIDGE_HOST, () => ok());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://${BRIDGE_HOST}:${port}`;

  return {
    origin,
    port,
    token,
    launchUrl: `${origin}/?token=${token}`,
    emit(event) {
      const line = `data: ${encodeJson(event)}\n\n`;
      for (const s of streams) s.write(line);
    },
    close() {
      for (const s of streams) s.end();
      streams.clear();
      return new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}
