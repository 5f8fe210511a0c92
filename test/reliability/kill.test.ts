/**
 * SIGKILL at random points during enroll, append, remove, purge, model switch and re-embed. After
 * every kill the store must open with no damaged profile, every profile committed before the kill
 * must be byte-for-byte the same (digest of ids, recording hashes, embeddings, centroid), and the
 * change in flight must be either not there at all or there completely. The next writer must
 * recover the dead process's lock and sweep its leftovers.
 *
 * Three layers, all with a fixed seed (VOXPRINT_KILL_SEED):
 * - the store driver (a child running ProfileStore changes back to back on real WAVs) is killed
 *   at a random moment: cheap, so many kill points (VOXPRINT_STORE_KILLS, default 14);
 * - the real CLI (bin/voxprint.js) is killed shortly after it takes the writer lock, or at a
 *   random moment during start-up (VOXPRINT_CLI_KILLS, default 6): enroll, append, remove, purge,
 *   re-embed under another --model, and verify under another --model (a lazy re-embed);
 * - a model version switch (src/model/registry.ts switchModel, what the app's "use this model"
 *   runs) is killed while it re-embeds, commits or promotes (VOXPRINT_SWITCH_KILLS, default 4).
 * Raise both by hand for a long run; docs/reliability.md has the figures.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { makeRng } from '../../src/util/rng';
import { embeddingsFor, ProfileStore } from '../../src/speakers/store';
import { saveRandomModel } from '../cli/random-model';
import { runAndKill, type KillRun } from './helpers/kill';
import { ModelRegistry, MODELS_STATE_FILE, switchModel } from '../../src/model/registry';
import { modelDigest, readState, tempLeftovers, unreferencedRecordings, walk, type ProfileState, type StoreState } from './helpers/store-check';

const DATA = path.resolve('../shared/data');
const STORE_KILLS = Number(process.env.VOXPRINT_STORE_KILLS ?? 14);
const CLI_KILLS = Number(process.env.VOXPRINT_CLI_KILLS ?? 6);
const SWITCH_KILLS = Number(process.env.VOXPRINT_SWITCH_KILLS ?? 4);
const SEED = Number(process.env.VOXPRINT_KILL_SEED ?? 5);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-kill-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const TSX = ['--import', 'tsx'];

/** What the change in flight may have left: the profile before, after, or gone. */
interface InFlight {
  op: string;
  target?: string;
  /** For create/enroll: the new profile's name and take count. */
  name?: string;
  n?: number;
  /** For re-embeds: the model it moves to. */
  to?: string;
}

/**
 * Compares the store after a kill with `before`, the state after the last committed change, given
 * the change that was in flight (`flight`, possibly half-done). Returns what is wrong.
 */
function judge(before: Map<string, ProfileState>, after: StoreState, flight: InFlight | undefined): string[] {
  const bad = [...after.problems.map((p) => `damaged profile: ${p}`), ...after.inconsistencies];
  for (const [id, b] of before) {
    const a = after.profiles.get(id);
    if (a && a.digest === b.digest) continue;
    const t = flight && (flight.target === id || flight.target === '*');
    if (!t) {
      bad.push(a ? `${b.name} changed although nothing was changing it` : `${b.name} was lost`);
      continue;
    }
    if (!a) {
      if (!['remove', 'purge'].includes(flight!.op)) bad.push(`${b.name} vanished during ${flight!.op}`);
      continue;
    }
    const sameUtts = a.uttIds.join() === b.uttIds.join();
    const prefix = b.uttIds.every((u, i) => a.uttIds[i] === u);
    switch (flight!.op) {
      case 'append':
        // The CLI re-embeds a stale profile before appending: both steps are separate commits.
        if (!(prefix && a.uttIds.length >= b.uttIds.length)) bad.push(`${b.name}: append lost utterances`);
        break;
      case 'reembed':
        if (!sameUtts || (flight!.to && a.modelId !== flight!.to)) bad.push(`${b.name}: re-embed left ${a.modelId} with utterances ${a.uttIds.length}/${b.uttIds.length}`);
        break;
      case 'rename':
        if (!sameUtts || a.modelId !== b.modelId) bad.push(`${b.name}: rename changed more than the name`);
        break;
      default:
        bad.push(`${b.name} changed during ${flight!.op}`);
    }
  }
  for (const [id, a] of after.profiles) {
    if (before.has(id)) continue;
    if (!(flight && ['create', 'enroll'].includes(flight.op) && a.name === flight.name && a.uttIds.length === flight.n))
      bad.push(`unexpected profile ${a.name} (${a.uttIds.length} takes) after ${flight?.op ?? 'no change'}`);
  }
  return bad;
}

