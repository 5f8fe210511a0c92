/**
 * 16-bit PCM WAV writing, for the profile store (enrolled takes are kept as 16 kHz WAV so a
 * speaker can be re-embedded after a model update).
 */
import { InvalidArgumentError } from '../errors';
import { SAMPLE_RATE } from '../features/sample-rate';

/**
 * Encodes mono samples in [-1, 1] as a 16-bit PCM WAV file. Values outside [-1, 1] are clipped
 * and NaN is written as 0. Throws InvalidArgumentError for a rate that is not a positive integer.
 */
export function encodeWav(samples: Float32Array, sampleRate = SAMPLE_RATE): Uint8Array {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff / 2) {
    throw new InvalidArgumentError(`encodeWav: the sample rate must be a positive integer, got ${sampleRate}.`);
  }
  const dataBytes = samples.length * 2;
  if (dataBytes > 0xffffffff - 36) throw new InvalidArgumentError('encodeWav: too many samples for one WAV file (4 GiB limit).');
  const out = new Uint8Array(44 + dataBytes);
  const dv = new DataView(out.buffer);
  const tag = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  tag(0, 'RIFF');
  dv.setUint32(4, 36 + dataBytes, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true); // PCM
  dv.setUint16(22, 1, true); // mono
  dv.setUint32(24, sampleRate, true);
  dv.setUint32(28, sampleRate * 2, true);
  dv.setUint16(32, 2, true);
  dv.setUint16(34, 16, true);
  tag(36, 'data');
  dv.setUint32(40, dataBytes, true);
  for (let i = 0, o = 44; i < samples.length; i++, o += 2) {
    const v = samples[i];
    // Scale by 32768 and clip, the inverse of the decoder's division by 32768.
    const q = v >= 1 ? 32767 : v <= -1 ? -32768 : v === v ? Math.round(v * 32768) : 0;
    dv.setInt16(o, q > 32767 ? 32767 : q, true);
  }
  return out;
}
