/**
 * `voxprint models list|use VERSION|rollback [VERSION]`: the built-in model and the fine-tuned
 * versions of this store (src/model/registry.ts). Switching re-embeds every profile before it
 * commits, so a failure half-way leaves the old model and profiles in use.
 */
import { InvalidArgumentError } from '../../errors';
import { builtinModelDir } from '../../model/resolve';
import type { ModelRegistry, SwitchResult } from '../../model/registry';
import { defaultStoreDir } from '../../speakers/home';
import { ProfileStore } from '../../speakers/store';
import type { CommandSpec, Ctx } from '../command';
import { pct, table } from '../io';

export const modelsCmd: CommandSpec = {
  name: 'models',
  args: 'list | use VERSION | rollback [VERSION]',
  summary: 'List the model versions of this store, switch to one (re-embedding every profile), or roll back.',
  description:
    'Versions are the built-in model and those made by "voxprint finetune" (STORE/models/). "use" and "rollback" compute the new ' +
    "model's embeddings of every profile from its stored recordings before switching (or reuse them, when the profile has been used " +
    'with that model before); if that fails, nothing changes. "rollback" goes back to the model used before the last switch, or to VERSION. ' +
    'Commands run without --model use the version chosen here.',
  minArgs: 1,
  maxArgs: 2,
  options: {},
  examples: ['voxprint models list', 'voxprint models use ft-20260101-120000-abcdef', 'voxprint models rollback', 'voxprint --json models list'],
  async run(ctx, _v, [action, version]) {
    // Loaded here, not at start: the registry pulls in tfjs, which `voxprint --help` never needs.
    const { ModelRegistry, rollbackModel, switchModel } = await import('../../model/registry');
    const storeDir = ctx.storeDir ?? defaultStoreDir(ctx.io.env);
    const registry = new ModelRegistry({ storeDir, builtinDir: builtinModelDir(ctx.io.env) });
    if (action === 'list') {
      if (version !== undefined) throw new InvalidArgumentError('"voxprint models list" takes no VERSION.');
      return list(ctx, registry);
    }
    if (action !== 'use' && action !== 'rollback') throw new InvalidArgumentError(`Unknown action "${action}": use list, use VERSION or rollback [VERSION].`);
    if (action === 'use' && version === undefined) throw new InvalidArgumentError('Give the version to use: "voxprint models use VERSION" (see voxprint models list).');
    const store = await ProfileStore.open(storeDir);
    const onProgress = (done: number, total: number) => ctx.progress.update('re-embedding the profiles', done, total);
    const r = action === 'use' ? await switchModel(registry, store, version!, { signal: ctx.signal, onProgress }) : await rollbackModel(registry, store, version, { signal: ctx.signal, onProgress });
    ctx.progress.clear();
    report(ctx, r);
  },
};

async function list(ctx: Ctx, registry: ModelRegistry): Promise<void> {
  const { finetuneFigures } = await import('../../model/registry');
  const entries = await registry.entries();
  const activeId = await registry.activeId();
  const { previousId } = registry.state();
  const models = entries.map((e) => {
    const f = finetuneFigures(e.card);
    return { id: e.id, builtin: e.builtin, active: e.id === activeId, parent: e.card.parent, createdAt: e.card.createdAt, dir: e.dir, eerBefore: f.eerBefore ?? null, eerAfter: f.eerAfter ?? null };
  });
  const text = models.length
    ? table([
        ['', 'version', 'kind', 'parent', 'created', 'local EER before -> after'],
        ...models.map((m) => [
          m.active ? '*' : m.id === previousId ? '<' : '',
          m.id,
          m.builtin ? 'built-in' : 'fine-tuned',
          m.parent ?? '-',
          m.createdAt.slice(0, 19).replace('T', ' '),
          m.eerBefore !== null && m.eerAfter !== null ? `${pct(m.eerBefore)} -> ${pct(m.eerAfter)}` : '-',
        ]),
      ]) + `* in use${previousId ? ', < the one before (voxprint models rollback)' : ''}\n`
    : 'No models installed. Train the default model with "npm run train:default".\n';
  ctx.out(text, { storeDir: registry.storeDir, activeId, previousId, models });
}

function report(ctx: Ctx, r: SwitchResult): void {
  ctx.out(
    `Now using ${r.model.id}. ${r.profiles} profile(s): ${r.reembedded} re-embedded from their recordings, ${r.profiles - r.reembedded} already had its embeddings.` +
      (r.previousId ? ` Go back with "voxprint models rollback" (to ${r.previousId}).` : '') +
      '\n',
    { model: { id: r.model.id, dir: r.model.dir }, previousId: r.previousId, reembedded: r.reembedded, switched: r.switched, profiles: r.profiles },
  );
}
