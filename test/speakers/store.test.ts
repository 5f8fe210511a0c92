import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, VoxprintError } from '../../src/errors';
import { f32ToBase64 } from '../../src/speakers/codec';
import { paths } from '../../src/speakers/layout';
import { ProfileStore, type NewUtterance } from '../../src/speakers/store';
import { STORE_VERSION } from '../../src/speakers/schema';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-store-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function vec(seed: number, dim = 8): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = Math.sin(seed * 7.1 + i * 1.3);
  let n = 0;
  for (const x of v) n += x * x;
  return v.map((x) => x / Math.sqrt(n));
}
function utt(seed: number, source = `take${seed}.wav`): NewUtterance {
  return { wav: new Uint8Array([82, 73, 70, 70, seed, 1, 2, 3]), source, durationSec: 2, speechSec: 1.5, embedding: vec(seed) };
}
const listTree = (d: string): string[] =>
  fs.readdirSync(d, { recursive: true, withFileTypes: false }).map(String).sort();

describe('ProfileStore', () => {
  it('creates a versioned layout and round-trips a profile through disk', async () => {
    const s = await ProfileStore.open(dir);
    const p = await s.create('Anna', 'model-a', [utt(1), utt(2)]);
    expect(p.id).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'store.json'), 'utf8')).version).toBe(STORE_VERSION);
    const again = await ProfileStore.open(dir);
    const q = again.get('anna');
    expect(q.name).toBe('Anna');
    expect(q.utterances).toHaveLength(2);
    expect(Array.from(q.utterances[1].embedding)).toEqual(Array.from(vec(2)));
    // centroid = normalised mean
    let n = 0;
    for (const x of q.centroid) n += x * x;
    expect(n).toBeCloseTo(1, 5);
    expect(Buffer.from(again.readRecording(q, q.utterances[0]))).toEqual(Buffer.from(utt(1).wav));
    expect(again.problems).toHaveLength(0);
  });

  it('keeps hostile, Unicode and long names inside the store and never as file names', async () => {
    const s = await ProfileStore.open(dir);
    const names = ['../../x', '..\\..\\evil', '/etc/passwd', 'Zoë 👩‍🔬 Łukasz', 'C:\\Windows', '名前'.repeat(40)];
    for (const [i, n] of names.entries()) await s.create(n, 'm', [utt(i + 1)]);
    const files = listTree(dir);
    for (const f of files) {
      expect(path.resolve(dir, f).startsWith(dir + path.sep)).toBe(true);
      expect(f).not.toContain('..');
      expect(f).not.toContain('passwd');
      expect(f).not.toContain('名前');
    }
    expect(fs.readdirSync(path.dirname(dir)).some((e) => e === 'x' || e === 'evil')).toBe(false);
    const again = await ProfileStore.open(dir);
    expect(again.list().map((p) => p.name).sort()).toEqual([...names].sort());
  });

  it('refuses bad names and duplicates (case-insensitively) with user errors', async () => {
    const s = await ProfileStore.open(dir);
    await s.create('Anna', 'm', [utt(1)]);
    await expect(s.create('ANNA', 'm', [utt(2)])).rejects.toMatchObject({ code: 'SPEAKER_EXISTS' });
    await expect(s.create('  ', 'm', [utt(2)])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(s.create('a\u0000b', 'm', [utt(2)])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(s.create('x'.repeat(101), 'm', [utt(2)])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(s.create('evil\u202Egpj.exe', 'm', [utt(2)])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(s.list()).toHaveLength(1);
    expect(() => s.get('Bob')).toThrow(expect.objectContaining({ code: 'UNKNOWN_SPEAKER' }));
  });

  it('appends, renames and removes (trash vs purge)', async () => {
    const s = await ProfileStore.open(dir);
    const a = await s.create('Anna', 'm', [utt(1)]);
    const b = await s.create('Bob', 'm', [utt(3)]);
    await s.append('Anna', 'm', [utt(2)]);
    expect(s.get('Anna').utterances).toHaveLength(2);
    await expect(s.append('Anna', 'other-model', [utt(4)])).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });
    await s.rename('Anna', 'Annabel');
    await expect(s.rename('Bob', 'annabel')).rejects.toMatchObject({ code: 'SPEAKER_EXISTS' });
    await s.rename('Annabel', 'ANNABEL'); // changing only the case of one's own name is fine
    expect((await ProfileStore.open(dir)).get('ANNABEL').id).toBe(a.id);

    await s.remove('Bob');
    expect(s.find('Bob')).toBeUndefined();
    const trashed = fs.readdirSync(path.join(dir, 'trash'));
    expect(trashed.some((e) => e.startsWith(b.id))).toBe(true);

    await s.remove('ANNABEL', { purge: true });
    const all = listTree(dir);
    expect(all.some((f) => f.includes(a.id))).toBe(false);
    expect((await ProfileStore.open(dir)).list()).toHaveLength(0);
  });

  it('purge also deletes trashed and quarantined copies of the same speaker', async () => {
    const s = await ProfileStore.open(dir);
    const a = await s.create('Anna', 'm', [utt(1)]);
    fs.mkdirSync(path.join(dir, 'trash', `${a.id}-old`), { recursive: true });
    fs.writeFileSync(path.join(dir, 'trash', `${a.id}-old`, 'rec-aaaaaaaaaaaa.wav'), 'x');
    await s.remove('Anna', { purge: true });
    expect(listTree(dir).some((f) => f.includes(a.id))).toBe(false);
  });

  it('quarantines a corrupt or half-written profile, reports it by name, and loads the others', async () => {
    const s = await ProfileStore.open(dir);
    const a = await s.create('Anna', 'm', [utt(1)]);
    const b = await s.create('Bob', 'm', [utt(2)]);
    const c = await s.create('Cleo', 'm', [utt(3)]);
    // Bob: a flipped digit inside a vector (valid JSON, wrong checksum). Cleo: truncated write.
    const bf = paths.profileFile(dir, b.id);
    fs.writeFileSync(bf, fs.readFileSync(bf, 'utf8').replace('"name":"Bob"', '"name":"Bob","x":1'));
    const cf = paths.profileFile(dir, c.id);
    const ctext = fs.readFileSync(cf, 'utf8');
    fs.writeFileSync(cf, ctext.slice(0, ctext.length / 2));

    const again = await ProfileStore.open(dir);
    expect(again.list().map((p) => p.name)).toEqual(['Anna']);
    const subjects = again.problems.map((p) => p.subject).sort();
    expect(subjects).toEqual([c.id, 'Bob'].sort()); // Cleo's name cannot be read from half a file
    expect(again.problems.find((p) => p.subject === 'Bob')?.reason).toMatch(/checksum/);
    for (const p of again.problems) expect(p.quarantinedTo && fs.existsSync(p.quarantinedTo)).toBeTruthy();
    expect(fs.existsSync(paths.profileDir(dir, b.id))).toBe(false);
    expect(fs.readFileSync(path.join(again.problems[0].quarantinedTo!, 'REASON.txt'), 'utf8').length).toBeGreaterThan(5);
    // a third open sees a clean store
    const third = await ProfileStore.open(dir);
    expect(third.problems).toHaveLength(0);
    expect(third.get(a.id).name).toBe('Anna');
  });

  it('detects a damaged recording when it is read back', async () => {
    const s = await ProfileStore.open(dir);
    const a = await s.create('Anna', 'm', [utt(1)]);
    fs.writeFileSync(paths.recording(dir, a.id, a.utterances[0].id), 'garbage');
    expect(() => s.readRecording(a, a.utterances[0])).toThrow(expect.objectContaining({ code: 'STORE_CORRUPT' }));
  });

  it('sweeps leftovers of a writer killed half-way and never shows them as profiles', async () => {
    const s = await ProfileStore.open(dir);
    const a = await s.create('Anna', 'm', [utt(1)]);
    // a create killed before its rename, a temp file of a killed profile.json write, an orphan recording
    fs.mkdirSync(path.join(dir, 'profiles', '.tmp-0123456789abcdef'));
    fs.writeFileSync(path.join(dir, 'profiles', '.tmp-0123456789abcdef', 'profile.json'), '{');
    fs.writeFileSync(path.join(paths.profileDir(dir, a.id), '.tmp-abc-profile.json'), '{"half');
    fs.writeFileSync(path.join(paths.profileDir(dir, a.id), 'rec-ffffffffffff.wav'), 'orphan');
    const again = await ProfileStore.open(dir);
    expect(again.list()).toHaveLength(1);
    expect(again.problems).toHaveLength(0);
    await again.append('Anna', 'm', [utt(2)]);
    const left = listTree(dir);
    expect(left.some((f) => f.includes('.tmp-'))).toBe(false);
    expect(left.some((f) => f.includes('ffffffffffff'))).toBe(false);
  });

  it('writes atomically: no temp files remain and a failed write leaves the old file', async () => {
    const s = await ProfileStore.open(dir);
    const a = await s.create('Anna', 'm', [utt(1)]);
    const before = fs.readFileSync(paths.profileFile(dir, a.id), 'utf8');
    // make the profile folder read-only: the temp file cannot be created, the old file survives
    if (process.getuid?.() !== 0) {
      fs.chmodSync(paths.profileDir(dir, a.id), 0o500);
      await expect(s.rename('Anna', 'Anne')).rejects.toThrow();
      fs.chmodSync(paths.profileDir(dir, a.id), 0o700);
      expect(fs.readFileSync(paths.profileFile(dir, a.id), 'utf8')).toBe(before);
    }
    expect(listTree(dir).some((f) => f.includes('.tmp-'))).toBe(false);
  });

  it('migrates a version-1 store (number arrays, no checksums) and is idempotent', async () => {
    const id = '00112233445566aa';
    const pdir = path.join(dir, 'profiles', id);
    fs.mkdirSync(pdir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'store.json'), JSON.stringify({ format: 'voxprint-store', version: 1, createdAt: 'x' }));
    const e1 = Array.from(vec(1));
    const e2 = Array.from(vec(2));
    fs.writeFileSync(
      path.join(pdir, 'profile.json'),
      JSON.stringify({
        id,
        name: 'Old Timer',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-02T00:00:00.000Z',
        modelId: 'old-model',
        centroid: e1.map((x, i) => x + e2[i]),
        utterances: [
          { id: 'aaaaaaaaaaaa', source: 'a.wav', durationSec: 2, speechSec: 1, embedding: e1 },
          { id: 'bbbbbbbbbbbb', source: 'b.wav', durationSec: 2, speechSec: 1, embedding: e2 },
        ],
      }),
    );
    fs.writeFileSync(path.join(pdir, 'rec-aaaaaaaaaaaa.wav'), 'A');
    fs.writeFileSync(path.join(pdir, 'rec-bbbbbbbbbbbb.wav'), 'B');
    // a second v1 profile whose recording is missing: quarantined, not fatal
    const bad = '00112233445566bb';
    fs.mkdirSync(path.join(dir, 'profiles', bad));
    fs.writeFileSync(
      path.join(dir, 'profiles', bad, 'profile.json'),
      JSON.stringify({ id: bad, name: 'Lost', createdAt: 'x', updatedAt: 'x', modelId: 'm', centroid: [1], utterances: [{ id: 'cccccccccccc', source: 'c', durationSec: 1, speechSec: 1, embedding: [1] }] }),
    );

    const s = await ProfileStore.open(dir);
    expect(s.migration).toMatchObject({ from: 1, to: STORE_VERSION, migrated: 1 });
    expect(s.migration?.quarantined.map((q) => q.entry)).toEqual([bad]);
    const p = s.get('old timer');
    expect(p.dim).toBe(8);
    expect(Array.from(p.utterances[1].embedding)).toEqual(Array.from(Float32Array.from(e2)));
    expect(Buffer.from(s.readRecording(p, p.utterances[0])).toString()).toBe('A');
    const raw = JSON.parse(fs.readFileSync(paths.profileFile(dir, id), 'utf8'));
    expect(raw).toMatchObject({ format: 'voxprint-profile', version: 2 });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'store.json'), 'utf8')).version).toBe(STORE_VERSION);

    // re-running the migration (e.g. after a kill before store.json was bumped) changes nothing
    fs.writeFileSync(path.join(dir, 'store.json'), JSON.stringify({ format: 'voxprint-store', version: 1, createdAt: 'x' }));
    const again = await ProfileStore.open(dir);
    expect(again.migration?.migrated).toBe(0);
    expect(again.get(id).centroid).toEqual(p.centroid);
  });

  it('refuses a store from a newer voxprint, and a non-empty folder that is not a store', async () => {
    fs.writeFileSync(path.join(dir, 'store.json'), JSON.stringify({ format: 'voxprint-store', version: 99, createdAt: 'x' }));
    await expect(ProfileStore.open(dir)).rejects.toMatchObject({ code: 'STORE_VERSION' });
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-notastore-'));
    fs.writeFileSync(path.join(other, 'thesis.docx'), 'x');
    await expect(ProfileStore.open(other)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(fs.readdirSync(other)).toEqual(['thesis.docx']);
    fs.rmSync(other, { recursive: true });
  });

  it('rebuilds a damaged store.json and keeps the profiles', async () => {
    const s = await ProfileStore.open(dir);
    await s.create('Anna', 'm', [utt(1)]);
    fs.writeFileSync(path.join(dir, 'store.json'), '{"format":"voxp');
    const again = await ProfileStore.open(dir);
    expect(again.get('Anna')).toBeTruthy();
    expect(fs.readdirSync(path.join(dir, 'quarantine')).some((e) => e.startsWith('store.json'))).toBe(true);
  });

  it('exports and imports a profile under a fresh id, checking hashes', async () => {
    const s = await ProfileStore.open(dir);
    const a = await s.create('Anna', 'm', [utt(1), utt(2)]);
    const bytes = s.exportProfile('Anna');
    const other = await ProfileStore.open(path.join(dir, 'other'));
    const imp = await other.importProfile(bytes);
    expect(imp.id).not.toBe(a.id);
    expect(imp.name).toBe('Anna');
    expect(Array.from(imp.centroid)).toEqual(Array.from(a.centroid));
    expect(Buffer.from(other.readRecording(imp, imp.utterances[1]))).toEqual(Buffer.from(utt(2).wav));
    // into the same store: the name is taken unless a new one is given
    await expect(s.importProfile(bytes)).rejects.toMatchObject({ code: 'SPEAKER_EXISTS' });
    expect((await s.importProfile(bytes, { name: 'Anna (copy)' })).name).toBe('Anna (copy)');

    const doc = JSON.parse(new TextDecoder().decode(bytes));
    doc.profile.utterances[0].wav = Buffer.from('tampered').toString('base64');
    await expect(other.importProfile(new TextEncoder().encode(JSON.stringify(doc)))).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(other.importProfile(new TextEncoder().encode('not json'))).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    doc.profile.utterances[0].embedding = f32ToBase64(new Float32Array(3));
    await expect(other.importProfile(new TextEncoder().encode(JSON.stringify(doc)))).rejects.toBeInstanceOf(VoxprintError);
  });

  it('sees changes made by another store instance (another process) via the generation counter', async () => {
    const s1 = await ProfileStore.open(dir);
    const s2 = await ProfileStore.open(dir);
    await s1.create('Anna', 'm', [utt(1)]);
    expect(s2.find('Anna')).toBeUndefined();
    s2.refresh();
    expect(s2.find('Anna')).toBeTruthy();
    // a writer re-reads before writing, so s2 cannot create a duplicate it had not seen
    const s3 = await ProfileStore.open(dir);
    await s1.create('Bob', 'm', [utt(2)]);
    await expect(s3.create('bob', 'm', [utt(3)])).rejects.toBeInstanceOf(StoreError);
  });

  it('stores the threshold override in settings.json', async () => {
    const s = await ProfileStore.open(dir);
    expect(s.settings().threshold).toBeUndefined();
    await s.setThreshold(0.42);
    expect((await ProfileStore.open(dir)).settings().threshold).toBe(0.42);
    await expect(s.setThreshold(3)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await s.setThreshold(undefined);
    expect(s.settings().threshold).toBeUndefined();
  });

  it("stores a calibrated model's llr threshold beside, never with, a cosine one; clearing drops both", async () => {
    const s = await ProfileStore.open(dir);
    await s.setThreshold(0.42);
    await s.setThreshold(3, 'llr'); // outside a cosine's range, inside an llr's
    const settings = (await ProfileStore.open(dir)).settings();
    expect(settings.llrThreshold).toBe(3);
    expect(settings.threshold).toBeUndefined();
    await expect(s.setThreshold(25, 'llr')).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/llr threshold must be a number between -20 and 20/) });
    await expect(s.setThreshold(Number.NaN, 'llr')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(s.settings().llrThreshold).toBe(3);
    await s.setThreshold(0.5);
    expect(s.settings()).toMatchObject({ threshold: 0.5 });
    expect(s.settings().llrThreshold).toBeUndefined();
    await s.setThreshold(-2, 'llr');
    await s.setThreshold(undefined);
    expect(s.settings()).toEqual({ format: 'voxprint-settings', version: 1 });
  });
});
