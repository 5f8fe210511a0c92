import { describe, expect, it } from 'vitest';
import { selectSpeech, selectSpeechWithSeconds } from '../../src/model/speech';

const tone = (sec: number, at = 0) => {
  const x = new Float32Array(Math.round(3 * 16000));
  for (let i = Math.round(at * 16000); i < Math.round((at + sec) * 16000); i++) x[i] = 0.3 * Math.sin(i / 5) * (1 + 0.5 * Math.sin(i / 700));
  return x;
};

describe('selectSpeech', () => {
  it('keeps the speech the VAD finds, with its duration', () => {
    const x = tone(1.5, 1);
    const r = selectSpeechWithSeconds(x);
    expect(r.speechSec).toBeGreaterThan(1.2);
    expect(r.speech.length).toBeLessThan(x.length);
  });

  it('falls back to the whole signal, speechSec 0, when there is too little speech or none', () => {
    for (const x of [new Float32Array(0), new Float32Array(100), new Float32Array(16000), tone(0.01, 1), new Float32Array(8000).fill(NaN)]) {
      const r = selectSpeechWithSeconds(x);
      expect(r.speechSec).toBe(0);
      expect(r.speech).toBe(x);
      expect(selectSpeech(x)).toBe(x);
    }
  });

  it('lets a real error through instead of answering with the whole signal', () => {
    expect(() => selectSpeechWithSeconds(undefined as unknown as Float32Array)).toThrow(TypeError);
  });
});
