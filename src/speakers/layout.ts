/**
 * Paths inside a store folder and the (de)serialisation of profile files. Nothing here takes the
 * lock; callers that write hold it.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureDir, renameDurable, writeFileAtomic } from './atomic';
import { base64ToF32, f32ToBase64, sha256Hex } from './codec';
import {
  describeZodError,
  ID_RE,
  MAX_OTHER_MODELS,
  PROFILE_FORMAT,
  ProfileBodySchema,
  ProfileFileSchema,
  type ProfileBody,
} from './schema';

export interface Utterance {
  id: string;
  /** Original file name, for display. */
  source: string;
  /** SHA-256 of the stored WAV, checked whenever the recording is read back. */
  sha256: string;
  durationSec: number;
  speechSec: number;
  addedAt: string;
  /** L2-normalised embedding made by `Profile.modelId`. */
  embedding: Float32Array;
}

export interface Profile {
  /** Random, opaque; names the folder. */
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  modelId: string;
  dim: number;
  /** Mean of the utterance embeddings, L2-normalised. */
  centroid: Float32Array;
  utterances: Utterance[];
  /**
   * The same utterances embedded by other models (never `modelId`), oldest first. A model switch
   * writes its model's entry here before it commits, so the profile stays usable by both models.
   */
  others?: ModelEmbeddings[];
}

/** A profile's recordings as embedded by one model. */
export interface ModelEmbeddings {
  modelId: string;
  dim: number;
  centroid: Float32Array;
  /** One L2-normalised vector per utterance, in the order of `Profile.utterances`. */
  embeddings: Float32Array[];
}

/** The embeddings of `p` by `modelId` (its own or a kept entry), or undefined when it has none. */
export function embeddingsFor(p: Profile, modelId: string): ModelEmbeddings | undefined {
  if (p.modelId === modelId) return { modelId, dim: p.dim, centroid: p.centroid, embeddings: p.utterances.map((u) => u.embedding) };
  return p.others?.find((o) => o.modelId === modelId);
}

/**
 * `p` with `e` as its own embeddings; what it had (and its other entries) are kept in `others`,
 * capped at MAX_OTHER_MODELS by dropping the oldest.
 */
export function withPrimary(p: Profile, e: ModelEmbeddings): Profile {
  if (e.embeddings.length !== p.utterances.length) throw new RangeError('embeddings do not cover the utterances');
  const own = embeddingsFor(p, p.modelId)!;
  const others = [...(p.others ?? []).filter((o) => o.modelId !== e.modelId && o.modelId !== p.modelId), ...(p.modelId === e.modelId ? [] : [own])];
  return {
    ...p,
    modelId: e.modelId,
    dim: e.dim,
    centroid: e.centroid,
    utterances: p.utterances.map((u, i) => ({ ...u, embedding: e.embeddings[i] })),
    others: capOthers(others),
  };
}

/** `p` with `e` kept as another model's embeddings (its own stay as they are). */
export function withOther(p: Profile, e: ModelEmbeddings): Profile {
  if (e.embeddings.length !== p.utterances.length) throw new RangeError('embeddings do not cover the utterances');
  if (e.modelId === p.modelId) return withPrimary(p, e);
  return { ...p, others: capOthers([...(p.others ?? []).filter((o) => o.modelId !== e.modelId), e]) };
}

function capOthers(others: ModelEmbeddings[]): ModelEmbeddings[] | undefined {
  const kept = others.slice(Math.max(0, others.length - MAX_OTHER_MODELS));
  return kept.length ? kept : undefined;
}

export const paths = {
  storeFile: (dir: string) => path.join(dir, 'store.json'),
  settingsFile: (dir: string) => path.join(dir, 'settings.json'),
  profilesDir: (dir: string) => path.join(dir, 'profiles'),
  trashDir: (dir: string) => path.join(dir, 'trash'),
  quarantineDir: (dir: string) => path.join(dir, 'quarantine'),
  profileDir: (dir: string, id: string) => {
    // Ids come from our own random generator or from a validated file; check again anyway,
    // because this is the one place a string becomes a path.
    if (!ID_RE.test(id)) throw new Error(`Internal error: invalid profile id ${JSON.stringify(id)}`);
    return path.join(dir, 'profiles', id);
  },
  profileFile: (dir: string, id: string) => path.join(paths.profileDir(dir, id), 'profile.json'),
  recording: (dir: string, id: string, uttId: string) => path.join(paths.profileDir(dir, id), `rec-${uttId}.wav`),
};

export const newId = (): string => randomBytes(8).toString('hex');
export const newUttId = (): string => randomBytes(6).toString('hex');
/** A timestamp usable in folder names on every OS. */
export const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');

