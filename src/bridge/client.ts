/**
 * The browser half of the bridge: implements the same `window.voxprint` as Electron's preload,
 * over fetch to the local bridge server. The token comes from a meta tag the server injects into
 * index.html; it is sent in a header on every call and on the event stream.
 */
import type { Envelope, JobEvent, OpName } from '../api/contract';
import { createBridgeApi, type Transport, type VoxprintBridge } from '../api/client';
import { decodeJson, encodeJson } from './codec';

export function createHttpTransport(origin: string, token: string, fetchImpl: typeof fetch = fetch): Transport {
  const listeners = new Set<(e: JobEvent) => void>();
  let streaming = false;

  async function stream(): Promise<void> {
    streaming = true;
    let delay = 250;
    while (listeners.size > 0) {
      try {
        const res = await fetchImpl(`${origin}/api/events`, { headers: { Authorization: `Bearer ${token}` } });
        if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
        delay = 250;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (!data) continue;
            const event = decodeJson(data) as JobEvent;
            for (const l of listeners) l(event);
          }
        }
      } catch {
        /* reconnect below */
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
    streaming = false;
  }

  return {
    async invoke(op: OpName, req: unknown): Promise<Envelope> {
      const res = await fetchImpl(`${origin}/api/${op}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: encodeJson(req),
      });
      return decodeJson(await res.text()) as Envelope;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!streaming) void stream();
      return () => listeners.delete(listener);
    },
  };
}

export function installBridgeClient(opNames: readonly OpName[]): VoxprintBridge {
  const token = document.querySelector<HTMLMetaElement>('meta[name="voxprint-bridge-token"]')?.content;
  if (!token) throw new Error('voxprint bridge: no access token in the page');
  const api = createBridgeApi(opNames, createHttpTransport(location.origin, token));
  Object.defineProperty(window, 'voxprint', { value: Object.freeze(api), writable: false, configurable: false });
  return api;
}
