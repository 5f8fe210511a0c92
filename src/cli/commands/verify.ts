import { SAMPLE_RATE } from '../../features/front-end';
import type { CommandSpec } from '../command';
import { intOption } from '../command';
import { table } from '../io';
import { requireFiles } from './files';
import { EXIT_REJECTED } from './exit-codes';
import { checkStreamOptions, runLiveIdentify, runLiveVerify, STREAM_HELP, STREAM_OPTIONS } from './live';

/** ", llr 2.31, P(same speaker) 91%" when the model is calibrated. */
function calibratedText(r: { llr?: number; probability?: number }): string {
  return r.llr === undefined || r.probability === undefined ? '' : `, llr ${r.llr.toFixed(2)}, P(same speaker) ${probabilityText(r.probability)}`;
}

function probabilityText(p: number): string {
  return p > 0.999 ? '>99.9%' : p < 0.001 ? '<0.1%' : `${(100 * p).toFixed(1)}%`;
}

export const verify: CommandSpec = {
  name: 'verify',
  args: 'NAME FILE',
  summary: 'Is the voice in FILE the enrolled speaker NAME? Prints the score, the threshold and the decision.',
  description:
    "The score is the cosine similarity between the recording and the speaker's centroid, from -1 to 1; the speaker is accepted when it is at or above the threshold. " +
    'With a calibrated model (models/default is) the decision is made on the calibrated log-likelihood ratio, which also weighs the seconds of speech and how the channel makes voices alike: ' +
    'the threshold shown is the cosine this recording had to reach, and the probability is P(same speaker) at even prior odds. ' +
    `Exit code 0 when accepted, ${EXIT_REJECTED} when rejected, 2 when the recording has too little speech to score (TOO_LITTLE_SPEECH) or another input error.` +
    ' ' +
    STREAM_HELP,
  minArgs: 2,
  maxArgs: 2,
  options: { ...STREAM_OPTIONS },
  examples: [
    'voxprint verify "Anna Smith" test.wav',
    'voxprint --json verify anna test.wav',
    'voxprint --json verify anna test.wav --stream',
    `arecord -f S16_LE -r ${SAMPLE_RATE} -c 1 | voxprint verify anna - --stream`,
  ],
  async run(ctx, values, [name, file]) {
    if (checkStreamOptions(values)) return runLiveVerify(ctx, name, file, Boolean(values.realtime));
    requireFiles([file]);
    const engine = await ctx.engine();
    const r = await engine.verify(name, { path: file });
    ctx.out(
      `${r.accepted ? 'ACCEPTED' : 'REJECTED'}: ${r.accepted ? 'this is' : 'this is not'} "${r.speaker}" ` +
        `(score ${r.score.toFixed(4)} ${r.accepted ? '>=' : '<'} threshold ${r.threshold.toFixed(4)}${calibratedText(r)}; ${r.latencyMs.toFixed(0)} ms)\n`,
      r,
    );
    return r.accepted ? 0 : EXIT_REJECTED;
  },
};

export const identify: CommandSpec = {
  name: 'identify',
  args: 'FILE',
  summary: 'Who among the enrolled speakers is speaking in FILE? Lists the closest speakers; "unknown" below the threshold.',
  description:
    `Exit code 0 when an enrolled speaker reaches the threshold, ${EXIT_REJECTED} when none does (or none is enrolled), 2 when the recording has too little speech to score. ` +
    STREAM_HELP.replace('"score"', '"score", "best", "candidates"').replace('"accepted" and', '"accepted", "identified" and'),
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
      return EXIT_REJECTED;
    }
    const calibrated = r.candidates[0].probability !== undefined;
    const rows = [
      ['rank', 'speaker', 'score', ...(calibrated ? ['P(same)'] : [])],
      ...r.candidates.map((c, i) => [String(i + 1), c.speaker, c.score.toFixed(4), ...(calibrated ? [probabilityText(c.probability!)] : [])]),
    ];
    const head = r.best
      ? `Best match: "${r.best}" (score ${r.candidates[0].score.toFixed(4)} >= threshold ${r.threshold.toFixed(4)})`
      : `Unknown speaker: no enrolled speaker reaches the threshold ${r.threshold.toFixed(4)}`;
    ctx.out(`${head}\n${table(rows)}`, r);
    return r.best ? 0 : EXIT_REJECTED;
  },
};
