import type { CommandSpec } from '../command';
import { intOption } from '../command';
import { table } from '../io';
import { requireFiles } from './files';
import { checkStreamOptions, runLiveIdentify, runLiveVerify, STREAM_HELP, STREAM_OPTIONS } from './live';

export const verify: CommandSpec = {
  name: 'verify',
  args: 'NAME FILE',
  summary: 'Is the voice in FILE the enrolled speaker NAME? Prints the score, the threshold and the decision.',
  description:
    'The score is the cosine similarity between the recording and the speaker\'s centroid, from -1 to 1; the speaker is accepted when it is at or above the threshold. ' +
    STREAM_HELP,
  minArgs: 2,
  maxArgs: 2,
  options: { ...STREAM_OPTIONS },
  examples: [
    'voxprint verify "Anna Smith" test.wav',
    'voxprint --json verify anna test.wav',
    'voxprint --json verify anna test.wav --stream',
    'arecord -f S16_LE -r 16000 -c 1 | voxprint verify anna - --stream',
  ],
  async run(ctx, values, [name, file]) {
    if (checkStreamOptions(values)) return runLiveVerify(ctx, name, file, Boolean(values.realtime));
    requireFiles([file]);
    const engine = await ctx.engine();
    const r = await engine.verify(name, { path: file });
    ctx.out(
      `${r.accepted ? 'ACCEPTED' : 'REJECTED'}: ${r.accepted ? 'this is' : 'this is not'} "${r.speaker}" ` +
        `(score ${r.score.toFixed(4)} ${r.accepted ? '>=' : '<'} threshold ${r.threshold.toFixed(4)}; ${r.latencyMs.toFixed(0)} ms)\n`,
      r,
    );
  },
};

export const identify: CommandSpec = {
  name: 'identify',
  args: 'FILE',
  summary: 'Who among the enrolled speakers is speaking in FILE? Lists the closest speakers; "unknown" below the threshold.',
  description: STREAM_HELP.replace('"score"', '"score", "best", "candidates"').replace('"accepted" and', '"accepted", "identified" and'),
  minArgs: 1,
  maxArgs: 1,
  options: { top: { type: 'string', value: 'N', help: 'how many candidates to list (default 3)' }, ...STREAM_OPTIONS },
  examples: ['voxprint identify mystery.wav', 'voxprint identify mystery.wav --top 5', 'voxprint --json identify mystery.wav --stream'],
  async run(ctx, values, [file]) {
    const top = intOption('top', values.top, 1, 1000) ?? 3;
    if (checkStreamOptions(values)) return runLiveIdentify(ctx, file, top, Boolean(values.realtime));
    requireFiles([file]);
    const engine = await ctx.engine();
    const r = await engine.identify({ path: file }, { top });
    if (r.candidates.length === 0) {
      ctx.out('No speakers are enrolled yet: enroll some with "voxprint enroll NAME FILE...".\n', r);
      return;
    }
    const rows = [['rank', 'speaker', 'score'], ...r.candidates.map((c, i) => [String(i + 1), c.speaker, c.score.toFixed(4)])];
    const head = r.best
      ? `Best match: "${r.best}" (score ${r.candidates[0].score.toFixed(4)} >= threshold ${r.threshold.toFixed(4)})`
      : `Unknown speaker: no enrolled speaker reaches the threshold ${r.threshold.toFixed(4)}`;
    ctx.out(`${head}\n${table(rows)}`, r);
  },
};
