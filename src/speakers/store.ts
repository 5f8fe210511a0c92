/**
 * ProfileStore: enrolled speakers in a folder, crash-safe and shareable between processes.
 *
 * Durability: every file is written atomically (atomic.ts). A new profile is assembled in a
 * `.tmp-` folder and renamed into place; a change to a profile writes any new recordings first and
 * then replaces profile.json, which is the commit point. A crash leaves either the old or the new
 * profile, plus at worst some `.tmp-` or unreferenced files: in profiles/ the next writer sweeps
 * them away, inside a profile's folder the next change to that profile does (they are never read).
 *
 * Concurrency: any number of processes may read and write one store. Writers take the lock
 * (lock.ts) for the duration of one change and re-read the store first; readers never lock,
 * because they can only see whole files. A reader's view is refreshed by `refresh()`, which
 * reloads when store.json's `generation` (bumped after every change) moved.
 *
 * Damage: a profile that fails its schema or checksum is reported by name in `problems` and moved
 * to quarantine/ (when the lock can be had); every other profile still loads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, StoreError } from '../errors';
import { ensureDir, fsyncDir, removeTree, renameDurable, TEMP_PREFIX, writeFileAtomic } from './atomic';
import { base64ToF32, centroidOf, f32ToBase64, sha256Hex } from './codec';
import {
  embeddingsFor,
  newId,
  newUttId,
  parseProfile,
  paths,
  ProfileParseError,
  quarantine,
  serializeProfile,
  stamp,
  withOther,
  withPrimary,
  type Profile,
  type Utterance,
} from './layout';
import { withLock, type LockOptions } from './lock';
import { runMigrations, type MigrationReport } from './migrations';
import { nameKey, normalizeName } from './names';
import {
  describeZodError,
  EXPORT_FORMAT,
  ExportSchema,
  ID_RE,
  LLR_THRESHOLD_LIMIT,
  SETTINGS_FORMAT,
  SettingsSchema,
  STORE_FORMAT,
  STORE_VERSION,
  StoreFileSchema,
  type ExportFile,
  type Settings,
  type StoreFile,
  type ThresholdScale,
} from './schema';

export type { Profile, Utterance, ModelEmbeddings } from './layout';
export { embeddingsFor } from './layout';

/** One enrolled take, ready to store. */
export interface NewUtterance {
  /** The recording as a 16 kHz mono WAV file. */
  wav: Uint8Array;
  /** The original file name, for display. */
  source: string;
  durationSec: number;
  speechSec: number;
  /** L2-normalised embedding. */
  embedding: Float32Array;
}

export interface StoreProblem {
  /** The speaker's name when it could be read, else the folder name. */
  subject: string;
  reason: string;
  /** Where the damaged data was moved, once quarantined. */
  quarantinedTo?: string;
  entry: string;
}

export interface StoreOptions {
  lock?: LockOptions;
}

