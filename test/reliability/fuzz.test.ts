/**
 * The fuzz harness in CI: first that it can see each kind of failure (faults injected into cases),
 * then a run of the decompression bombs, every boundary truncation and a few hundred random
 * mutations through decode -> quality -> embed, which must end without a violation. `npm run fuzz -- --count 10000` is the
 * long version (docs/reliability.md).
 */
import { describe, expect, it } from 'vitest';
import { boundaryPlan, buildCase } from '../../src/fuzz/cases';
import { BOMB_FILES, loadCorpus } from '../../src/fuzz/corpus';
import { crc8, parseStructure, resealOggPage, writeField, type Field } from '../../src/fuzz/formats';
import { MUTATION_KINDS } from '../../src/fuzz/mutate';
import { REGRESSIONS } from '../../src/fuzz/regressions';
import { formatSummary, runFuzz } from '../../src/fuzz/runner';

const corpus = loadCorpus();
const byName = (n: string) => corpus.find((s) => s.name === n)!;

describe('fuzz corpus and structure parsing', () => {
  it('finds the chunks of the real WAV and the frames of the FLAC, MP3 and Ogg seeds', () => {
    const wav = byName('00000001-backward-01.wav');
    expect(wav.structure.units.map((u) => [u.label, u.start])).toEqual([
      ['RIFF header', 0],
      ["chunk 'fmt'", 12],
      ["chunk 'data'", 36],
    ]);
    expect(wav.structure.units[2].end).toBe(wav.bytes.length);
    const flac = byName('speech-16k-mono.flac');
    const frames = flac.structure.units.filter((u) => u.label.startsWith('frame'));
    expect(frames.length).toBeGreaterThan(3);
    // Frames tile the rest of the file after the metadata.
    for (let i = 1; i < frames.length; i++) expect(frames[i].start).toBe(frames[i - 1].end);
    expect(frames.at(-1)!.end).toBe(flac.bytes.length);
    const mp3 = byName('speech-44k-stereo.mp3').structure.units;
    expect(mp3.length).toBeGreaterThan(30);
    for (const s of ['speech-44k-stereo.ogg', 'speech-16k-mono.opus']) {
      const pages = byName(s).structure.units;
      expect(pages.at(-1)!.end).toBe(byName(s).bytes.length);
    }
  });

  it('re-sealing an unchanged Ogg page or FLAC frame header reproduces its checksum', () => {
    for (const name of ['speech-44k-stereo.ogg', 'speech-16k-mono.opus']) {
      const s = byName(name);
      const copy = s.bytes.slice();
      for (const u of s.structure.units) resealOggPage(copy, u.start);
      expect(Buffer.compare(Buffer.from(copy), Buffer.from(s.bytes))).toBe(0);
    }
    const flac = byName('speech-16k-mono.flac');
    const f = flac.structure.fields.find((x) => x.seal?.kind === 'flac-frame')!;
    const seal = f.seal as { start: number; crcAt: number };
    expect(crc8(flac.bytes, seal.start, seal.crcAt)).toBe(flac.bytes[seal.crcAt]);
  });

  it('writes byte and bit fields where the format puts them', () => {
    const b = new Uint8Array(8);
    writeField(b, { label: 'le32', offset: 1, bits: 32, littleEndian: true, lies: [] }, 0x11223344, false);
    expect([...b.subarray(1, 5)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    const c = new Uint8Array(3);
    const rate: Field = { label: 'rate', offset: 0, bits: 20, bitPos: 0, lies: [] };
    writeField(c, rate, 16000, false);
    expect(((c[0] << 12) | (c[1] << 4) | (c[2] >> 4)) >>> 0).toBe(16000);
    // A lie about the FLAC sample rate lands in STREAMINFO.
    const flac = byName('speech-16k-mono.flac');
    const copy = flac.bytes.slice();
    writeField(copy, flac.structure.fields.find((x) => x.label === 'sample rate')!, 0, false);
    expect(parseStructure(copy, 'flac').units.length).toBe(flac.structure.units.length);
    expect((copy[18] << 12) | (copy[19] << 4) | (copy[20] >> 4)).toBe(0);
  });

  it('builds the same bytes for the same seed and id, and different ones for another seed', () => {
    const plan = boundaryPlan(corpus);
    const a = buildCase(corpus, plan, 7, 'r42');
    const b = buildCase(corpus, plan, 7, 'r42');
    expect(Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes))).toBe(0);
    const others = [1, 2, 3, 4, 5].map((s) => buildCase(corpus, plan, s, 'r42'));
    expect(others.some((o) => o.bytes.length !== a.bytes.length || Buffer.compare(Buffer.from(o.bytes), Buffer.from(a.bytes)) !== 0)).toBe(true);
    expect(() => buildCase(corpus, plan, 7, `b${plan.length}`)).toThrow(RangeError);
  });
});

