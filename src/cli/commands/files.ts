/** Argument checks shared by the commands that take audio files. */
import * as fs from 'node:fs';
import { InvalidArgumentError, VoxprintError } from '../../errors';

/** Checks, before any work starts, that every path names a readable file. */
export function requireFiles(paths: string[]): void {
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new VoxprintError('FILE_NOT_FOUND', `${p}: no such file. Check the path and try again.`, { subject: p });
    }
    if (!st.isFile()) throw new InvalidArgumentError(`${p} is not a file. Give the path of an audio file.`, { subject: p });
  }
}
