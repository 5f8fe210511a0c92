import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectFolder } from '../../src/api/folders';

const root = mkdtempSync(join(tmpdir(), 'vp-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('inspectFolder', () => {
  it('counts speakers and audio files and names the problems', () => {
    for (const [spk, n] of [['ann', 3], ['bob', 1], ['empty', 0]] as const) {
      mkdirSync(join(root, spk));
      for (let i = 0; i < n; i++) writeFileSync(join(root, spk, `${i}.wav`), 'x');
    }
    writeFileSync(join(root, 'ann', 'notes.txt'), 'x');
    writeFileSync(join(root, 'loose.flac'), 'x');
    const r = inspectFolder(root);
    expect(r).toMatchObject({ speakers: 2, files: 4 });
    expect(r.problems.join(' ')).toMatch(/directly in the folder/);
    expect(r.problems.join(' ')).toMatch(/single file.*bob/);
  });
  it('refuses relative paths and missing folders with a typed error', () => {
    expect(() => inspectFolder('voices')).toThrow(/full path/);
    expect(() => inspectFolder(join(root, 'nope'))).toThrow(/no readable folder/);
  });
});
