/**
 * Store migrations, one function per step `v -> v + 1`, run under the writer lock.
 *
 * Each step is idempotent per profile (it recognises profiles already in the new format and skips
 * them) and the store's version in store.json is bumped only after every profile is done, so a
 * migration killed half-way simply runs again on the next open.
 *
 * Version history:
 *   1  pre-release layout: profile.json held the profile directly, embeddings as JSON number
 *      arrays, no checksum, no hash of the recordings.
 *   2  profile.json = {format, version: 2, checksum, profile}; packed base64 float32 vectors;
 *      SHA-256 of every recording; settings.json; trash/ and quarantine/ folders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError } from '../errors';
import { writeFileAtomic } from './atomic';
import { centroidOf, sha256Hex } from './codec';
import { paths, quarantine, serializeProfile, type Profile } from './layout';
import { describeZodError, ID_RE, PROFILE_FORMAT, ProfileV1Schema, STORE_VERSION } from './schema';

export interface MigrationReport {
  from: number;
  to: number;
  migrated: number;
  quarantined: { entry: string; reason: string }[];
}

type Step = (dir: string, report: MigrationReport) => void;

function migrate1to2(dir: string, report: MigrationReport): void {
  const pdir = paths.profilesDir(dir);
  if (!fs.existsSync(pdir)) return;
  for (const entry of fs.readdirSync(pdir)) {
    if (!ID_RE.test(entry)) continue;
    const file = path.join(pdir, entry, 'profile.json');
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      continue; // unreadable: the normal load quarantines it with its reason
    }
    if ((raw as { format?: unknown })?.format === PROFILE_FORMAT) continue; // already v2
    const v1 = ProfileV1Schema.safeParse(raw);
    const fail = (reason: string) => {
      quarantine(dir, entry, `migration 1->2: ${reason}`);
      report.quarantined.push({ entry, reason });
    };
    if (!v1.success) {
      fail(`not a version-1 profile (${describeZodError(v1.error)})`);
      continue;
    }
    const p = v1.data;
    if (p.id !== entry) {
      fail(`id ${p.id} does not match its folder`);
      continue;
    }
    const dim = p.utterances[0].embedding.length;
    if (dim === 0 || p.utterances.some((u) => u.embedding.length !== dim)) {
      fail('embeddings of different sizes');
      continue;
    }
    let missing: string | undefined;
    const utterances = p.utterances.map((u) => {
      let sha = '';
      try {
        sha = sha256Hex(fs.readFileSync(paths.recording(dir, p.id, u.id)));
      } catch {
        missing ??= u.id;
      }
      return {
        id: u.id,
        source: u.source,
        sha256: sha,
        durationSec: u.durationSec,
        speechSec: u.speechSec,
        addedAt: p.updatedAt,
        embedding: Float32Array.from(u.embedding),
      };
    });
    if (missing) {
      fail(`the recording of utterance ${missing} is missing`);
      continue;
    }
    const profile: Profile = {
      id: p.id,
      name: p.name,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      modelId: p.modelId,
      dim,
      // v1 centroids were not normalised; recompute rather than trust.
      centroid: centroidOf(utterances.map((u) => u.embedding)),
      utterances,
    };
    writeFileAtomic(file, serializeProfile(profile));
    report.migrated++;
  }
}

/** MIGRATIONS[v] upgrades a store from version v to v + 1. */
export const MIGRATIONS: Record<number, Step> = {
  1: migrate1to2,
};

/**
 * Upgrades the store in `dir` from `from` to STORE_VERSION. The caller holds the lock and writes
 * the new version into store.json afterwards. Throws STORE_VERSION for a store newer than us.
 */
export function runMigrations(dir: string, from: number): MigrationReport {
  if (from > STORE_VERSION)
    throw new StoreError(
      'STORE_VERSION',
      `The profile store ${dir} was written by a newer voxprint (store version ${from}; this one reads up to ${STORE_VERSION}). Update voxprint to use it.`,
      { subject: dir },
    );
  const report: MigrationReport = { from, to: STORE_VERSION, migrated: 0, quarantined: [] };
  for (let v = from; v < STORE_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new StoreError('STORE_VERSION', `No migration from store version ${v}.`, { subject: dir });
    step(dir, report);
  }
  return report;
}
