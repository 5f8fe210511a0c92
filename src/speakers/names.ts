/**
 * Speaker display names. A name is shown to people and matched on input; it never becomes a file
 * name (profiles live under random ids), so `../../x` or a 50-character emoji string is harmless.
 * We still refuse names that would be confusing or unprintable: control characters, bidi
 * overrides (they can make one name display as another) and very long names.
 */
import { InvalidArgumentError } from '../errors';

export const MAX_NAME_CHARS = 100;

// C0/C1 controls, and the bidi embedding/override/isolate characters.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Validates and normalises a display name (NFC, outer whitespace trimmed).
 * Throws InvalidArgumentError saying what is wrong.
 */
export function normalizeName(raw: unknown): string {
  if (typeof raw !== 'string') throw new InvalidArgumentError('A speaker name must be text.');
  const name = raw.normalize('NFC').trim();
  if (name.length === 0) throw new InvalidArgumentError('A speaker name cannot be empty.');
  const chars = [...name].length;
  if (chars > MAX_NAME_CHARS)
    throw new InvalidArgumentError(
      `A speaker name can have at most ${MAX_NAME_CHARS} characters (this one has ${chars}). Use a shorter name.`,
    );
  if (FORBIDDEN.test(name))
    throw new InvalidArgumentError(
      'A speaker name cannot contain control characters or text-direction overrides. Use letters, digits, spaces and punctuation.',
    );
  return name;
}

/** The key two names collide on: compatibility-normalised and case-folded ("Anna" = "ＡＮＮＡ" = "anna"). */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFC');
}