/** Replays the driver's begin/commit lines onto `state`; returns the change left in flight. */
function replay(state: Map<string, ProfileState>, stdout: string): { flight?: InFlight; commits: number } {
  let flight: InFlight | undefined;
  let commits = 0;
  for (const line of stdout.split('\n')) {
    const [kind, op, id, ...rest] = line.split(' ');
    const info = rest.join(' ');
    if (kind === 'begin') {
      const j = JSON.parse(info) as { name?: string; n?: number; to?: string };
      flight = { op, target: id === '-' ? undefined : id, name: j.name, n: j.n, to: j.to };
    } else if (kind === 'commit') {
      commits++;
      flight = undefined;
      if (op === 'threshold') continue;
      if (info === 'gone') state.delete(id);
      else state.set(id, JSON.parse(info) as ProfileState);
    } else if (kind === 'error') throw new Error(`store driver failed: ${line}`);
  }
  return { flight, commits };
}

describe('SIGKILL during store changes (store driver)', () => {
  it(`${STORE_KILLS} kills at random points: committed profiles intact, the change in flight all or nothing`, async () => {
    const dir = path.join(tmp, 'driver-store');
    const wavs = ['00000001-backward-01', '00000001-cancel-01'].map((w) => path.join(DATA, 'arabic-speech-commands', '00000001', `${w}.wav`));
    const rng = makeRng(SEED);
    let committed = new Map<string, ProfileState>();
    let totalCommits = 0;
    const inFlight: Record<string, number> = {};
    for (let k = 0; k < STORE_KILLS; k++) {
      // One kill in six lands in start-up (the first one: while a new store is being created).
      const at = k === 0 || rng.next() < 1 / 6 ? { afterSpawnMs: 100 + rng.int(700) } : { afterLine: 'ready', delayMs: rng.int(400) };
      const r = await runAndKill([...TSX, 'test/reliability/helpers/store-driver.ts', dir, String(SEED * 1000 + k), ...wavs], at);
      expect(r.killed, `driver exited by itself: ${r.stderr}`).toBe(true);
      const expected = new Map(committed);
      const { flight, commits } = replay(expected, r.stdout);
      totalCommits += commits;
      const label = flight?.op ?? (r.stdout.includes('ready') ? 'between changes' : 'start-up');
      inFlight[label] = (inFlight[label] ?? 0) + 1;
      if (!fs.existsSync(path.join(dir, 'store.json')) && !fs.existsSync(path.join(dir, 'profiles'))) continue; // nothing written yet
      const after = await readState(dir);
      const bad = judge(expected, after, flight);
      expect(bad, `kill ${k} during ${label}: ${bad.join('; ')}`).toEqual([]);
      committed = after.profiles;
    }
    // The kills hit changes of several kinds, and the driver did real work between them.
    expect(Object.keys(inFlight).length).toBeGreaterThanOrEqual(Math.min(4, STORE_KILLS));
    expect(totalCommits).toBeGreaterThan(STORE_KILLS);
    // The next writer breaks the dead process's lock and sweeps the leftovers in profiles/; the
    // next change to a profile sweeps what a crashed change left in its folder.
    const s = await ProfileStore.open(dir, { lock: { timeoutMs: 2000 } });
    await s.setThreshold(0.5);
    expect(fs.existsSync(path.join(dir, '.lock'))).toBe(false);
    expect(tempLeftovers(dir).filter((p) => !p.includes(path.sep))).toEqual([]);
    for (const p of s.list()) await s.rename(p.id, `${p.name.slice(0, 80)}!`);
    expect(tempLeftovers(dir)).toEqual([]);
    expect(unreferencedRecordings(dir, await readState(dir))).toEqual([]);
    console.log(`store driver: ${STORE_KILLS} kills, ${totalCommits} changes committed between them; at the kill: ${JSON.stringify(inFlight)}`);
  });
});

// ---- the CLI -------------------------------------------------------------------------------------

const dsp = (spk: string, word: string, round: string) => path.join(DATA, 'dspspeech20', spk, `${spk}-${word}-${round}.flac`);
const SPK = ['16307130302', '15307110252', '15307130191', '16307110134'];
const takesOf = (s: string, round = '18') => ['07', '17', '19'].map((w) => dsp(s, w, round));

async function cli(...argv: string[]): Promise<{ code: number; err: string; out: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, env: process.env };
  return { code: await main(argv, io), out, err };
}

