/**
 * Malformed command lines: every one exits with code 2 and one plain-words line on stderr
 * ("voxprint: ..."), never a stack trace or an internal error, and with --json prints one
 * {error: {code, message}} object whose code says what was wrong. None of them changes a store.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { saveRandomModel } from '../cli/random-model';
import { walk } from './helpers/store-check';

const DATA = path.resolve('../shared/data');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-args-'));
const model = path.join(tmp, 'model');
const store = path.join(tmp, 'store');
const flac = path.join(DATA, 'dspspeech20', '16307130302', '16307130302-07-18.flac');
const text = path.join(tmp, 'notes.txt');
const empty = path.join(tmp, 'empty.wav');
const foreign = path.join(tmp, 'foreign');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, env: process.env };
  return { code: await main(argv, io), out, err };
}

beforeAll(async () => {
  await saveRandomModel(model);
  fs.writeFileSync(text, 'not audio\n');
  fs.writeFileSync(empty, '');
  fs.mkdirSync(foreign);
  fs.writeFileSync(path.join(foreign, 'thesis.docx'), 'x');
  const r = await run(['--store', store, '--model', model, 'enroll', 'Known', flac, flac.replace('-07-', '-17-')]);
  expect(r.code, r.err).toBe(0);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const g = () => ['--store', store, '--model', model];

/** [arguments, what the message must say] */
const BAD: [string[], RegExp][] = [
  [['frobnicate'], /Unknown command "frobnicate"/],
  [['enroll'], /Missing arguments: usage is "voxprint enroll NAME FILE\.\.\."/],
  [['enroll', 'X'], /Missing arguments/],
  [['verify', 'X'], /Missing arguments/],
  [['verify', 'a', 'b', 'c'], /Too many arguments/],
  [['identify'], /Missing arguments/],
  [['list', 'extra'], /Too many arguments/],
  [['list', '--nope'], /Unknown option '--nope'/],
  [['rename', 'Known'], /Missing arguments/],
  [['remove'], /Missing arguments/],
  [['--store'], /--store/],
  [['--store=', 'list'], /--store needs a value/],
  [['identify', flac, '--top', '0'], /--top must be a whole number from 1/],
  [['identify', flac, '--top', 'abc'], /--top must be a whole number/],
  [['identify', flac, '--top', '1.5'], /--top must be a whole number/],
  [['identify', flac, '--top', '-3'], /--top/],
  [['identify', flac, '--top'], /--top/],
  [['enroll', 'X', path.join(tmp, 'missing.wav')], /missing\.wav: no such file/],
  [['enroll', 'X', tmp], /not a file|folder/],
  [['enroll', 'X', text], /not a recognised audio file/],
  [['enroll', 'X', empty], /empty/],
  [['enroll', '', flac], /name cannot be empty/],
  [['enroll', 'bad\u202ename', flac], /control characters or text-direction overrides/],
  [['enroll', 'Known', flac, flac], /already enrolled/],
  [['enroll', 'Nobody', '--append', flac], /No speaker called "Nobody"/],
  [['verify', 'Nobody', flac], /No speaker called "Nobody"/],
  [['export', 'Nobody'], /No speaker called "Nobody"/],
  [['rename', 'Known', ''], /cannot be empty/],
  [['import', path.join(tmp, 'missing.json')], /missing\.json: cannot be read/],
  [['import', text], /not a voxprint profile export/],
  [['threshold', 'abc'], /number from -1 to 1/],
  [['threshold', '2'], /number from -1 to 1/],
  [['threshold', 'NaN'], /number from -1 to 1/],
  [['eval'], /--trials/],
  [['eval', '--trials', path.join(tmp, 'none.txt')], /none\.txt/],
  [['eval', '--trials', path.join(DATA, 'dsp-dev.trials.txt'), '--limit', 'x'], /--limit must be a whole number/],
  [['train'], /--out/],
  [['train', '--out', path.join(tmp, 'm2'), '--loss', 'bogus'], /bogus|loss/],
  [['train', '--out', path.join(tmp, 'm2'), '--lr', 'fast'], /lr|learning rate/],
];

describe('CLI argument validation', () => {
  it.each(BAD)('%j exits 2 with a clear message', async (args, message) => {
    const before = walk(store);
    const r = await run([...g(), ...args]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/^voxprint: /);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at |Internal error|This is a bug/);
    expect(walk(store)).toEqual(before);
  });

  it('with --json, each bad invocation prints one error object with a user-facing code', async () => {
    for (const [args] of BAD) {
      const r = await run(['--json', ...g(), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      const j = JSON.parse(r.out) as { error: { code: string; message: string } };
      expect(j.error.code, args.join(' ')).not.toBe('INTERNAL');
      expect(j.error.message.length).toBeGreaterThan(10);
    }
  });

  it('refuses a store path that is a file or a folder of other things, and a missing model', async () => {
    const cases: [string[], RegExp][] = [
      [['--store', text, '--model', model, 'list'], /is a file, not a folder/],
      [['--store', foreign, '--model', model, 'list'], /not a voxprint profile store/],
      [['--store', store, '--model', path.join(tmp, 'no-model'), 'verify', 'Known', flac], /model/i],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    expect(fs.readdirSync(foreign)).toEqual(['thesis.docx']);
  });
});
