/**
 * Checks of a profile store's on-disk state, shared by the kill and concurrency tests: a digest of
 * every profile (name, model, utterance ids, recording hashes, embeddings, centroid), and the
 * self-consistency every committed profile must have (recordings match their hashes, vectors have
 * the stated size, the centroid is the mean of the embeddings).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { centroidOf, f32ToBase64, sha256Hex } from '../../../src/speakers/codec';
import { ProfileStore, type Profile } from '../../../src/speakers/store';

export interface ProfileState {
  id: string;
  name: string;
  modelId: string;
  uttIds: string[];
  /** sha256 over name, model, utterances (ids, recording hashes, embeddings) and centroid. */
  digest: string;
}

export function digestOf(p: Profile): string {
  return sha256Hex(
    JSON.stringify({
      name: p.name,
      modelId: p.modelId,
      dim: p.dim,
      utts: p.utterances.map((u) => [u.id, u.sha256, f32ToBase64(u.embedding)]),
      centroid: f32ToBase64(p.centroid),
    }),
  );
}

/** Problems with one profile's internal consistency; empty when it is whole. */
export function inconsistencies(store: ProfileStore, p: Profile): string[] {
  const out: string[] = [];
  if (p.utterances.length === 0) out.push(`${p.name}: no utterances`);
  for (const u of p.utterances) {
    if (u.embedding.length !== p.dim) out.push(`${p.name}: utterance ${u.id} has ${u.embedding.length} dims, not ${p.dim}`);
    try {
      store.readRecording(p, u);
    } catch (e) {
      out.push(`${p.name}: recording ${u.id}: ${(e as Error).message}`);
    }
  }
  if (p.utterances.length && p.utterances.every((u) => u.embedding.length === p.dim)) {
    const c = centroidOf(p.utterances.map((u) => u.embedding));
    let err = 0;
    for (let i = 0; i < c.length; i++) err = Math.max(err, Math.abs(c[i] - p.centroid[i]));
    if (err > 1e-5) out.push(`${p.name}: centroid is not the mean of its embeddings (max error ${err})`);
  }
  return out;
}

export interface StoreState {
  profiles: Map<string, ProfileState>;
  problems: string[];
  inconsistencies: string[];
}

/** Opens the store as a fresh reader would and describes it. */
export async function readState(dir: string): Promise<StoreState> {
  const store = await ProfileStore.open(dir, { lock: { timeoutMs: 5000 } });
  const profiles = new Map<string, ProfileState>();
  const bad: string[] = [];
  for (const p of store.list()) {
    profiles.set(p.id, { id: p.id, name: p.name, modelId: p.modelId, uttIds: p.utterances.map((u) => u.id), digest: digestOf(p) });
    bad.push(...inconsistencies(store, p));
  }
  return { profiles, problems: store.problems.map((x) => `${x.subject}: ${x.reason}`), inconsistencies: bad };
}

/** Every path under `dir` (relative), for "nothing escaped" and "no leftovers" checks. */
export function walk(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

/** Recordings in profile folders that no committed utterance refers to (a crashed append). */
export function unreferencedRecordings(dir: string, state: StoreState): string[] {
  const out: string[] = [];
  for (const [id, p] of state.profiles) {
    const keep = new Set(p.uttIds.map((u) => `rec-${u}.wav`));
    for (const f of fs.readdirSync(path.join(dir, 'profiles', id))) if (f.startsWith('rec-') && !keep.has(f)) out.push(`${id}/${f}`);
  }
  return out;
}

/** Temp leftovers of crashed writers under profiles/. */
export function tempLeftovers(dir: string): string[] {
  const pdir = path.join(dir, 'profiles');
  if (!fs.existsSync(pdir)) return [];
  return walk(pdir).filter((p) => path.basename(p).startsWith('.tmp-'));
}