describe('fuzz runner', () => {
  it('reports each kind of violation, then carries on with the next case', async () => {
    const seen: string[] = [];
    const s = await runFuzz({
      onResult: (r) => seen.push(`${r.id}:${r.violation ?? 'fine'}`),
      seed: 1,
      count: 0,
      only: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
      faults: { r0: 'throw', r1: 'hang', r3: 'leak', r4: 'alloc', r5: 'async-throw', r6: 'exit' },
      // Room for a fresh worker's start-up on a loaded 2-core machine: at 3 s, r5's worker once
      // timed out before its asynchronous throw surfaced. Only r1 hangs, so only r1 waits this long.
      timeoutMs: 8000,
      maxPeakMiB: 256,
    });
    const by = Object.fromEntries(s.violations.map((v) => [v.id, v.violation]));
    expect(by.r0).toBe('untyped');
    expect(by.r1).toBe('timeout');
    expect(by.r3).toBe('tensor-leak');
    if (s.memoryMeasured) expect(by.r4).toBe('memory');
    // The asynchronous throw surfaces after r5's verdict and is pinned on r5; the exit on r6.
    expect(by.r5).toBe('crash');
    expect(by.r6).toBe('crash');
    expect(by.r2).toBeUndefined();
    // The case after the hang and the one after the exit still ran, each in a fresh worker.
    expect(seen).toContain('r2:fine');
    expect(seen).toContain('r7:fine');
    expect(s.ok).toBe(false);
    expect(formatSummary(s)).toContain('reproduce: npm run fuzz -- --seed 1 --only r1');
  });

  it('the regressions stay fixed (a hang and a 210 MiB resampler kernel before)', async () => {
    const s = await runFuzz({ seed: 1, count: 0, only: REGRESSIONS.map((_, k) => `x${k}`), maxPeakMiB: 128, timeoutMs: 10_000 });
    if (!s.ok) console.log(formatSummary(s));
    expect(s.violations).toEqual([]);
    expect(s.cases).toBe(REGRESSIONS.length);
  });

  it('the bombs, every boundary truncation and 150 random mutations end in a result or a typed error', async () => {
    const outcomes = new Map<string, string>();
    // 384 MiB: the bombs grew the peak RSS by ~0.4 and ~1.2 GiB before decode.ts had a bound.
    const s = await runFuzz({ seed: 20261128, count: 150, maxPeakMiB: 384, onResult: (r) => outcomes.set(r.id, r.outcome) });
    if (!s.ok) console.log(formatSummary(s));
    expect(s.violations).toEqual([]);
    expect(s.cases).toBe(BOMB_FILES.length + REGRESSIONS.length + boundaryPlan(corpus).length + 150);
    expect(BOMB_FILES.map((_, k) => outcomes.get(`z${k}`))).toEqual(BOMB_FILES.map(() => 'typed:TOO_LONG'));
    // The run reached every format's decoder and the embedder, and used every mutation kind.
    for (const f of ['wav', 'flac', 'mp3', 'ogg']) expect(s.byFormat[f]?.outcomes.ok ?? 0).toBeGreaterThan(0);
    for (const k of MUTATION_KINDS) expect(s.byKind[k]?.cases ?? 0).toBeGreaterThan(0);
    expect(s.ok).toBe(true);
  });
});
