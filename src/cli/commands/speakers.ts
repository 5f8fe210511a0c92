/** Commands that manage the profile store: list, rename, remove, export, import, reembed. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, VoxprintError } from '../../errors';
import { writeFileAtomic } from '../../speakers/atomic';
import { MAX_IMPORT_BYTES } from '../../speakers/store';
import type { CommandSpec } from '../command';
import { table } from '../io';

export const list: CommandSpec = {
  name: 'list',
  args: '',
  summary: 'List the enrolled speakers.',
  minArgs: 0,
  maxArgs: 0,
  options: {},
  examples: ['voxprint list', 'voxprint --json list'],
  async run(ctx) {
    const engine = await ctx.engine({ model: false });
    const speakers = engine.listSpeakers();
    const text =
      speakers.length === 0
        ? `No speakers enrolled in ${engine.store.dir}.\n`
        : table([
            ['name', 'takes', 'speech', 'enrolled', 'id', 'model'],
            ...speakers.map((s) => [s.name, String(s.utterances), `${s.speechSec.toFixed(1)} s`, s.createdAt.slice(0, 10), s.id, s.stale ? `${s.modelId} (stale: re-embedded on next use)` : s.modelId]),
          ]) + `${speakers.length} speaker(s) in ${engine.store.dir}\n`;
    ctx.out(text, { storeDir: engine.store.dir, speakers });
  },
};

export const rename: CommandSpec = {
  name: 'rename',
  args: 'NAME NEW_NAME',
  summary: 'Rename an enrolled speaker.',
  minArgs: 2,
  maxArgs: 2,
  options: {},
  examples: ['voxprint rename anna "Anna Smith"'],
  async run(ctx, _v, [name, newName]) {
    const engine = await ctx.engine({ model: false });
    const s = await engine.rename(name, newName);
    ctx.out(`Renamed "${name}" to "${s.name}".\n`, { speaker: s });
  },
};

export const remove: CommandSpec = {
  name: 'remove',
  args: 'NAME',
  summary: 'Remove a speaker. Without --purge the profile moves to the store\'s trash/ folder; with --purge its recordings and embeddings are deleted from disk.',
  minArgs: 1,
  maxArgs: 1,
  options: { purge: { type: 'boolean', help: 'delete the recordings and embeddings from disk (also any trashed copies)' } },
  examples: ['voxprint remove anna', 'voxprint remove anna --purge'],
  async run(ctx, values, [name]) {
    const engine = await ctx.engine({ model: false });
    const purge = Boolean(values.purge);
    const s = await engine.remove(name, { purge });
    ctx.out(
      purge
        ? `Removed "${s.name}" and deleted its recordings and embeddings from disk.\n`
        : `Removed "${s.name}". Its data is kept in ${path.join(engine.store.dir, 'trash')} until you delete it; use --purge to delete it at once.\n`,
      { removed: s.name, id: s.id, purged: purge },
    );
  },
};

export const exportCmd: CommandSpec = {
  name: 'export',
  args: 'NAME',
  summary: 'Export one speaker (recordings as base64 WAV, embeddings, metadata) as a single JSON file.',
  description: 'Without --out the file is written to stdout. The file holds biometric data: keep it private.',
  minArgs: 1,
  maxArgs: 1,
  options: { out: { type: 'string', value: 'FILE', help: 'write to FILE instead of stdout' } },
  examples: ['voxprint export anna --out anna.voxprint.json'],
  async run(ctx, values, [name]) {
    const engine = await ctx.engine({ model: false });
    const bytes = await engine.exportProfile(name);
    const out = values.out as string | undefined;
    if (out) {
      if (fs.existsSync(out) && fs.statSync(out).isDirectory())
        throw new InvalidArgumentError(`--out ${out} is a folder; give a file name.`, { subject: out });
      writeFileAtomic(path.resolve(out), bytes);
      ctx.out(`Exported "${name}" to ${out} (${bytes.length} bytes).\n`, { exported: name, file: path.resolve(out), bytes: bytes.length });
    } else if (ctx.json) {
      ctx.out('', JSON.parse(new TextDecoder().decode(bytes)));
    } else {
      (ctx.io.stdoutBytes ?? ((b: Uint8Array) => ctx.io.stdout(new TextDecoder().decode(b))))(bytes);
    }
  },
};

export const importCmd: CommandSpec = {
  name: 'import',
  args: 'FILE',
  summary: 'Import a speaker from a file made by "voxprint export".',
  description: 'The speaker gets a new id. If its name is taken, give another with --name. A profile made with another model is re-embedded from its recordings on first use.',
  minArgs: 1,
  maxArgs: 1,
  options: { name: { type: 'string', value: 'NAME', help: 'store it under this name' } },
  examples: ['voxprint import anna.voxprint.json', 'voxprint import anna.voxprint.json --name "Anna (laptop)"'],
  async run(ctx, values, [file]) {
    let bytes: Uint8Array;
    try {
      if (fs.statSync(file).size > MAX_IMPORT_BYTES)
        throw new InvalidArgumentError(`${file} is too large to be a voxprint profile export.`, { subject: file });
      bytes = fs.readFileSync(file);
    } catch (e) {
      if (e instanceof VoxprintError) throw e;
      throw new VoxprintError('FILE_NOT_FOUND', `${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? e}). Check the path.`, { subject: file });
    }
    const engine = await ctx.engine({ model: false });
    const s = await engine.importProfile(bytes, { name: values.name as string | undefined });
    ctx.out(`Imported "${s.name}" (id ${s.id}, ${s.utterances} take(s), ${s.speechSec.toFixed(1)} s of speech)${s.stale ? '; it was made with another model and will be re-embedded on first use' : ''}.\n`, {
      speaker: s,
    });
  },
};

export const reembed: CommandSpec = {
  name: 'reembed',
  args: '',
  summary: 'Re-embed every profile made with another model, from its stored recordings (done automatically on first use, too).',
  minArgs: 0,
  maxArgs: 0,
  options: {},
  examples: ['voxprint --model models/new reembed'],
  async run(ctx) {
    const engine = await ctx.engine();
    const n = await engine.reembedStale((done, total) => ctx.progress.update('re-embedding', done, total));
    ctx.progress.clear();
    ctx.out(`Re-embedded ${n} profile(s) with model ${engine.modelId}.\n`, { reembedded: n, modelId: engine.modelId });
  },
};
