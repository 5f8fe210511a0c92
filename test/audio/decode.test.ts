import { describe, expect, it } from 'vitest';
import { decodeAudioBytes, decodeAudioFile } from '../../src/audio/decode';
import { AudioDecodeError } from '../../src/errors';

const LIBRI = '../shared/data/librispeech/test-other/1688/1688-142285-0000.flac';

/** A 16-bit PCM WAV with `channels` channels of a sine at `freq` Hz. */
function sineWav(rate: number, channels: number, seconds: number, freq = 440): Uint8Array {
  const frames = Math.round(rate * seconds);
  const dataBytes = frames * channels * 2;
  const b = new Uint8Array(44 + dataBytes);
  const dv = new DataView(b.buffer);
  const w = (at: number, s: string) => [...s].forEach((c, i) => (b[at + i] = c.charCodeAt(0)));
  w(0, 'RIFF');
  dv.setUint32(4, 36 + dataBytes, true);
  w(8, 'WAVE');
  w(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true);
  dv.setUint16(22, channels, true);
  dv.setUint32(24, rate, true);
  dv.setUint32(28, rate * channels * 2, true);
  dv.setUint16(32, channels * 2, true);
  dv.setUint16(34, 16, true);
  w(36, 'data');
  dv.setUint32(40, dataBytes, true);
  for (let f = 0; f < frames; f++) {
    const v = Math.round(16000 * Math.sin((2 * Math.PI * freq * f) / rate));
    for (let c = 0; c < channels; c++) dv.setInt16(44 + (f * channels + c) * 2, v, true);
  }
  return b;
}

describe('decodeAudioBytes', () => {
  it('decodes 44.1 kHz stereo WAV to 16 kHz mono', async () => {
    const a = await decodeAudioBytes(sineWav(44100, 2, 1), { name: 'tone.wav' });
    expect(a.sampleRate).toBe(16000);
    expect(a.samples.length).toBe(16000);
    expect(a.durationSec).toBeCloseTo(1, 5);
    let peak = 0;
    for (let i = 1000; i < 15000; i++) peak = Math.max(peak, Math.abs(a.samples[i]));
    expect(peak).toBeCloseTo(16000 / 32768, 2);
  });

  it('decodes FLAC', async () => {
    const a = await decodeAudioFile(LIBRI);
    expect(a.sampleRate).toBe(16000);
    expect(a.durationSec).toBeGreaterThan(2);
  });

  it('gives typed errors for bad input', async () => {
    await expect(decodeAudioBytes(new TextEncoder().encode('hello world, not audio'), { name: 'x.txt' })).rejects.toMatchObject({ code: 'NOT_AUDIO' });
    await expect(decodeAudioFile('/nonexistent/file.wav')).rejects.toBeInstanceOf(AudioDecodeError);
    await expect(decodeAudioFile('/nonexistent/file.wav')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    const cut = sineWav(16000, 1, 1).subarray(0, 1000);
    await expect(decodeAudioBytes(cut, { name: 'cut.wav' })).rejects.toMatchObject({ code: 'TRUNCATED', message: /cut\.wav/ });
  });
});