describe('SIGKILL of the CLI during enroll, remove, model switch and re-embed', () => {
  const store = path.join(tmp, 'cli-store');
  const models = { a: path.join(tmp, 'model-a'), b: path.join(tmp, 'model-b') };

  beforeAll(async () => {
    await saveRandomModel(models.a, 'kill-model-a', 3);
    await saveRandomModel(models.b, 'kill-model-b', 4);
    for (const [i, s] of SPK.slice(0, 2).entries()) {
      const r = await cli('--store', store, '--model', models.a, 'enroll', `Base ${i}`, ...takesOf(s));
      expect(r.code, r.err).toBe(0);
    }
  });

  it(`${CLI_KILLS} kills: the store loads and committed profiles are intact`, async () => {
    const rng = makeRng(SEED + 1);
    const purged: string[] = [];
    const seen: string[] = [];
    let model: 'a' | 'b' = 'a';
    for (let k = 0; k < CLI_KILLS; k++) {
      // Keep two speakers to work on: removals and killed enrolls would otherwise leave only
      // enrolls to do (the refill is not killed).
      if ((await readState(store)).profiles.size < 2) {
        const refill = await cli('--store', store, '--model', models[model], 'enroll', `Refill ${k}`, ...takesOf(SPK[1 + (k % 3)]));
        expect(refill.code, refill.err).toBe(0);
      }
      const before = await readState(store);
      const list = [...before.profiles.values()];
      const pick = list[rng.int(list.length)];
      const other: 'a' | 'b' = model === 'a' ? 'b' : 'a';
      // Cycle through the operations so that every one is hit even in a short run.
      const kinds = ['enroll', 'reembed', 'remove', 'append', 'verify', 'purge'] as const;
      const kind = kinds[k % kinds.length];
      let argv: string[];
      let flight: InFlight;
      if (kind === 'enroll') {
        const name = `Kill ${k}`;
        argv = ['--model', models[model], 'enroll', name, ...takesOf(SPK[2 + (k % 2)], '10')];
        flight = { op: 'enroll', name, n: 3 };
      } else if (kind === 'append') {
        argv = ['--model', models[model], 'enroll', pick.id, '--append', dsp(SPK[3], '03', '10'), dsp(SPK[3], '05', '10')];
        flight = { op: 'append', target: pick.id };
      } else if (kind === 'remove' || kind === 'purge') {
        argv = ['--model', models[model], 'remove', pick.id, ...(kind === 'purge' ? ['--purge'] : [])];
        flight = { op: kind, target: pick.id };
      } else if (kind === 'reembed') {
        // The model switch: every profile moves to the other model, one commit per profile.
        model = other;
        argv = ['--model', models[model], 'reembed'];
        flight = { op: 'reembed', target: '*', to: `kill-model-${model}` };
      } else {
        // verify under the other model re-embeds that one speaker first (lazily).
        model = other;
        argv = ['--model', models[model], 'verify', pick.id, dsp(SPK[0], '12', '10')];
        flight = { op: 'reembed', target: pick.id, to: `kill-model-${model}` };
      }
      // Most kills land just after the lock is taken (inside the write); some anywhere in start-up.
      // One change holds the lock for a few ms (fsyncs included); a re-embed takes it once per
      // profile, with embedding work in between.
      const at = rng.next() < 0.2 ? { afterSpawnMs: 200 + rng.int(1000) } : { afterLockMs: kind === 'reembed' ? rng.int(300) : rng.int(6), storeDir: store };
      const r: KillRun = await runAndKill(['bin/voxprint.js', '--store', store, ...argv], at);
      seen.push(`${kind}:${r.killed ? ("afterLockMs" in at ? "in-write" : "start-up") : `done(${r.code})`} ${r.ms.toFixed(0)}ms`);
      if (!r.killed) expect(r.code, r.stderr).toBe(0);
      const after = await readState(store);
      const bad = judge(before.profiles, after, flight);
      expect(bad, `kill ${k} during ${kind}: ${bad.join('; ')}`).toEqual([]);
      // A purge that got past its commit (the profile is gone) must end with nothing of it on disk.
      if (kind === 'purge' && !after.profiles.has(pick.id)) purged.push(pick.id);
    }
    // Most kills landed inside a write (not before it or after the process was done).
    expect(seen.filter((x) => x.includes('in-write')).length).toBeGreaterThanOrEqual(Math.floor(CLI_KILLS / 3));
    // The next writer recovers the lock of the last killed process and sweeps its leftovers.
    const fin = await cli('--store', store, '--model', models[model], 'reembed');
    expect(fin.code, fin.err).toBe(0);
    // (reembed writes only when something is stale; a threshold change always takes the lock.)
    expect((await cli('--store', store, '--model', models[model], 'threshold', '0.5')).code).toBe(0);
    expect(fs.existsSync(path.join(store, '.lock'))).toBe(false);
    expect(tempLeftovers(store).filter((p) => !p.includes(path.sep))).toEqual([]);
    // A completed or swept purge leaves nothing of that speaker anywhere in the store.
    const left = walk(store).filter((p) => purged.some((id) => p.includes(id)));
    expect(left).toEqual([]);
    console.log(`CLI kills: ${seen.join(', ')}`);
  });
});

