/** The fine-tune split: which households get a held-out EER, and a note that states the rule it applied. */
import { describe, expect, it } from 'vitest';
import { splitRecordings, type SpeakerRecordings } from '../../src/train/finetune-data';

function speakers(counts: number[]): SpeakerRecordings[] {
  return counts.map((n, i) => ({
    speaker: `S${i}`,
    key: `s${i}`,
    recordings: Array.from({ length: n }, (_, k) => ({ speaker: `S${i}`, key: `s${i}`, source: `s${i}/${k}.wav`, load: async () => new Float32Array(0) })),
  }));
}

describe('splitRecordings', () => {
  it('holds recordings out for 3 speakers with 4 takes each (one each), keeping 3 to train on', () => {
    const s = splitRecordings(speakers([4, 4, 4]), 0.3, 1);
    expect(s.estimate).toBe('held-out');
    expect(s.speakers.map((x) => [x.heldOut.length, x.fineTune.length])).toEqual([
      [1, 3],
      [1, 3],
      [1, 3],
    ]);
  });

  it('falls back to leave-one-out below the rule, and the note names what was missing', () => {
    const two = splitRecordings(speakers([4, 4]), 0.3, 1);
    expect(two.estimate).toBe('leave-one-out');
    expect(two.note).toMatch(/3 held out in all; here 2 could be held out, from 2 speaker/);
    expect(two.speakers.every((x) => x.heldOut.length === 0 && x.fineTune.length === 4)).toBe(true);
    const short = splitRecordings(speakers([3, 3, 3, 3]), 0.3, 1);
    expect(short.estimate).toBe('leave-one-out');
    expect(short.note).toMatch(/here 0 could be held out/);
  });
});
