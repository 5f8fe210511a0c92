/**
 * Crash safety: a writer process is SIGKILLed at random points while it creates, appends to,
 * renames and removes profiles. After each kill the store must open without damaged profiles,
 * every change the writer reported as committed must be there with its recordings intact, and the
 * dead writer's lock must not block the next writer.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfileStore } from '../../src/speakers/store';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-kill-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const WRITER = `
import { ProfileStore } from ${JSON.stringify(path.resolve('src/speakers/store.ts'))};
const [dir, tag] = process.argv.slice(2);
const s = await ProfileStore.open(dir, { lock: { timeoutMs: 30000 } });
const utt = (i) => ({ wav: new Uint8Array(200000).fill(i & 255), source: 'take' + i + '.wav', durationSec: 6, speechSec: 5, embedding: new Float32Array(64).fill(0.125) });
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
say({ op: 'ready' });
for (let i = 0; ; i++) {
  const name = tag + '-' + i;
  await s.create(name, 'm', [utt(i), utt(i + 1)]); say({ op: 'create', name, utts: 2 });
  await s.append(name, 'm', [utt(i + 2)]); say({ op: 'append', name, utts: 3 });
  if (i % 3 === 1) { await s.rename(name, name + 'r'); say({ op: 'rename', name, to: name + 'r' }); }
  if (i % 3 === 2) { await s.remove(name, { purge: i % 2 === 0 }); say({ op: 'remove', name }); }
}
`;

function killDuringWrites(dir: string, tag: string, delayMs: number): Promise<{ op: string; name?: string; to?: string; utts?: number }[]> {
  const script = path.join(tmp, 'writer.mts');
  fs.writeFileSync(script, WRITER);
  return new Promise((resolve) => {
    // node itself, with tsx as a loader: the tsx CLI would run the writer in a child process that
    // outlives a SIGKILL sent to the wrapper.
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir, tag], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d) => {
      buf += d;
      if (!timer && buf.includes('"ready"')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', () => {
      // only whole lines were reported; a torn last line was not committed-and-reported
      const lines = buf.split('\n').slice(0, -1);
      resolve(lines.map((l) => JSON.parse(l)));
    });
  });
}

describe('store under SIGKILL', () => {
  it('keeps every committed change intact across random kills', async () => {
    const dir = path.join(tmp, 'store');
    const expected = new Map<string, number>(); // name -> least number of takes
    let rnd = 12345;
    const next = () => ((rnd = (rnd * 1103515245 + 12345) >>> 0) % 1000) / 1000;
    const kills = 6;
    for (let k = 0; k < kills; k++) {
      const log = await killDuringWrites(dir, `k${k}`, Math.floor(30 + next() * 400));
      for (const e of log) {
        if (e.op === 'create' || e.op === 'append') expected.set(e.name!, e.utts!);
        if (e.op === 'rename') {
          expected.set(e.to!, expected.get(e.name!)!);
          expected.delete(e.name!);
        }
        if (e.op === 'remove') expected.delete(e.name!);
      }
      // Only the change in flight at the kill can have committed unreported: after the append of
      // every third speaker (i % 3 === 2) that is its removal, so that speaker may be gone.
      const lastEntry = log.at(-1);
      const mayBeRemoved = lastEntry?.op === 'append' && Number(lastEntry.name!.split('-').at(-1)) % 3 === 2 ? lastEntry.name : undefined;
      const s = await ProfileStore.open(dir);
      expect(s.problems, `after kill ${k}`).toEqual([]);
      for (const [name, utts] of expected) {
        const p = s.find(name) ?? s.find(`${name}r`); // a rename may have committed unreported
        if (!p && name === mayBeRemoved) {
          expected.delete(name);
          continue;
        }
        expect(p, `${name} after kill ${k}`).toBeDefined();
        expect(p!.utterances.length).toBeGreaterThanOrEqual(utts);
        for (const u of p!.utterances) expect(s.readRecording(p!, u).length).toBe(200000);
      }
      // the dead writer's lock (if it held one) does not block the next writer
      await s.setThreshold(0.5);
    }
    const left = fs.readdirSync(path.join(dir, 'profiles'));
    expect(left.every((e) => /^[0-9a-f]{16}$/.test(e) || e.startsWith('.tmp-'))).toBe(true);
  }, 120_000);
});
