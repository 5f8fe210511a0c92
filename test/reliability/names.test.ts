/**
 * Speaker names are display text, never file names. Unicode, very long, path-like and duplicate
 * names go through enroll, rename, export/import and remove (engine and CLI); afterwards every
 * path in the store matches the fixed layout (random hex ids only) and nothing was written
 * outside the store folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { Engine, type AudioInput } from '../../src/engine';
import { VoxprintError } from '../../src/errors';
import { saveRandomModel } from '../cli/random-model';
import { walk } from './helpers/store-check';

const DATA = path.resolve('../shared/data');
const spk = '16307130302';
// One 3.5 s utterance is enough speech to enroll; its display name looks like a path.
const takes: AudioInput[] = [
  { bytes: new Uint8Array(fs.readFileSync(path.join(DATA, 'librispeech', 'test-other', '1688', '1688-142285-0002.flac'))), name: '../../take-07.flac' },
];

/** Root of this test's files; the store is two levels down so `../../x` would land back here. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-names-'));
const store = path.join(root, 'a', 'b', 'store');
const model = path.join(root, 'model');
let engine: Engine;

beforeAll(async () => {
  await saveRandomModel(model);
  engine = await Engine.open({ storeDir: store, modelDir: model });
});
afterAll(() => {
  engine?.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

const ACCEPTED = [
  'Zoë',
  '李雷',
  'مريم',
  '👩🏽‍💻 dev',
  'x'.repeat(100),
  '😀'.repeat(100), // 100 code points, 200 UTF-16 units
  '../../x',
  '/etc/passwd',
  'C:\\x',
  '..',
  '.',
  '~/x',
  'CON',
  'NUL',
  'a/b',
  'x/../../y',
  '%2e%2e%2fx',
  '$(rm -rf ~)',
  '<script>alert(1)</script>',
  '.hidden',
  '-rf',
];
const REJECTED = ['', '   ', 'a\0b', 'a\nb', 'tab\there', '\u202eevil', 'x'.repeat(101), '😀'.repeat(101), 'y'.repeat(100_000)];
/** Each collides with an accepted name: canonically equal, case, or compatibility forms. */
const DUPLICATES = ['Zoe\u0308', 'ZOË', 'Ｚｏë', '../../X', ' CON ', 'nul'];

const ALLOWED = [
  /^store\.json$/,
  /^settings\.json$/,
  /^profiles$/,
  /^profiles\/[0-9a-f]{16}$/,
  /^profiles\/[0-9a-f]{16}\/(profile\.json|rec-[0-9a-f]{12}\.wav)$/,
  /^trash$/,
  /^trash\/[0-9a-f]{16}-[0-9TZ-]+$/,
  /^trash\/[0-9a-f]{16}-[0-9TZ-]+\/(profile\.json|rec-[0-9a-f]{12}\.wav)$/,
];

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof VoxprintError) return e.code;
    throw e;
  }
}

describe('speaker names never become paths', () => {
  it('accepts Unicode, long and path-like names as plain text, and round-trips them exactly', async () => {
    for (const name of ACCEPTED) expect(await codeOf(engine.enroll(name, takes)), JSON.stringify(name)).toBe('ok');
    const names = engine.listSpeakers().map((s) => s.name);
    expect(names.sort()).toEqual([...ACCEPTED].sort());
    // The take's file name ("../../take-07.flac") is kept for display only.
    expect(engine.store.find('../../x')!.utterances[0].source).toBe('../../take-07.flac');
  });

  it('rejects empty, control-character, bidi-override and over-long names with BAD_ARGUMENT', async () => {
    for (const name of REJECTED) expect(await codeOf(engine.enroll(name, takes)), JSON.stringify(name.slice(0, 20))).toBe('BAD_ARGUMENT');
    expect(await codeOf(engine.enroll(42 as unknown as string, takes))).toBe('BAD_ARGUMENT');
    expect(await codeOf(engine.rename('Zoë', 'bad\u0000name'))).toBe('BAD_ARGUMENT');
  });

  it('refuses duplicates that differ only in case, normalisation or width', async () => {
    for (const name of DUPLICATES) expect(await codeOf(engine.enroll(name, takes)), name).toBe('SPEAKER_EXISTS');
    expect(await codeOf(engine.rename('李雷', 'zoe\u0308'))).toBe('SPEAKER_EXISTS');
  });

  it('renames, exports, imports and removes by path-like names without touching anything outside', async () => {
    await engine.rename('../../x', '../../../../../../tmp/evil');
    const bytes = await engine.exportProfile('/etc/passwd');
    const imported = await engine.importProfile(bytes, { name: 'C:\\Windows\\System32' });
    expect(imported.name).toBe('C:\\Windows\\System32');
    await engine.remove('../../../../../../tmp/evil', { purge: true });
    await engine.remove('/etc/passwd'); // to trash/
    await engine.remove('..', { purge: true });
    expect(engine.listSpeakers().map((s) => s.name)).not.toContain('..');
    expect(engine.listSpeakers().map((s) => s.name)).toContain('.');
  });

  it('the CLI takes the same names (in-process, so a NUL byte can be passed)', async () => {
    const files = ['07', '17', '19'].map((w) => path.join(DATA, 'dspspeech20', spk, `${spk}-${w}-18.flac`));
    const io = (): CliIo & { err: () => string } => {
      let err = '';
      return { stdout: () => {}, stderr: (t) => void (err += t), stderrIsTTY: false, env: process.env, err: () => err };
    };
    const g = ['--store', store, '--model', model];
    const ok = io();
    expect(await main([...g, 'enroll', '../../cli-x', ...files], ok), ok.err()).toBe(0);
    const nul = io();
    expect(await main([...g, 'enroll', 'nul\0byte', ...files], nul)).toBe(2);
    expect(nul.err()).toMatch(/control characters/);
    expect(await main([...g, 'rename', '../../cli-x', '/root/.ssh/authorized_keys'], io())).toBe(0);
    expect(await main([...g, 'remove', '/root/.ssh/authorized_keys', '--purge'], io())).toBe(0);
  });

  it('leaves only random-id paths in the store and nothing outside it', () => {
    const inStore = walk(store);
    const odd = inStore.filter((p) => !ALLOWED.some((re) => re.test(p.split(path.sep).join('/'))));
    expect(odd).toEqual([]);
    // Nothing was created next to or above the store (where ../../x and friends would land).
    expect(walk(root).filter((p) => !p.startsWith(`a${path.sep}b${path.sep}store`) && !p.startsWith('model'))).toEqual(['a', `a${path.sep}b`]);
    expect(fs.readdirSync(path.join(root, 'a', 'b'))).toEqual(['store']);
    // No path component in the store contains any part of a name.
    for (const p of inStore) for (const part of p.split(path.sep)) expect(part).toMatch(/^(store\.json|settings\.json|profiles|trash|profile\.json|rec-[0-9a-f]{12}\.wav|[0-9a-f]{16}(-[0-9TZ-]+)?)$/);
  });
});
