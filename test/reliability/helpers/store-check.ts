/**
 * Checks of a profile store's on-disk state, shared by the kill and concurrency tests: a digest of
 * every profile (name, model, utterance ids, recording hashes, embeddings, centroid), and the
 * self-consistency every committed profile must have (recordings match their hashes, vectors have
 * the stated size, the centroid is the mean of the embeddings).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { centroidOf, f32ToBase64, sha256Hex } from '../../../src/speakers/codec';
import { embeddingsFor, ProfileStore, type Profile } from '../../../src/speakers/store';

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
      others: (p.others ?? []).map((o) => [o.modelId, o.dim, f32ToBase64(o.centroid), o.embeddings.map(f32ToBase64)]),
    }),
  );
}

/** Digest of the utterances and the embeddings by `modelId` only (own or kept), or undefined when it has none. */
export function modelDigest(p: Profile, modelId: string): string | undefined {
  const e = embeddingsFor(p, modelId);
  if (!e) return undefined;
  return sha256Hex(JSON.stringify([p.utterances.map((u) => [u.id, u.sha256]), e.dim, f32ToBase64(e.centroid), e.embeddings.map(f32ToBase64)]));
}

function centroidError(vectors: Float32Array[], centroid: Float32Array): number {
  const c = centroidOf(vectors);
  let err = 0;
  for (let i = 0; i < c.length; i++) err = Math.max(err, Math.abs(c[i] - centroid[i]));
  return err;
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
    const err = centroidError(p.utterances.map((u) => u.embedding), p.centroid);
    if (err > 1e-5) out.push(`${p.name}: centroid is not the mean of its embeddings (max error ${err})`);
  }
  for (const o of p.others ?? []) {
    if (o.modelId === p.modelId) out.push(`${p.name}: model ${o.modelId} kept twice`);
    if (o.embeddings.length !== p.utterances.length || o.embeddings.some((e) => e.length !== o.dim))
      out.push(`${p.name}: the embeddings by ${o.modelId} do not cover its utterances`);
    else if (centroidError(o.embeddings, o.centroid) > 1e-5) out.push(`${p.name}: the centroid by ${o.modelId} is not the mean of its embeddings`);
  }
  return out;
}

export interface StoreState {
  profiles: Map<string, ProfileState>;
  /** The loaded profiles themselves. */
  raw: Map<string, Profile>;
  problems: string[];
  inconsistencies: string[];
}

/** Opens the store as a fresh reader would and describes it. */
export async function readState(dir: string): Promise<StoreState> {
  const store = await ProfileStore.open(dir, { lock: { timeoutMs: 5000 } });
  const profiles = new Map<string, ProfileState>();
  const raw = new Map<string, Profile>();
  const bad: string[] = [];
  for (const p of store.list()) {
    raw.set(p.id, p);
    profiles.set(p.id, { id: p.id, name: p.name, modelId: p.modelId, uttIds: p.utterances.map((u) => u.id), digest: digestOf(p) });
    bad.push(...inconsistencies(store, p));
  }
  return { profiles, raw, problems: store.problems.map((x) => `${x.subject}: ${x.reason}`), inconsistencies: bad };
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
