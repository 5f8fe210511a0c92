import type { CommandSpec } from '../command';
import { table } from '../io';
import { requireFiles } from './files';

export const enroll: CommandSpec = {
  name: 'enroll',
  args: 'NAME FILE...',
  summary: 'Enroll a speaker from one or more recordings, with quality feedback per take.',
  description:
    'Each take is checked (speech found, level, clipping, noise); takes without usable speech are left out. ' +
    'The recordings are kept in the store as 16 kHz WAV so the speaker can be re-embedded after a model update. ' +
    'Aim for 20 s of speech in total; at least 1.5 s is required.',
  minArgs: 2,
  maxArgs: Infinity,
  options: { append: { type: 'boolean', help: 'add the takes to an existing speaker instead of creating one' } },
  examples: ['voxprint enroll "Anna Smith" anna1.wav anna2.flac anna3.mp3', 'voxprint enroll anna --append anna4.wav'],
  async run(ctx, values, [name, ...files]) {
    requireFiles(files);
    const engine = await ctx.engine();
    const r = await engine.enroll(name, files.map((path) => ({ path })), { append: Boolean(values.append) });
    const rows = [['take', 'speech', 'level', 'SNR', 'used', 'feedback']];
    for (const t of r.takes)
      rows.push([
        t.name,
        `${t.speechSec.toFixed(1)} s`,
        `${t.rmsDb.toFixed(0)} dBFS`,
        `${t.snrDb.toFixed(0)} dB`,
        t.usable ? 'yes' : 'no',
        t.issues.length ? t.issues.map((i) => `${i.message}: ${i.fix}`).join('; ') : 'ok',
      ]);
    const verb = values.append ? 'Added to' : 'Enrolled';
    ctx.out(
      table(rows) +
        `${verb} "${r.speaker.name}" (id ${r.speaker.id}): ${r.takes.filter((t) => t.usable).length} take(s), ` +
        `${r.speechSec.toFixed(1)} s of speech used; profile now has ${r.speaker.speechSec.toFixed(1)} s.` +
        (r.speaker.speechSec < 20 ? ' More speech (20 s or so) makes verification more reliable.' : '') +
        '\n',
      r,
    );
  },
};