export function profileToBody(p: Profile): ProfileBody {
  return {
    id: p.id,
    name: p.name,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    modelId: p.modelId,
    dim: p.dim,
    centroid: f32ToBase64(p.centroid),
    utterances: p.utterances.map((u) => ({
      id: u.id,
      source: u.source,
      sha256: u.sha256,
      durationSec: u.durationSec,
      speechSec: u.speechSec,
      addedAt: u.addedAt,
      embedding: f32ToBase64(u.embedding),
    })),
    // Absent rather than empty, so a profile without other models' entries is byte-identical to
    // what earlier versions wrote.
    ...(p.others?.length
      ? { others: p.others.map((o) => ({ modelId: o.modelId, dim: o.dim, centroid: f32ToBase64(o.centroid), embeddings: o.embeddings.map(f32ToBase64) })) }
      : {}),
  };
}

/** The text of a profile.json: the body plus the SHA-256 of its exact JSON text. */
export function serializeProfile(p: Profile): string {
  const body = JSON.stringify(profileToBody(p));
  return `{"format":"${PROFILE_FORMAT}","version":2,"checksum":"${sha256Hex(body)}","profile":${body}}\n`;
}

export class ProfileParseError extends Error {
  constructor(
    message: string,
    /** The display name if it could be read, for "profile Anna is corrupt". */
    readonly speakerName?: string,
  ) {
    super(message);
  }
}

/**
 * Parses and checks a profile.json text: JSON, schema, checksum, vector sizes, unique utterance
 * ids, and that the id matches the folder. Throws ProfileParseError saying what is wrong.
 */
export function parseProfile(text: string, folderId: string): Profile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProfileParseError(text.length === 0 ? 'the file is empty' : 'the file is not valid JSON (half-written?)');
  }
  const nameOf = (): string | undefined => {
    const n = (raw as { profile?: { name?: unknown } })?.profile?.name;
    return typeof n === 'string' ? n.slice(0, 200) : undefined;
  };
  const file = ProfileFileSchema.safeParse(raw);
  if (!file.success) throw new ProfileParseError(`unexpected content (${describeZodError(file.error)})`, nameOf());
  const bodyText = JSON.stringify(file.data.profile);
  if (sha256Hex(bodyText) !== file.data.checksum)
    throw new ProfileParseError('checksum mismatch: the file was damaged or edited', nameOf());
  const body = ProfileBodySchema.safeParse(file.data.profile);
  if (!body.success) throw new ProfileParseError(`unexpected content (${describeZodError(body.error)})`, nameOf());
  const b = body.data;
  if (b.id !== folderId) throw new ProfileParseError(`its id ${b.id} does not match its folder ${folderId}`, b.name);
  const centroid = base64ToF32(b.centroid);
  if (!centroid || centroid.length !== b.dim)
    throw new ProfileParseError(`the centroid does not have ${b.dim} values`, b.name);
  const seen = new Set<string>();
  const utterances: Utterance[] = b.utterances.map((u) => {
    if (seen.has(u.id)) throw new ProfileParseError(`utterance ${u.id} appears twice`, b.name);
    seen.add(u.id);
    const e = base64ToF32(u.embedding);
    if (!e || e.length !== b.dim)
      throw new ProfileParseError(`the embedding of utterance ${u.id} does not have ${b.dim} values`, b.name);
    return { ...u, embedding: e };
  });
  const others: ModelEmbeddings[] = (b.others ?? []).map((o) => {
    const oc = base64ToF32(o.centroid);
    const embs = o.embeddings.map(base64ToF32);
    if (o.modelId === b.modelId) throw new ProfileParseError(`model ${o.modelId} is listed twice`, b.name);
    if (!oc || oc.length !== o.dim || embs.length !== utterances.length || embs.some((e) => !e || e.length !== o.dim))
      throw new ProfileParseError(`the embeddings by model ${o.modelId} do not match its utterances`, b.name);
    return { modelId: o.modelId, dim: o.dim, centroid: oc, embeddings: embs as Float32Array[] };
  });
  if (new Set(others.map((o) => o.modelId)).size !== others.length) throw new ProfileParseError('a model is listed twice', b.name);
  for (const v of [centroid, ...utterances.map((u) => u.embedding), ...others.flatMap((o) => [o.centroid, ...o.embeddings])])
    for (let i = 0; i < v.length; i++)
      if (!Number.isFinite(v[i])) throw new ProfileParseError('a vector holds NaN or Infinity', b.name);
  const { others: _raw, ...rest } = b;
  return { ...rest, centroid, utterances, ...(others.length ? { others } : {}) };
}

/**
 * Moves a damaged profile folder (or file) out of the way, into quarantine/, with a REASON.txt, so
 * the rest of the store loads and the data is kept for a person to inspect. Returns the new path.
 */
export function quarantine(dir: string, entry: string, reason: string): string {
  const qdir = paths.quarantineDir(dir);
  ensureDir(qdir);
  const from = path.join(paths.profilesDir(dir), entry);
  const to = path.join(qdir, `${entry}-${stamp()}-${randomBytes(3).toString('hex')}`);
  renameDurable(from, to);
  try {
    if (fs.statSync(to).isDirectory()) writeFileAtomic(path.join(to, 'REASON.txt'), `${reason}\n`);
    else writeFileAtomic(`${to}.REASON.txt`, `${reason}\n`);
  } catch {
    /* the move is what matters */
  }
  return to;
}
