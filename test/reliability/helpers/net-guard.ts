/**
 * An in-process network guard: replaces every Node API that can open a socket or resolve a name
 * (net, tls, dgram, http, https, http2, dns, fetch, WebSocket) with a recorder that refuses
 * anything but loopback and unix sockets. Install it before the code under test is imported, so
 * no module can have kept a reference to an original.
 */
import dgram from 'node:dgram';
import { syncBuiltinESMExports } from 'node:module';
import dns from 'node:dns';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

export interface Attempt {
  api: string;
  target: string;
  loopback: boolean;
  stack: string;
}

export const attempts: Attempt[] = [];

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3}|0\.0\.0\.0)$/i;

export function isLoopback(host: string | undefined): boolean {
  return host === undefined || host === '' || LOOPBACK.test(host);
}

class NetworkBlocked extends Error {}

function record(api: string, target: string, host: string | undefined, unix = false): void {
  const loopback = unix || isLoopback(host);
  attempts.push({ api, target, loopback, stack: new Error().stack?.split('\n').slice(3, 9).join('\n') ?? '' });
  if (!loopback) throw new NetworkBlocked(`network use blocked by the test: ${api} ${target}`);
}

/** host/port/path out of the many argument shapes of connect/request. */
function targetOf(args: unknown[]): { host?: string; text: string; unix: boolean } {
  const [a, b] = args;
  if (typeof a === 'string' && isNaN(Number(a)) && !/^[a-z]+:/i.test(a)) return { text: `unix:${a}`, unix: true };
  if (typeof a === 'string' || a instanceof URL) {
    try {
      const u = new URL(String(a));
      return { host: u.hostname.replace(/^\[|\]$/g, ''), text: u.href, unix: false };
    } catch {
      /* a port number as a string */
    }
  }
  if (typeof a === 'number' || (typeof a === 'string' && !isNaN(Number(a)))) return { host: typeof b === 'string' ? b : 'localhost', text: `${b ?? 'localhost'}:${a}`, unix: false };
  const o = (Array.isArray(a) ? a[0] : a) as { host?: string; hostname?: string; port?: number; path?: string; socketPath?: string } | undefined;
  if (o?.socketPath || (o?.path && !o.host && !o.hostname && !o.port)) return { text: `unix:${o.socketPath ?? o.path}`, unix: true };
  const host = o?.hostname ?? o?.host ?? 'localhost';
  return { host, text: `${host}:${o?.port ?? ''}`, unix: false };
}

let installed = false;

export function installNetGuard(): void {
  if (installed) return;
  installed = true;
  const wrap = <T extends object>(obj: T, key: keyof T & string, api: string) => {
    const orig = obj[key] as unknown as (...a: unknown[]) => unknown;
    (obj as Record<string, unknown>)[key] = function (this: unknown, ...args: unknown[]) {
      const t = targetOf(args);
      record(api, t.text, t.host, t.unix);
      return orig.apply(this, args);
    };
  };
  wrap(net.Socket.prototype, 'connect', 'net.Socket#connect');
  wrap(net, 'connect', 'net.connect');
  wrap(net, 'createConnection', 'net.createConnection');
  wrap(tls, 'connect', 'tls.connect');
  for (const [mod, name] of [
    [http, 'http'],
    [https, 'https'],
  ] as const) {
    wrap(mod, 'request', `${name}.request`);
    wrap(mod, 'get', `${name}.get`);
  }
  wrap(http2, 'connect', 'http2.connect');
  const origSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    const host = args.find((x, i) => i > 0 && typeof x === 'string') as string | undefined;
    record('dgram.Socket#send', `${host}`, host);
    return (origSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof origSend;
  wrap(dgram.Socket.prototype, 'connect', 'dgram.Socket#connect');
  for (const fn of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'lookupService'] as const) {
    const orig = dns[fn] as (...a: unknown[]) => unknown;
    (dns as unknown as Record<string, unknown>)[fn] = (...args: unknown[]) => {
      record(`dns.${fn}`, String(args[0]), String(args[0]));
      return orig(...args);
    };
    const p = dns.promises as unknown as Record<string, (...a: unknown[]) => unknown>;
    const origP = p[fn];
    if (origP)
      p[fn] = (...args: unknown[]) => {
        record(`dns.promises.${fn}`, String(args[0]), String(args[0]));
        return origP(...args);
      };
  }
  const origFetch = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    let host: string | undefined;
    try {
      host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    } catch {
      host = url;
    }
    // tfjs may fetch file:// or data: URLs; they are not network.
    const local = /^(file|data|blob):/i.test(url);
    record('fetch', url, local ? 'localhost' : host);
    return origFetch(input, init);
  }) as typeof fetch;
  if ('WebSocket' in globalThis) {
    (globalThis as Record<string, unknown>).WebSocket = class {
      constructor(url: string) {
        record('WebSocket', url, new URL(url).hostname);
      }
    };
  }
  // So that `import { request } from 'node:http'` (a named ESM binding) sees the recorders too.
  syncBuiltinESMExports();
}

/** The attempts that were not loopback or unix sockets. */
export const offHost = (): Attempt[] => attempts.filter((a) => !a.loopback);
