import type { CommandSpec } from '../command';
import { requireFiles } from './files';

export const embed: CommandSpec = {
  name: 'embed',
  args: 'FILE...',
  summary: 'Print the speaker embedding (L2-normalised) of each recording.',
  description: 'Text output shows the first values; --json gives the full vectors.',
  minArgs: 1,
  maxArgs: Infinity,
  options: {},
  examples: ['voxprint embed a.wav b.flac', 'voxprint --json embed a.wav > a.json'],
  async run(ctx, _v, files) {
    requireFiles(files);
    const engine = await ctx.engine({ model: true });
    const embeddings: { file: string; dim: number; embedding: number[] }[] = [];
    for (let i = 0; i < files.length; i++) {
      ctx.progress.update('embedding', i, files.length);
      const e = await engine.embed({ path: files[i] });
      embeddings.push({ file: files[i], dim: e.length, embedding: Array.from(e) });
    }
    ctx.progress.clear();
    const text = embeddings
      .map((e) => `${e.file}: ${e.dim} dims [${e.embedding.slice(0, 6).map((v) => v.toFixed(4)).join(', ')}${e.dim > 6 ? ', ...' : ''}]`)
      .join('\n');
    ctx.out(`${text}\n`, { modelId: engine.modelId, embeddings });
  },
};
