/**
 * Child process for the kill test: runs random profile-store changes (create, append, remove,
 * purge, re-embed under another model, rename, threshold) on real WAV recordings, one after the
 * other, until it is killed. Before each change it writes `begin OP TARGET INFO` and after it
 * `commit OP ID STATE` to stdout with a synchronous write, so the parent knows exactly which
 * changes were committed before the SIGKILL and which one was in flight.
 *
 *   node --import tsx test/reliability/helpers/store-driver.ts STORE_DIR SEED WAV...
 *
 * DRIVER_OWN_ONLY=1 makes it touch only the profiles it created (names tagged with SEED), and
 * DRIVER_PAUSE_MS pauses between changes, so it can play "the app" next to CLI writers.
 */
import * as fs from 'node:fs';
import { makeRng } from '../../../src/util/rng';
import { ProfileStore, type NewUtterance } from '../../../src/speakers/store';
import { digestOf } from './store-check';
import type { Profile } from '../../../src/speakers/store';

const [dir, seedArg, ...wavFiles] = process.argv.slice(2);
const rng = makeRng(Number(seedArg));
const wavs = wavFiles.map((f) => new Uint8Array(fs.readFileSync(f)));
const say = (line: string) => fs.writeSync(1, `${line}\n`);
/** The committed state of a profile, as the parent's ProfileState. */
const state = (p: Profile) => JSON.stringify({ id: p.id, name: p.name, modelId: p.modelId, uttIds: p.utterances.map((u) => u.id), digest: digestOf(p) });
const OWN_ONLY = process.env.DRIVER_OWN_ONLY === '1';
const PAUSE_MS = Number(process.env.DRIVER_PAUSE_MS ?? 0);
const MODELS = [
  { id: 'drv-a', dim: 16 },
  { id: 'drv-b', dim: 24 },
];

function unit(dim: number): Float32Array {
  const v = Float32Array.from({ length: dim }, () => rng.next() * 2 - 1);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function takes(n: number, dim: number): NewUtterance[] {
  return Array.from({ length: n }, () => ({
    wav: wavs[rng.int(wavs.length)],
    source: `take-${rng.int(1000)}.wav`,
    durationSec: 1,
    speechSec: 0.8,
    embedding: unit(dim),
  }));
}

const NAMES = ['Anna', 'Zoë', '李雷', 'Ωmega', '../../x', 'O\'Brien', 'speaker with a long name that goes on'];

async function main(): Promise<void> {
  const store = await ProfileStore.open(dir, { lock: { timeoutMs: 20_000, holder: 'store-driver' } });
  say('ready');
  for (let k = 0; ; k++) {
    store.refresh();
    if (PAUSE_MS) await new Promise((r) => setTimeout(r, PAUSE_MS));
    const all = store.list().filter((q) => !OWN_ONLY || q.name.includes(` ${seedArg}-`));
    const r = rng.next();
    const p = all.length ? all[rng.int(all.length)] : undefined;
    if (!p || (r < 0.3 && all.length < 8)) {
      const name = `${NAMES[rng.int(NAMES.length)]} ${seedArg}-${k}`;
      const model = MODELS[rng.int(2)];
      const n = 1 + rng.int(3);
      say(`begin create - ${JSON.stringify({ name, n })}`);
      const q = await store.create(name, model.id, takes(n, model.dim));
      say(`commit create ${q.id} ${state(q)}`);
    } else if (r < 0.45) {
      const n = 1 + rng.int(2);
      say(`begin append ${p.id} ${JSON.stringify({ n })}`);
      const q = await store.append(p.id, p.modelId, takes(n, p.dim));
      say(`commit append ${q.id} ${state(q)}`);
    } else if (r < 0.6 || all.length >= 8) {
      const purge = rng.next() < 0.5;
      say(`begin ${purge ? 'purge' : 'remove'} ${p.id} {}`);
      await store.remove(p.id, { purge });
      say(`commit ${purge ? 'purge' : 'remove'} ${p.id} gone`);
    } else if (r < 0.85) {
      // A model switch: every embedding of the profile replaced by the other model's.
      const to = MODELS.find((m) => m.id !== p.modelId)!;
      say(`begin reembed ${p.id} ${JSON.stringify({ to: to.id })}`);
      const q = await store.replaceEmbeddings(p.id, to.id, new Map(p.utterances.map((u) => [u.id, unit(to.dim)])));
      say(`commit reembed ${q.id} ${state(q)}`);
    } else if (r < 0.95) {
      const name = `${p.name.slice(0, 60).replace(/ \(\d+\)$/, '')} (${k})`;
      say(`begin rename ${p.id} ${JSON.stringify({ name })}`);
      const q = await store.rename(p.id, name);
      say(`commit rename ${q.id} ${state(q)}`);
    } else {
      const t = Math.round((rng.next() * 2 - 1) * 1000) / 1000;
      say(`begin threshold - ${JSON.stringify({ t })}`);
      await store.setThreshold(t);
      say(`commit threshold - ${t}`);
    }
  }
}

main().catch((e: unknown) => {
  say(`error ${(e as Error)?.stack ?? e}`);
  process.exit(1);
});