describe('SIGKILL during a model version switch', () => {
  const store = path.join(tmp, 'switch-store');
  const builtin = path.join(tmp, 'switch-builtin');

  beforeAll(async () => {
    await saveRandomModel(builtin, 'sw-base', 3);
    for (const [i, s] of SPK.slice(0, 3).entries()) {
      const r = await cli('--store', store, '--model', builtin, 'enroll', `Switch ${i}`, ...takesOf(s));
      expect(r.code, r.err).toBe(0);
    }
  });

  it(`${SWITCH_KILLS} kills: before the commit the old model's embeddings are untouched, after it nothing is missing`, async () => {
    const rng = makeRng(SEED + 2);
    const reg = new ModelRegistry({ storeDir: store, builtinDir: builtin });
    const seen: string[] = [];
    for (let k = 0; k < SWITCH_KILLS; k++) {
      const from = (await reg.activeId())!;
      // Alternate: a new version (every profile re-embedded) and back to the built-in model
      // (its embeddings were kept: promotion only).
      const fresh = from === 'sw-base' || k % 2 === 0;
      const target = fresh ? `sw-v${k}` : 'sw-base';
      if (fresh) await saveRandomModel(reg.userModelDir(target), target, 20 + k);
      const before = await readState(store);
      const r = await runAndKill([...TSX, 'test/reliability/helpers/switch-model.ts', store, builtin, target], { afterLine: 'ready', delayMs: rng.int(fresh ? 1500 : 60) });
      const stateFile = path.join(store, MODELS_STATE_FILE);
      if (fs.existsSync(stateFile)) expect(() => JSON.parse(fs.readFileSync(stateFile, 'utf8')), 'app-models.json is whole').not.toThrow();
      const to = await reg.activeId();
      seen.push(`${from}->${target}:${r.killed ? (to === target ? 'killed-after-commit' : 'killed-before-commit') : 'done'}`);
      if (!r.killed) expect(r.stdout, r.stderr).toMatch(/^done/m);
      const after = await readState(store);
      expect(after.problems).toEqual([]);
      expect(after.inconsistencies).toEqual([]);
      expect([...after.profiles.keys()].sort()).toEqual([...before.profiles.keys()].sort());
      expect(to === from || to === target, `active model ${to}`).toBe(true);
      for (const [id, b] of before.raw) {
        const a = after.raw.get(id)!;
        expect(a.utterances.map((u) => u.id)).toEqual(b.utterances.map((u) => u.id));
        // The model in use before keeps its embeddings either way (a roll back needs them) ...
        expect(modelDigest(a, from), `${b.name}: ${from}'s embeddings`).toBe(modelDigest(b, from));
        // ... and once the switch committed, every profile has the new model's.
        if (to === target) expect(modelDigest(a, target), `${b.name} has no ${target} embeddings after the commit`).toBeDefined();
      }
    }
    // The engine, opened with no --model, uses the version in use and can verify with it.
    const saved = process.env.VOXPRINT_MODEL;
    process.env.VOXPRINT_MODEL = builtin;
    try {
      const v = await cli('--store', store, '--json', 'verify', 'Switch 0', dsp(SPK[0], '12', '10'));
      expect(v.code, v.err).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.VOXPRINT_MODEL;
      else process.env.VOXPRINT_MODEL = saved;
    }
    console.log(`switch kills: ${seen.join(', ')}`);
  });

  it('switches that stop before their commit never evict the embeddings of the model in use', async () => {
    // What the kills above can reach by chance, made deterministic: a switch back to the built-in
    // model commits but its promotion does not run, then eight switch attempts stop after
    // preparing (here: cancelled). Each keeps one more entry; kept entries are capped at 8.
    const dir = path.join(tmp, 'evict-store');
    const r = await cli('--store', dir, '--model', builtin, 'enroll', 'Evict', ...takesOf(SPK[0]));
    expect(r.code, r.err).toBe(0);
    const reg = new ModelRegistry({ storeDir: dir, builtinDir: builtin });
    const s = await ProfileStore.open(dir);
    await saveRandomModel(reg.userModelDir('ev-0'), 'ev-0', 30);
    await switchModel(reg, s, 'ev-0');
    reg.save(null, 'ev-0'); // the built-in model is in use again; the profile still has ev-0 as its own
    for (let k = 1; k <= 8; k++) {
      await saveRandomModel(reg.userModelDir(`ev-${k}`), `ev-${k}`, 30 + k);
      const ac = new AbortController();
      await expect(switchModel(reg, s, `ev-${k}`, { signal: ac.signal, onProgress: () => ac.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    }
    s.refresh();
    expect(await reg.activeId()).toBe('sw-base');
    expect(embeddingsFor(s.get('Evict'), 'sw-base'), 'the model in use lost its embeddings').toBeDefined();
  });
});