/** Largest export file accepted by importProfile (a profile of ~100 one-minute takes). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

const nowIso = () => new Date().toISOString();

export class ProfileStore {
  private byId = new Map<string, Profile>();
  /** list()'s sorted view, rebuilt after a change (identify may call it per request). */
  private sorted?: Profile[];
  private storeFile?: StoreFile;
  private problemList: StoreProblem[] = [];
  private lockOpts: LockOptions;
  /** Set when open() migrated the store. */
  migration?: MigrationReport;

  private constructor(
    readonly dir: string,
    opts: StoreOptions,
  ) {
    this.lockOpts = opts.lock ?? {};
  }

  /**
   * Opens (creating if needed) the store in `dir`, migrating an older layout and quarantining
   * damaged profiles. Throws StoreError STORE_VERSION for a newer store, BAD_ARGUMENT for a
   * non-empty folder that is not a store, STORE_LOCKED if a needed migration cannot get the lock.
   */
  static async open(dir: string, opts: StoreOptions = {}): Promise<ProfileStore> {
    const s = new ProfileStore(path.resolve(dir), opts);
    await s.init();
    return s;
  }

  // ---- reading ----------------------------------------------------------------------------

  /** Profiles that failed to load at the last (re)load, with what was done about them. */
  get problems(): readonly StoreProblem[] {
    return this.problemList;
  }

  /** The store's change counter, bumped after every committed change. */
  get generation(): number {
    return this.storeFile?.generation ?? 0;
  }

  /** All loaded profiles, oldest first. Treat them as read-only. */
  list(): Profile[] {
    this.sorted ??= [...this.byId.values()].sort((a, b) => cmp(a.createdAt, b.createdAt) || cmp(a.id, b.id));
    return [...this.sorted];
  }

  /** A profile by id, exact name, or case-insensitive name; undefined when none. */
  find(nameOrId: string): Profile | undefined {
    // Names can arrive from IPC or the bridge; a non-string must be a typed error, not a TypeError.
    if (typeof nameOrId !== 'string') throw new InvalidArgumentError('A speaker name or id must be text.');
    if (ID_RE.test(nameOrId) && this.byId.has(nameOrId)) return this.byId.get(nameOrId);
    const name = nameOrId.normalize('NFC').trim();
    const exact = [...this.byId.values()].filter((p) => p.name === name);
    if (exact.length === 1) return exact[0];
    const key = nameKey(name);
    const loose = exact.length > 1 ? exact : [...this.byId.values()].filter((p) => nameKey(p.name) === key);
    if (loose.length > 1)
      throw new InvalidArgumentError(
        `Several speakers are called "${name}" (ids ${loose.map((p) => p.id).join(', ')}). Use the id instead of the name.`,
      );
    return loose[0];
  }

  /** Like find, but throws StoreError UNKNOWN_SPEAKER. */
  get(nameOrId: string): Profile {
    const p = this.find(nameOrId);
    if (!p)
      throw new StoreError(
        'UNKNOWN_SPEAKER',
        `No speaker called "${nameOrId}" is enrolled in ${this.dir}. List the enrolled speakers with "voxprint list".`,
        { subject: nameOrId },
      );
    return p;
  }

  /** Re-reads the store if another process changed it since we last looked. Cheap otherwise. */
  refresh(): void {
    const sf = this.readStoreFile();
    if (sf.state !== 'ok') {
      this.loadAll();
      return;
    }
    if (sf.file.version > STORE_VERSION) runMigrations(this.dir, sf.file.version); // throws STORE_VERSION
    if (sf.file.generation !== this.storeFile?.generation || sf.file.version !== this.storeFile?.version) {
      this.storeFile = sf.file;
      this.loadAll();
    }
  }

  /** The recording of one utterance as WAV bytes, checked against its hash. */
  readRecording(p: Profile, u: Utterance): Uint8Array {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(paths.recording(this.dir, p.id, u.id));
    } catch {
      throw new StoreError(
        'STORE_CORRUPT',
        `A recording of speaker "${p.name}" (${u.source}) is missing from the store. Remove the speaker and enroll again.`,
        { subject: p.name },
      );
    }
    if (sha256Hex(bytes) !== u.sha256)
      throw new StoreError(
        'STORE_CORRUPT',
        `A recording of speaker "${p.name}" (${u.source}) is damaged (checksum mismatch). Remove the speaker and enroll again.`,
        { subject: p.name },
      );
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The settings file, or defaults when it is absent or damaged. */
  settings(): Settings {
    try {
      const r = SettingsSchema.safeParse(JSON.parse(fs.readFileSync(paths.settingsFile(this.dir), 'utf8')));
      if (r.success) return r.data;
    } catch {
      /* absent or unreadable */
    }
    return { format: SETTINGS_FORMAT, version: 1 };
  }

  /** One profile as a self-contained JSON file (recordings as base64 WAV), for `export`. */
  exportProfile(nameOrId: string): Uint8Array {
    const p = this.get(nameOrId);
    const doc: ExportFile = {
      format: EXPORT_FORMAT,
      version: 1,
      exportedAt: nowIso(),
      profile: {
        name: p.name,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
        modelId: p.modelId,
        dim: p.dim,
        utterances: p.utterances.map((u) => ({
          source: u.source,
          durationSec: u.durationSec,
          speechSec: u.speechSec,
          addedAt: u.addedAt,
          embedding: f32ToBase64(u.embedding),
          sha256: u.sha256,
          wav: Buffer.from(this.readRecording(p, u)).toString('base64'),
        })),
      },
    };
    return new TextEncoder().encode(JSON.stringify(doc, null, 1) + '\n');
  }

  // ---- writing (each method is one locked, atomic change) ----------------------------------

  /** Enrolls a new speaker. Throws SPEAKER_EXISTS when the name (case-insensitively) is taken. */
  async create(name: string, modelId: string, utts: NewUtterance[]): Promise<Profile> {
    const clean = normalizeName(name);
    const dim = checkUtterances(utts);
    return this.locked(() => {
      this.assertNameFree(clean);
      let id = newId();
      while (this.byId.has(id) || fs.existsSync(paths.profileDir(this.dir, id))) id = newId();
      const tmp = path.join(paths.profilesDir(this.dir), `${TEMP_PREFIX}${id}`);
      ensureDir(tmp);
      const t = nowIso();
      const utterances = utts.map((u) => writeUtterance(tmp, u, t));
      const p: Profile = {
        id,
        name: clean,
        createdAt: t,
        updatedAt: t,
        modelId,
        dim,
        centroid: centroidOf(utterances.map((u) => u.embedding)),
        utterances,
      };
      writeFileAtomic(path.join(tmp, 'profile.json'), serializeProfile(p));
      fsyncDir(tmp);
      renameDurable(tmp, paths.profileDir(this.dir, id));
      this.byId.set(id, p);
      this.sorted = undefined;
      this.bump();
      return p;
    });
  }

  /** Adds takes to an existing speaker. Their embeddings must come from the profile's model. */
  async append(nameOrId: string, modelId: string, utts: NewUtterance[]): Promise<Profile> {
    const dim = checkUtterances(utts);
    return this.locked(() => {
      const stored = this.get(nameOrId);
      const mine = embeddingsFor(stored, modelId);
      if (!mine || mine.dim !== dim)
        throw new StoreError(
          'MODEL_MISMATCH',
          `Speaker "${stored.name}" was enrolled with model ${stored.modelId}; re-embed it with the current model before adding takes.`,
          { subject: stored.name },
        );
      // The new takes have this model's embeddings only, so other models' entries no longer cover
      // the profile: they are dropped (a switch back re-embeds from the recordings).
      const old: Profile = { ...withPrimary(stored, mine), others: undefined };
      const pdir = paths.profileDir(this.dir, old.id);
      this.sweepProfileDir(old);
      const t = nowIso();
      const added = utts.map((u) => writeUtterance(pdir, u, t));
      const utterances = [...old.utterances, ...added];
      const p: Profile = { ...old, updatedAt: t, utterances, centroid: centroidOf(utterances.map((u) => u.embedding)) };
      this.commit(p);
      return p;
    });
  }

  /**
   * Stores the embeddings of a profile's recordings by `modelId` (after a model change).
   * `embeddings` maps utterance id -> vector and must cover exactly the profile's utterances;
   * if the profile changed since they were computed (another process added takes), throws
   * StoreError STORE_CORRUPT asking to try again. With `primary` (the default) they become the
   * profile's own embeddings; without it they are only kept beside them (a model switch writes
   * these before it commits). Either way the embeddings of the other models are kept, so a
   * switch that fails half-way, or a roll back, never needs what was overwritten.
   */
  async replaceEmbeddings(id: string, modelId: string, embeddings: Map<string, Float32Array>, opts: { primary?: boolean } = {}): Promise<Profile> {
    return this.locked(() => {
      const old = this.get(id);
      const dims = new Set([...embeddings.values()].map((e) => e.length));
      if (
        old.utterances.length !== embeddings.size ||
        old.utterances.some((u) => !embeddings.has(u.id)) ||
        dims.size !== 1
      )
        throw new StoreError(
          'STORE_CORRUPT',
          `Speaker "${old.name}" changed while it was being re-embedded. Try again.`,
          { subject: old.name },
        );
      const vectors = old.utterances.map((u) => embeddings.get(u.id)!);
      const e = { modelId, dim: vectors[0].length, centroid: centroidOf(vectors), embeddings: vectors };
      const p: Profile = { ...(opts.primary === false ? withOther(old, e) : withPrimary(old, e)), updatedAt: nowIso() };
      this.commit(p);
      return p;
    });
  }

  /**
   * Makes the kept embeddings of `modelId` the profile's own (no re-embedding needed). Returns the
   * profile unchanged when they already are; throws StoreError STORE_CORRUPT when the profile has
   * none by that model (it changed since it was read: try again).
   */
  async promote(id: string, modelId: string): Promise<Profile> {
    return this.locked(() => {
      const old = this.get(id);
      if (old.modelId === modelId) return old;
      const e = embeddingsFor(old, modelId);
      if (!e) throw new StoreError('STORE_CORRUPT', `Speaker "${old.name}" changed while it was being switched to model ${modelId}. Try again.`, { subject: old.name });
      const p = withPrimary(old, e);
      this.commit(p);
      return p;
    });
  }

  async rename(nameOrId: string, newName: string): Promise<Profile> {
    const clean = normalizeName(newName);
    return this.locked(() => {
      const old = this.get(nameOrId);
      this.assertNameFree(clean, old.id, 'Choose another name, or rename or remove that speaker first.');
      const p: Profile = { ...old, name: clean, updatedAt: nowIso() };
      this.commit(p);
      return p;
    });
  }

  /**
   * Removes a speaker. Without `purge` the folder moves to trash/ (restorable by moving it back
   * into profiles/); with `purge` its recordings and embeddings are deleted from disk, including
   * any earlier trashed or quarantined copies of the same speaker.
   */
  async remove(nameOrId: string, opts: { purge?: boolean } = {}): Promise<Profile> {
    return this.locked(() => {
      const p = this.get(nameOrId);
      const pdir = paths.profileDir(this.dir, p.id);
      if (opts.purge) {
        const doomed = path.join(paths.profilesDir(this.dir), `${TEMP_PREFIX}purge-${p.id}`);
        renameDurable(pdir, doomed); // commit point: the profile is gone from here on
        this.byId.delete(p.id);
        this.sorted = undefined;
        this.bump();
        removeTree(doomed);
        for (const d of [paths.trashDir(this.dir), paths.quarantineDir(this.dir)]) {
          if (!fs.existsSync(d)) continue;
          for (const e of fs.readdirSync(d)) if (e.startsWith(`${p.id}-`)) removeTree(path.join(d, e));
        }
      } else {
        ensureDir(paths.trashDir(this.dir));
        renameDurable(pdir, path.join(paths.trashDir(this.dir), `${p.id}-${stamp()}`));
        this.byId.delete(p.id);
        this.sorted = undefined;
        this.bump();
      }
      return p;
    });
  }

  /**
   * Adds a profile from an export file under a fresh id. The recordings' hashes are checked and
   * the centroid recomputed; nothing in the file is trusted as a path. `name` overrides the
   * exported name (e.g. when it is taken). Throws BAD_ARGUMENT for a malformed file.
   */
  async importProfile(bytes: Uint8Array, opts: { name?: string } = {}): Promise<Profile> {
    if (bytes.length > MAX_IMPORT_BYTES)
      throw new InvalidArgumentError(`The file is too large to be a voxprint profile export (${bytes.length} bytes).`);
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new InvalidArgumentError('The file is not a voxprint profile export (it is not JSON). Use a file made by "voxprint export".');
    }
    const r = ExportSchema.safeParse(raw);
    if (!r.success)
      throw new InvalidArgumentError(
        `The file is not a valid voxprint profile export (${describeZodError(r.error)}). Use a file made by "voxprint export".`,
      );
    const e = r.data.profile;
    const utts: (NewUtterance & { addedAt: string })[] = e.utterances.map((u, i) => {
      const wav = Buffer.from(u.wav, 'base64');
      if (sha256Hex(wav) !== u.sha256)
        throw new InvalidArgumentError(`Recording ${i + 1} in the export file is damaged (checksum mismatch).`);
      const emb = base64ToF32(u.embedding);
      if (!emb || emb.length !== e.dim || !emb.every(Number.isFinite))
        throw new InvalidArgumentError(`Embedding ${i + 1} in the export file does not have ${e.dim} finite values.`);
      return { ...u, wav: new Uint8Array(wav), embedding: emb };
    });
    const p = await this.create(opts.name ?? e.name, e.modelId, utts);
    return p;
  }

  /**
   * Sets or clears (undefined) the threshold override: a cosine in [-1, 1], or with scale 'llr' a
   * calibrated model's llr threshold in [-LLR_THRESHOLD_LIMIT, LLR_THRESHOLD_LIMIT]. Setting one
   * scale drops the other, so the store holds one choice; clearing clears both (reset).
   */
  async setThreshold(threshold: number | undefined, scale: ThresholdScale = 'cosine'): Promise<void> {
    const [lo, hi] = scale === 'llr' ? [-LLR_THRESHOLD_LIMIT, LLR_THRESHOLD_LIMIT] : [-1, 1];
    if (threshold !== undefined && !(Number.isFinite(threshold) && threshold >= lo && threshold <= hi))
      throw new InvalidArgumentError(`A${scale === 'llr' ? 'n llr' : ''} threshold must be a number between ${lo} and ${hi}, got ${threshold}.`);
    await this.locked(() => {
      const s: Settings = { ...this.settings(), format: SETTINGS_FORMAT, version: 1 };
      delete s.threshold;
      delete s.llrThreshold;
      if (threshold !== undefined) s[scale === 'llr' ? 'llrThreshold' : 'threshold'] = threshold;
      writeFileAtomic(paths.settingsFile(this.dir), JSON.stringify(s, null, 1) + '\n');
    });
  }

  // ---- internals --------------------------------------------------------------------------

  private async init(): Promise<void> {
    const sf = this.readStoreFile();
    if (sf.state === 'ok' && sf.file.version > STORE_VERSION) runMigrations(this.dir, sf.file.version); // throws
    if (sf.state !== 'ok' || sf.file.version < STORE_VERSION) {
      if (sf.state === 'missing') this.assertUsableFolder();
      ensureDir(this.dir);
      await withLock(this.dir, this.holder(), () => this.prepareLayout());
    } else {
      this.storeFile = sf.file;
    }
    this.loadAll();
    if (this.problemList.some((p) => !p.quarantinedTo)) {
      try {
        await this.locked(() => undefined, { timeoutMs: 2000 });
      } catch {
        /* another writer is busy: report the problems, quarantine next time */
      }
    }
  }

  /** Creates, repairs or migrates the layout. Runs under the lock; re-reads first. */
  private prepareLayout(): void {
    const sf = this.readStoreFile();
    let version: number;
    let generation = 0;
    let createdAt = nowIso();
    if (sf.state === 'ok') {
      ({ version, generation, createdAt } = sf.file);
    } else if (sf.state === 'corrupt') {
      // Keep the damaged file for inspection; every migration step is idempotent, so re-running
      // all of them from version 1 rebuilds a correct store whatever version it was.
      ensureDir(paths.quarantineDir(this.dir));
      fs.copyFileSync(paths.storeFile(this.dir), path.join(paths.quarantineDir(this.dir), `store.json-${stamp()}`));
      version = 1;
    } else {
      // No store.json: a new store, or a version-1 store created before store.json existed.
      version = fs.existsSync(paths.profilesDir(this.dir)) ? 1 : STORE_VERSION;
    }
    ensureDir(paths.profilesDir(this.dir));
    if (version < STORE_VERSION) this.migration = runMigrations(this.dir, version);
    const file: StoreFile = { format: STORE_FORMAT, version: STORE_VERSION, createdAt, generation: generation + 1 };
    writeFileAtomic(paths.storeFile(this.dir), JSON.stringify(file, null, 1) + '\n');
    this.storeFile = file;
  }

  /** Refuses to scatter files into a folder that has other things in it. */
  private assertUsableFolder(): void {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR')
        throw new InvalidArgumentError(`The profile store ${this.dir} is a file, not a folder. Choose a folder.`);
      throw e;
    }
    const ours = new Set(['profiles', 'settings.json', '.lock', 'trash', 'quarantine']);
    const foreign = entries.filter((e) => !ours.has(e) && !e.startsWith('.'));
    if (foreign.length > 0)
      throw new InvalidArgumentError(
        `${this.dir} is not a voxprint profile store (it has no store.json and holds other files, e.g. ${foreign[0]}). ` +
          'Choose an empty or new folder for --store / VOXPRINT_HOME.',
        { subject: this.dir },
      );
  }

  private readStoreFile(): { state: 'ok'; file: StoreFile } | { state: 'missing' | 'corrupt' } {
    let text: string;
    try {
      text = fs.readFileSync(paths.storeFile(this.dir), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { state: 'missing' };
      if (code === 'ENOTDIR')
        throw new InvalidArgumentError(`The profile store ${this.dir} is a file, not a folder. Choose a folder.`);
      throw e;
    }
    try {
      const r = StoreFileSchema.safeParse(JSON.parse(text));
      return r.success ? { state: 'ok', file: r.data } : { state: 'corrupt' };
    } catch {
      return { state: 'corrupt' };
    }
  }

  private loadAll(): void {
    this.byId.clear();
    this.sorted = undefined;
    this.problemList = [];
    const pdir = paths.profilesDir(this.dir);
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(pdir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const entry of entries) {
      if (!ID_RE.test(entry)) continue; // temp folders and stray files are not profiles
      let text: string;
      try {
        text = fs.readFileSync(path.join(pdir, entry, 'profile.json'), 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOTDIR') continue;
        this.problemList.push({ entry, subject: entry, reason: code === 'ENOENT' ? 'profile.json is missing' : String(e) });
        continue;
      }
      try {
        const p = parseProfile(text, entry);
        this.byId.set(p.id, p);
      } catch (e) {
        if (!(e instanceof ProfileParseError)) throw e;
        this.problemList.push({ entry, subject: e.speakerName ?? entry, reason: e.message });
      }
    }
  }

  private holder(extra: LockOptions = {}): LockOptions {
    return { holder: `voxprint (pid ${process.pid})`, ...this.lockOpts, ...extra };
  }

  /** Runs one change under the lock, on a fresh view of the store, after sweeping crash leftovers. */
  private locked<T>(fn: () => T, extra: LockOptions = {}): Promise<T> {
    return withLock(this.dir, this.holder(extra), () => {
      this.refresh();
      this.sweepTemps();
      for (const pr of this.problemList) {
        if (pr.quarantinedTo) continue;
        try {
          pr.quarantinedTo = quarantine(this.dir, pr.entry, `${pr.subject}: ${pr.reason}`);
        } catch {
          /* vanished meanwhile */
        }
      }
      return fn();
    });
  }

  /** Deletes `.tmp-` leftovers of crashed writers in profiles/ (safe: we hold the lock). */
  private sweepTemps(): void {
    const pdir = paths.profilesDir(this.dir);
    if (!fs.existsSync(pdir)) return;
    for (const e of fs.readdirSync(pdir)) if (e.startsWith(TEMP_PREFIX)) removeTree(path.join(pdir, e));
  }

  /** Deletes temp files and recordings no committed utterance refers to (a crashed append). */
  private sweepProfileDir(p: Profile): void {
    const pdir = paths.profileDir(this.dir, p.id);
    const keep = new Set(['profile.json', ...p.utterances.map((u) => `rec-${u.id}.wav`)]);
    for (const e of fs.readdirSync(pdir)) {
      if (e.startsWith(TEMP_PREFIX) || (/^rec-.*\.wav$/.test(e) && !keep.has(e))) removeTree(path.join(pdir, e));
    }
  }

  /** `what` says what to do instead: enrolling can add takes to the speaker, renaming cannot. */
  private assertNameFree(name: string, exceptId?: string, what = 'Choose another name, or add takes to it with --append.'): void {
    const key = nameKey(name);
    const clash = [...this.byId.values()].find((p) => p.id !== exceptId && nameKey(p.name) === key);
    if (clash) throw new StoreError('SPEAKER_EXISTS', `A speaker called "${clash.name}" is already enrolled. ${what}`, { subject: name });
  }

  /**
   * Replaces a profile's profile.json (the commit point of every change to an existing profile),
   * first sweeping what a change to it that crashed left in its folder (temp files, unreferenced
   * recordings), which sweepTemps does not reach.
   */
  private commit(p: Profile): void {
    this.sweepProfileDir(p);
    writeFileAtomic(paths.profileFile(this.dir, p.id), serializeProfile(p));
    this.byId.set(p.id, p);
    this.sorted = undefined;
    this.bump();
  }

  private bump(): void {
    const cur = this.storeFile ?? { format: STORE_FORMAT, version: STORE_VERSION, createdAt: nowIso(), generation: 0 };
    const next: StoreFile = { ...cur, generation: cur.generation + 1 };
    writeFileAtomic(paths.storeFile(this.dir), JSON.stringify(next, null, 1) + '\n');
    this.storeFile = next;
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function checkUtterances(utts: NewUtterance[]): number {
  if (utts.length === 0) throw new InvalidArgumentError('Enrollment needs at least one recording.');
  const dim = utts[0].embedding.length;
  for (const u of utts) {
    if (u.embedding.length !== dim || dim === 0) throw new InvalidArgumentError('Embeddings of different sizes.');
    if (!u.embedding.every(Number.isFinite)) throw new InvalidArgumentError(`The embedding of ${u.source} is not finite.`);
  }
  return dim;
}

function writeUtterance(dir: string, u: NewUtterance, addedAt: string): Utterance {
  const id = newUttId();
  writeFileAtomic(path.join(dir, `rec-${id}.wav`), u.wav);
  return {
    id,
    source: truncateUtf16(u.source, 300),
    sha256: sha256Hex(u.wav),
    durationSec: u.durationSec,
    speechSec: u.speechSec,
    addedAt: (u as { addedAt?: string }).addedAt ?? addedAt,
    embedding: Float32Array.from(u.embedding),
  };
}

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair. */
function truncateUtf16(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max;
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return s.slice(0, cut);
}
