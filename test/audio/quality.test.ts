import { describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/audio/decode';
import { assessQuality, describeIssue } from '../../src/audio/quality';

const LIBRI = '../shared/data/librispeech/test-other/1688/1688-142285-0000.flac';
const ARABIC = '../shared/data/arabic-speech-commands/00000001/00000001-backward-01.wav';
const WASHER = '../shared/data/noise/washing_machine.wav';

const codes = (r: { issues: { code: string }[] }) => r.issues.map((i) => i.code);

describe('assessQuality', () => {
  it('a clean read sentence has no issues and sensible figures', async () => {
    const x = (await decodeAudioFile(LIBRI)).samples;
    const q = assessQuality(x);
    expect(q.issues).toEqual([]);
    expect(q.speechSec).toBeGreaterThan(8);
    expect(q.levelDb).toBeGreaterThan(-35);
    expect(q.levelDb).toBeLessThan(-10);
    expect(q.peakDb).toBeLessThanOrEqual(0);
    expect(q.clippingRatio).toBe(0);
    expect(q.snrDb).toBeGreaterThan(20);
  });

  it('a one-word take is too short, with the fix in plain words', async () => {
    const x = (await decodeAudioFile(ARABIC)).samples;
    const q = assessQuality(x);
    expect(codes(q)).toEqual(['too_short']);
    expect(describeIssue(q.issues[0])).toMatch(/^only 0\.\d s of speech: say a full sentence$/);
    expect(assessQuality(x, { minSpeechSec: 0.3 }).issues).toEqual([]);
  });

  it('flags quiet, clipped and noisy takes, and silence', async () => {
    const x = (await decodeAudioFile(LIBRI)).samples;
    expect(codes(assessQuality(x.map((v) => v * 0.01)))).toEqual(['too_quiet']);

    const clipped = assessQuality(x.map((v) => Math.max(-1, Math.min(1, v * 8))));
    expect(codes(clipped)).toContain('clipped');
    expect(clipped.clippingRatio).toBeGreaterThan(0.01);
    expect(describeIssue(clipped.issues.find((i) => i.code === 'clipped')!)).toMatch(/^\d+% of samples clipped: move away from the mic/);

    const washer = (await decodeAudioFile(WASHER)).samples;
    const noisy = assessQuality(x.map((v, i) => v + 3 * washer[i % washer.length]));
    expect(codes(noisy)).toContain('noisy');
    expect(noisy.snrDb).toBeLessThan(15);

    expect(codes(assessQuality(new Float32Array(16000)))).toEqual(['no_voice']);
    expect(codes(assessQuality(washer.subarray(0, 5 * 16000)))).toContain('no_voice');
  });
});
