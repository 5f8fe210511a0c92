/**
 * Trial lists, VoxCeleb style: one trial a line, `LABEL ENROLL TEST`, LABEL 1 (same speaker) or
 * 0 (different), ENROLL one path or several joined by `+`. Paths are relative to a root folder
 * (by default the list's own folder); absolute paths are kept. Blank lines and `#` comments are
 * skipped. Paths cannot contain spaces (the fields are whitespace-separated).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, VoxprintError } from '../errors';

export interface Trial {
  /** 1 = target (same speaker), 0 = non-target. */
  label: 0 | 1;
  /** Absolute paths of the enrollment files (at least one). */
  enroll: string[];
  /** Absolute path of the test file. */
  test: string;
  /** 1-based line number in the list, for messages. */
  line: number;
}

export interface ParseTrialsOptions {
  /** Folder the paths are relative to. */
  root: string;
  /** Name of the list for messages (e.g. its file name). */
  source?: string;
}

/** Largest trial list accepted (lines); a sanity bound, not a real limit. */
export const MAX_TRIALS = 5_000_000;

/** Parses a trial list. Throws InvalidArgumentError naming the line for any malformed line or an empty list. */
export function parseTrials(text: string, opts: ParseTrialsOptions): Trial[] {
  const src = opts.source ?? 'trial list';
  const trials: Trial[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i].trim();
    if (s === '' || s.startsWith('#')) continue;
    const where = `${src}, line ${i + 1}`;
    const f = s.split(/\s+/);
    if (f.length !== 3)
      throw new InvalidArgumentError(
        `${where}: expected 3 fields "LABEL ENROLL TEST", found ${f.length} ("${s.slice(0, 80)}"). Paths cannot contain spaces.`,
        { subject: src },
      );
    if (f[0] !== '0' && f[0] !== '1')
      throw new InvalidArgumentError(`${where}: the label must be 1 (same speaker) or 0 (different), not "${f[0].slice(0, 20)}".`, {
        subject: src,
      });
    const parts = f[1].split('+');
    if (parts.some((p) => p === ''))
      throw new InvalidArgumentError(`${where}: empty path in the enrollment list "${f[1].slice(0, 80)}" (two '+' in a row?).`, {
        subject: src,
      });
    trials.push({
      label: f[0] === '1' ? 1 : 0,
      enroll: parts.map((p) => path.resolve(opts.root, p)),
      test: path.resolve(opts.root, f[2]),
      line: i + 1,
    });
    if (trials.length > MAX_TRIALS) throw new InvalidArgumentError(`${src} has more than ${MAX_TRIALS} trials.`, { subject: src });
  }
  if (trials.length === 0) throw new InvalidArgumentError(`${src} holds no trials. Each line should read "LABEL ENROLL TEST".`, { subject: src });
  return trials;
}

/** Reads and parses a trial file; `root` defaults to the file's folder. Throws FILE_NOT_FOUND or BAD_ARGUMENT. */
export function readTrialsFile(file: string, root?: string): Trial[] {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new InvalidArgumentError(`${file} is not a file. Give the path of a trial list.`, { subject: file });
    if (st.size > 1024 * 1024 * 1024) throw new InvalidArgumentError(`${file} is too large to be a trial list.`, { subject: file });
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof VoxprintError) throw e;
    throw new VoxprintError('FILE_NOT_FOUND', `Cannot read the trial list ${file}: ${(e as NodeJS.ErrnoException).code ?? e}. Check the path.`, {
      subject: file,
    });
  }
  return parseTrials(text, { root: root ?? path.dirname(path.resolve(file)), source: path.basename(file) });
}

/** The distinct files a list needs, in first-use order. */
export function trialFiles(trials: Trial[]): string[] {
  const seen = new Set<string>();
  for (const t of trials) {
    for (const e of t.enroll) seen.add(e);
    seen.add(t.test);
  }
  return [...seen];
}
