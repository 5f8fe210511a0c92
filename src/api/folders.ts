/** Checking a fine-tune data folder laid out as SPEAKER/*.wav before a job starts. */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { InvalidArgumentError } from '../errors';
import type { Res } from './contract';

const AUDIO = /\.(wav|flac|mp3|ogg)$/i;
/** A folder with more speakers than this is refused before anything reads it all. */
const MAX_SPEAKERS = 5000;

export function inspectFolder(path: string): Res<'inspectFolder'> {
  if (!isAbsolute(path)) {
    throw new InvalidArgumentError(`"${path}" is not a full path. Give the folder's full path, e.g. /home/me/voices.`, { subject: path });
  }
  let entries;
  try {
    if (!statSync(path).isDirectory()) throw new Error('not a folder');
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    throw new InvalidArgumentError(`There is no readable folder at ${path}. Check the path and its permissions.`, { subject: path });
  }
  const problems: string[] = [];
  let speakers = 0;
  let files = 0;
  const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  if (dirs.length > MAX_SPEAKERS) {
    throw new InvalidArgumentError(`${path} has ${dirs.length} sub-folders; at most ${MAX_SPEAKERS} speakers are supported.`, { subject: path });
  }
  const loose = entries.filter((e) => e.isFile() && AUDIO.test(e.name)).length;
  if (loose > 0) problems.push(`${loose} audio file(s) lie directly in the folder and are ignored: put each speaker's files in their own sub-folder.`);
  const thin: string[] = [];
  for (const d of dirs) {
    let n = 0;
    try {
      n = readdirSync(join(path, d.name)).filter((f) => AUDIO.test(f)).length;
    } catch {
      problems.push(`Could not read ${d.name}/.`);
    }
    if (n > 0) {
      speakers++;
      files += n;
      if (n < 2) thin.push(d.name);
    }
  }
  if (thin.length) problems.push(`${thin.length} speaker(s) have a single file, which teaches little: ${thin.slice(0, 5).join(', ')}${thin.length > 5 ? ', …' : ''}.`);
  if (speakers === 0) problems.push('No speaker sub-folders with audio files were found.');
  else if (speakers < 2) problems.push('Fine-tuning needs at least two speakers.');
  return { path, speakers, files, problems };
}
