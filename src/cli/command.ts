/**
 * Command definitions and argument parsing (node's util.parseArgs, strict: unknown options,
 * missing values and wrong argument counts are usage errors, exit code 2).
 */
import { parseArgs } from 'node:util';
import { InvalidArgumentError, VoxprintError } from '../errors';
import type { Engine } from '../engine';
import type { CliIo, ProgressBar } from './io';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. "N" or "FILE". */
  value?: string;
  help: string;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Ctx {
  io: CliIo;
  json: boolean;
  storeDir?: string;
  modelDir?: string;
  /** Opens the engine (store + model); `model: false` opens it without requiring a model. */
  engine(opts?: { model?: boolean }): Promise<Engine>;
  progress: ProgressBar;
  /** Aborted on Ctrl-C, for long commands. */
  signal: AbortSignal;
  /** Prints the result: JSON when --json, else the text. */
  out(text: string, json: object): void;
  /** A warning on stderr (not in --json stdout). */
  warn(text: string): void;
}

export interface CommandSpec {
  name: string;
  /** Positional arguments as shown in usage, e.g. "NAME FILE...". */
  args: string;
  summary: string;
  description?: string;
  minArgs: number;
  maxArgs: number;
  options: Record<string, OptionSpec>;
  examples: string[];
  /** Resolves to the exit code when it is not 0 (verify's EXIT_REJECTED), else to nothing. */
  run(ctx: Ctx, values: Values, positionals: string[]): Promise<void | number>;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  store: { type: 'string', value: 'DIR', help: 'profile store folder (default: $VOXPRINT_HOME, else the per-user app-data folder)' },
  model: { type: 'string', value: 'DIR', help: 'model folder (default: the version chosen in the store, see voxprint models list; else $VOXPRINT_MODEL, else models/default)' },
  json: { type: 'boolean', help: 'print exactly one JSON object on stdout instead of text (with verify/identify --stream: one object per line)' },
  help: { type: 'boolean', short: 'h', help: 'show help (also: voxprint COMMAND --help)' },
  version: { type: 'boolean', short: 'V', help: 'print the version and the TensorFlow.js backend in use' },
};

/**
 * Finds the command word: the first argument that is neither an option nor the value of a global
 * option that takes one. Returns its index, or -1.
 */
export function findCommand(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!a.startsWith('-') || a === '-') return i;
    const name = a.replace(/^--?/, '');
    const spec = GLOBAL_OPTIONS[name];
    if (spec?.type === 'string' && !a.includes('=')) i++;
  }
  return -1;
}

/** Parses `argv` (without the command word) against the global and the command's options. */
export function parseCommandArgs(cmd: CommandSpec | undefined, argv: string[]): { values: Values; positionals: string[] } {
  const options = { ...GLOBAL_OPTIONS, ...(cmd?.options ?? {}) };
  const config = Object.fromEntries(
    Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]),
  );
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: true, strict: true }) as { values: Values; positionals: string[] };
  } catch (e) {
    const what = cmd ? `voxprint ${cmd.name} --help` : 'voxprint --help';
    throw new InvalidArgumentError(`${(e as Error).message.split('\n')[0]} (see ${what}).`);
  }
  for (const [k, v] of Object.entries(parsed.values)) {
    if (typeof v === 'string' && v.length === 0) throw new InvalidArgumentError(`--${k} needs a value.`);
  }
  if (cmd && !parsed.values.help) {
    const n = parsed.positionals.length;
    if (n < cmd.minArgs || n > cmd.maxArgs)
      throw new InvalidArgumentError(
        `${n < cmd.minArgs ? 'Missing arguments' : 'Too many arguments'}: usage is "voxprint ${cmd.name} ${cmd.args}" (see voxprint ${cmd.name} --help).`,
      );
  }
  return parsed;
}

/** A whole number in [min, max] from an option value. */
export function intOption(name: string, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (!/^-?\d+$/.test(s) || Number(s) < min || Number(s) > max)
    throw new InvalidArgumentError(`--${name} must be a whole number from ${min} to ${max}, not "${s}".`);
  return Number(s);
}

/** A finite number in [min, max] from an option or argument value. */
export function numberOption(name: string, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  const n = Number(s);
  if (s === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}, not "${s}".`);
  return n;
}

/** "a, b or c": a choice list in help text. */
export function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(name: string, v: unknown, choices: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!choices.includes(v as T)) throw new InvalidArgumentError(`--${name} must be one of ${choices.join(', ')}, not "${String(v)}".`);
  return v as T;
}

export function renderCommandHelp(cmd: CommandSpec): string {
  const lines = [`Usage: voxprint ${cmd.name} ${cmd.args}${Object.keys(cmd.options).length ? ' [options]' : ''}`, '', cmd.summary];
  if (cmd.description) lines.push('', cmd.description);
  if (Object.keys(cmd.options).length) lines.push('', 'Options:', ...optionLines(cmd.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (cmd.examples.length) lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

export function optionLines(opts: Record<string, OptionSpec>): string[] {
  const heads = Object.entries(opts).map(([k, o]) => `${o.short ? `-${o.short}, ` : '    '}--${k}${o.value ? ` ${o.value}` : ''}`);
  const w = Math.max(...heads.map((h) => h.length));
  return Object.values(opts).map((o, i) => `  ${heads[i].padEnd(w)}  ${o.help}`);
}

/** Turns a non-VoxprintError into an internal error, keeping VoxprintErrors as they are. */
export function asVoxprintError(e: unknown): VoxprintError {
  if (e instanceof VoxprintError) return e;
  // File-system refusals are the user's to fix (a read-only or full disk, a folder they cannot write).
  const errno = e as NodeJS.ErrnoException;
  const fix: Record<string, string> = {
    EACCES: 'permission denied: choose a folder you can write to (--store DIR) or fix its permissions',
    EPERM: 'operation not permitted: choose a folder you can write to (--store DIR) or fix its permissions',
    EROFS: 'the file system is read-only: choose another folder (--store DIR)',
    ENOSPC: 'the disk is full: free some space and try again',
    EDQUOT: 'the disk quota is exceeded: free some space and try again',
  };
  if (errno?.code && fix[errno.code])
    return new InvalidArgumentError(`Cannot write ${errno.path ?? 'a file'}: ${fix[errno.code]}.`, { subject: errno.path, cause: e });
  return new VoxprintError('INTERNAL', `Internal error: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
