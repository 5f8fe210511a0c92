/* eslint-disable @typescript-eslint/no-explicit-any -- parsed JSON lines are checked field by field */
/**
 * `verify NAME FILE --stream`, `identify FILE --stream` and `eval --sweep`, run as fresh processes
 * (bin/voxprint.js) with the shipped model and real LibriSpeech test-other files.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/audio/decode';
import { encodeWav } from '../../src/audio/wav';

const DATA = path.resolve('../shared/data');
const LIBRI = path.join(DATA, 'librispeech/test-other');
const f1688 = (n: number) => path.join(LIBRI, '1688', `1688-142285-${String(n).padStart(4, '0')}.flac`);
const f1998 = (n: number) => path.join(LIBRI, '1998', `1998-15444-${String(n).padStart(4, '0')}.flac`);
const MODEL = path.resolve('models/default');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-live-cli-'));
const store = path.join(tmp, 'store');
const env = { ...process.env, VOXPRINT_CACHE: path.join(tmp, 'cache') };

function vp(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, ['bin/voxprint.js', '--store', store, '--model', MODEL, ...args], { env, encoding: 'utf8', input, maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr, lines: () => r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>) };
}

describe.skipIf(!fs.existsSync(path.join(MODEL, 'voxprint.json')))('live scoring from the command line (spawned)', () => {
  beforeAll(() => {
    const e = vp(['enroll', 'Speaker 1688', f1688(0), f1688(1), f1688(2)]);
    expect(e.code, e.err).toBe(0);
    expect(vp(['enroll', 'Speaker 1998', f1998(0), f1998(1), f1998(2)]).code).toBe(0);
  }, 120_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('verify --stream --json prints one update per line and accepts the genuine speaker on the last one', () => {
    const r = vp(['--json', 'verify', 'speaker 1688', f1688(4), '--stream']);
    expect(r.code, r.err).toBe(0);
    const lines = r.lines();
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) {
      expect(typeof l.score).toBe('number');
      expect(typeof l.speechSeconds).toBe('number');
    }
    expect(lines.map((l) => l.speechSeconds)).toEqual([...lines.map((l) => l.speechSeconds)].sort((a, b) => a - b));
    const last = lines[lines.length - 1];
    expect(last).toMatchObject({ final: true, accepted: true, speaker: 'Speaker 1688' });
    // The shipped model is calibrated: every update carries the llr and the probability.
    expect(typeof last.llr).toBe('number');
    expect(last.probability).toBeGreaterThan(0.5);
    expect(last.decidedAt).toBeGreaterThan(0);
    expect(last.decidedAt).toBeLessThanOrEqual(last.speechSeconds);
  });

  it("rejects another speaker's file, in text as in JSON", () => {
    const j = vp(['--json', 'verify', 'Speaker 1688', f1998(4), '--stream']).lines();
    expect(j[j.length - 1]).toMatchObject({ final: true, accepted: false });
    const t = vp(['verify', 'Speaker 1688', f1998(4), '--stream']);
    expect(t.code).toBe(3); // rejected: the same exit code as verify without --stream
    expect(t.out.trim().split('\n').pop()).toMatch(/^final .*REJECTED: this is not "Speaker 1688"/);
  });

  it("decides every update on the store's llr threshold once one is set (threshold VALUE --llr), until --reset", () => {
    const model = vp(['--json', 'verify', 'Speaker 1688', f1688(4), '--stream']).lines().pop()!;
    expect(model.llrThreshold).toBeCloseTo(0.644, 2); // the shipped model's own
    expect(vp(['threshold', '15', '--llr']).code).toBe(0);
    const r = vp(['--json', 'verify', 'Speaker 1688', f1688(4), '--stream']);
    expect(r.code).toBe(3);
    const lines = r.lines();
    for (const l of lines) expect(l.llrThreshold).toBe(15);
    expect(lines[lines.length - 1]).toMatchObject({ final: true, accepted: false });
    expect(vp(['threshold', '--reset']).code).toBe(0);
  });

  it('reads a WAV or raw 16-bit PCM from stdin ("-") and scores it exactly as the file', async () => {
    const x = (await decodeAudioFile(f1688(4))).samples;
    const wav = Buffer.from(encodeWav(x, 16000));
    const fromFile = vp(['--json', 'verify', 'Speaker 1688', f1688(4), '--stream']).lines();
    const fromWav = vp(['--json', 'verify', 'Speaker 1688', '-', '--stream'], wav).lines();
    expect(fromWav.map((l) => l.score)).toEqual(fromFile.map((l) => l.score).map((s) => expect.closeTo(s, 3)));
    const pcm = wav.subarray(44); // encodeWav writes the canonical 44-byte header
    const fromPcm = vp(['--json', 'verify', 'Speaker 1688', '-', '--stream'], pcm).lines();
    expect(fromPcm).toEqual(fromWav);
    expect(vp(['verify', 'Speaker 1688', '-', '--stream'], Buffer.alloc(0)).code).toBe(2);
  });

  it('identify --stream ranks the speakers on every line and names the speaker at the end', () => {
    const lines = vp(['--json', 'identify', f1998(5), '--stream', '--top', '2']).lines();
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(l.candidates).toHaveLength(2);
    expect(lines[lines.length - 1]).toMatchObject({ final: true, identified: 'Speaker 1998', best: 'Speaker 1998' });
  });

  it('refuses --realtime without --stream, and documents the JSON Lines exception in --help', () => {
    const bad = vp(['verify', 'Speaker 1688', f1688(4), '--realtime']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--realtime .*--stream/);
    expect(vp(['verify', '--help']).out).toMatch(/one JSON object PER LINE|exception to "exactly one JSON object"/);
  });

  it('eval --sweep prints EER and minDCF per test length, and --max-test-seconds cuts the tests', () => {
    const list = path.join(DATA, 'dsp-dev.trials.txt');
    const s = vp(['--json', 'eval', '--trials', list, '--limit', '60', '--sweep', '0.5,1']);
    expect(s.code, s.err).toBe(0);
    const j = JSON.parse(s.out);
    expect(j.sweep.map((r: any) => r.maxTestSeconds)).toEqual([0.5, 1, null]);
    for (const r of j.sweep) expect(r.eer).toBeGreaterThanOrEqual(0);
    const one = vp(['--json', 'eval', '--trials', list, '--limit', '60', '--max-test-seconds', '0.5']);
    expect(JSON.parse(one.out)).toMatchObject({ maxTestSeconds: 0.5, eer: j.sweep[0].eer, minDcf: j.sweep[0].minDcf });
    expect(vp(['eval', '--trials', list, '--sweep', '1,x']).code).toBe(2);
    expect(vp(['eval', '--trials', list, '--baseline', 'lda', '--max-test-seconds', '1']).code).toBe(2);
  }, 240_000);
});
