import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrials, readTrialsFile, trialFiles } from '../../src/eval/trials';

describe('trial lists', () => {
  it('parses labels, multi-file enrollment and paths relative to the root', () => {
    const t = parseTrials('# comment\n1 a/x.wav+a/y.wav a/z.wav\n\n0 b/q.flac /abs/t.wav\r\n', { root: '/data' });
    expect(t).toHaveLength(2);
    expect(t[0]).toEqual({ label: 1, enroll: ['/data/a/x.wav', '/data/a/y.wav'], test: '/data/a/z.wav', line: 2 });
    expect(t[1]).toMatchObject({ label: 0, enroll: ['/data/b/q.flac'], test: '/abs/t.wav', line: 4 });
    expect(trialFiles(t)).toEqual(['/data/a/x.wav', '/data/a/y.wav', '/data/a/z.wav', '/data/b/q.flac', '/abs/t.wav']);
  });

  it('names the line of a malformed trial', () => {
    const bad = (text: string) => () => parseTrials(text, { root: '/', source: 'list.txt' });
    expect(bad('1 a.wav b.wav\n2 a.wav b.wav')).toThrow(/list\.txt, line 2: the label must be 1/);
    expect(bad('1 a.wav')).toThrow(/line 1: expected 3 fields/);
    expect(bad('1 a.wav b.wav c.wav')).toThrow(/found 4/);
    expect(bad('1 a.wav++b.wav c.wav')).toThrow(/empty path/);
    expect(bad('\n# only comments\n')).toThrow(/holds no trials/);
    try {
      bad('x a b')();
    } catch (e) {
      expect((e as { code: string }).code).toBe('BAD_ARGUMENT');
    }
  });

  it('reads a file with the root defaulting to its folder, and reports a missing file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-trials-'));
    try {
      fs.writeFileSync(path.join(dir, 'l.txt'), '1 s1/a.wav s1/b.wav\n');
      expect(readTrialsFile(path.join(dir, 'l.txt'))[0].test).toBe(path.join(dir, 's1', 'b.wav'));
      expect(readTrialsFile(path.join(dir, 'l.txt'), '/elsewhere')[0].test).toBe('/elsewhere/s1/b.wav');
      expect(() => readTrialsFile(path.join(dir, 'missing.txt'))).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }));
      expect(() => readTrialsFile(dir)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('parses the shared dev lists with the documented counts', () => {
    const counts = { dsp: [720, 360], libri: [600, 300], arabic: [720, 360] } as const;
    for (const [k, [n, tar]] of Object.entries(counts)) {
      const t = readTrialsFile(path.resolve(`../shared/data/${k}-dev.trials.txt`));
      expect(t).toHaveLength(n);
      expect(t.filter((x) => x.label === 1)).toHaveLength(tar);
      for (const f of trialFiles(t).slice(0, 5)) expect(fs.existsSync(f)).toBe(true);
    }
  });
});
