/** Files the user drops or picks: which ones we take, and turning them into API payloads. */
import type { Req } from '../../../src/api/contract';
import { SAMPLE_RATE } from '../../../src/features/sample-rate';
import { peaks } from './wav';

export type AudioIn = Req<'assessTake'>['audio'];

export const AUDIO_ACCEPT = '.wav,.flac,.mp3,.ogg,.oga,.opus,audio/wav,audio/x-wav,audio/flac,audio/mpeg,audio/ogg';
const EXT = /\.(wav|flac|mp3|ogg|oga|opus)$/i;

export function isAudioFile(f: File): boolean {
  return EXT.test(f.name) || /^audio\/(wav|x-wav|wave|flac|x-flac|mpeg|mp3|ogg)$/.test(f.type);
}

/** The bytes of a picked file; an empty one is refused here in words, before the request would. */
export async function fileBytes(f: File): Promise<Uint8Array> {
  if (f.size === 0) throw new Error(`"${f.name}" is empty (0 bytes). Choose another file, or record a take.`);
  return new Uint8Array(await f.arrayBuffer());
}

export async function fileToAudio(f: File): Promise<AudioIn> {
  return { name: f.name, bytes: await fileBytes(f) };
}

export function mimeFor(name: string): string {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'mp3' ? 'audio/mpeg' : ext === 'flac' ? 'audio/flac' : ext === 'ogg' || ext === 'oga' || ext === 'opus' ? 'audio/ogg' : 'audio/wav';
}

/** Peak envelope of any file the browser can decode, for drawing; null when it cannot. */
export async function decodeEnvelope(bytes: Uint8Array, columns = 200): Promise<Float32Array | null> {
  try {
    const ctx = new OfflineAudioContext(1, 1, SAMPLE_RATE);
    const buf = await ctx.decodeAudioData(bytes.slice().buffer);
    return peaks(buf.getChannelData(0), columns);
  } catch {
    return null;
  }
}

export function stamp(prefix: string): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${prefix}-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.wav`;
}
