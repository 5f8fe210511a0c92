/**
 * `voxprint`: the command line. `main(argv, io)` returns the exit code and never throws, so it
 * runs in-process in tests as well as from bin/voxprint.js.
 *
 * Exit codes: 0 ok; 2 bad input or usage (a VoxprintError a user can fix; its message is printed
 * in words, without a stack trace); 3 verify rejected / identify found nobody (EXIT_REJECTED);
 * 1 internal error; 130 cancelled with Ctrl-C.
 */
// First: zod then builds no parser code at run time, which a one-shot command never pays back.
import '../api/zod-jitless';
import { plannedBackend, tfjsVersion } from '../backend-plan';
import { enableCompileCache, skipUnusedTfjsPackages } from '../compile-cache';
import type { Engine } from '../engine';
import { InvalidArgumentError, isUserError, VoxprintError } from '../errors';
import pkg from '../../package.json';
import { asVoxprintError, findCommand, GLOBAL_OPTIONS, optionLines, parseCommandArgs, renderCommandHelp, type CommandSpec, type Ctx } from './command';
import { embed } from './commands/embed';
import { enroll } from './commands/enroll';
import { evalCmd } from './commands/eval';
import { calibrate, threshold } from './commands/settings';
import { exportCmd, importCmd, list, reembed, remove, rename } from './commands/speakers';
import { trainCmd } from './commands/train';
import { finetuneCmd } from './commands/finetune';
import { modelsCmd } from './commands/models';
import { identify, verify } from './commands/verify';
import { processIo, ProgressBar, type CliIo } from './io';

export const COMMANDS: CommandSpec[] = [enroll, verify, identify, list, rename, remove, exportCmd, importCmd, embed, evalCmd, calibrate, threshold, reembed, trainCmd, finetuneCmd, modelsCmd];

function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length));
  return [
    `voxprint ${pkg.version}: local speaker verification. Enroll voices, then verify or identify speakers. Nothing leaves this machine.`,
    '',
    'Usage: voxprint [--store DIR] [--model DIR] [--json] COMMAND [ARGS] [OPTIONS]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(w)}  ${c.summary.split('. ')[0].replace(/\.$/, '')}`),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Exit codes: 0 ok (verify: accepted; identify: a speaker found), 3 verify rejected or identify found no one,',
    '  2 bad input or usage (no speech in the recording included), 1 internal error, 130 cancelled.',
    'Run "voxprint COMMAND --help" for a command\'s options and examples.',
    '',
  ].join('\n');
}

// Answered without loading tfjs (src/backend-plan.ts): the backend a command would use.
function versionText(env: NodeJS.ProcessEnv): { text: string; obj: object } {
  const { backend, tfjsNodeUnavailable } = plannedBackend(env);
  const tfjs = tfjsVersion();
  const obj = { version: pkg.version, backend, tfjs, node: process.version, ...(tfjsNodeUnavailable ? { tfjsNodeUnavailable } : {}) };
  const why = tfjsNodeUnavailable ? ` (tfjs-node not used: ${tfjsNodeUnavailable})` : '';
  return { text: `voxprint ${pkg.version}\ntfjs ${tfjs}, backend ${backend}${why}\nnode ${process.version}\n`, obj };
}

/** Runs one command line; resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let json = argv.includes('--json');
  const engines: Engine[] = [];
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const progress = new ProgressBar(io);
  // Not inside a test runner's process: both patch Node's module loader for the process.
  if (!io.env.VITEST) {
    enableCompileCache(io.env);
    skipUnusedTfjsPackages(argv);
  }
  try {
    const at = findCommand(argv);
    const name = at >= 0 ? argv[at] : undefined;
    const cmd = name === undefined ? undefined : COMMANDS.find((c) => c.name === name);
    if (name !== undefined && !cmd) {
      if (name === 'help') {
        io.stdout(mainHelp());
        return 0;
      }
      throw new InvalidArgumentError(`Unknown command "${name}". Commands: ${COMMANDS.map((c) => c.name).join(', ')} (see voxprint --help).`);
    }
    const rest = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 1)] : argv;
    const { values, positionals } = parseCommandArgs(cmd, rest);
    json = Boolean(values.json);
    if (values.version) {
      const v = versionText(io.env);
      io.stdout(json ? JSON.stringify(v.obj, null, 2) + '\n' : v.text);
      return 0;
    }
    if (!cmd || values.help) {
      if (!cmd && positionals.length > 0) throw new InvalidArgumentError('Give a command first (see voxprint --help).');
      io.stdout(cmd ? renderCommandHelp(cmd) : mainHelp());
      return 0;
    }
    const storeDir = values.store as string | undefined;
    const modelDir = values.model as string | undefined;
    const ctx: Ctx = {
      io,
      json,
      storeDir,
      modelDir,
      progress,
      signal: abort.signal,
      async engine(opts = {}) {
        // Loaded here, not at start: it pulls in tfjs, which --help and --version never need.
        const { Engine } = await import('../engine');
        const e = await Engine.open({ storeDir, modelDir, env: io.env, allowMissingModel: opts.model === false });
        engines.push(e);
        for (const p of e.store.problems)
          io.stderr(
            `warning: the profile of "${p.subject}" is damaged (${p.reason})` +
              (p.quarantinedTo ? ` and was moved to ${p.quarantinedTo}; enroll that speaker again.\n` : '; it is skipped.\n'),
          );
        if (e.store.migration && (e.store.migration.migrated > 0 || e.store.migration.quarantined.length > 0))
          io.stderr(`note: the profile store was upgraded from version ${e.store.migration.from} to ${e.store.migration.to}.\n`);
        return e;
      },
      out(text, obj) {
        if (json) io.stdout(JSON.stringify(obj, jsonReplacer, 2) + '\n');
        else io.stdout(text);
      },
      warn(text) {
        io.stderr(`warning: ${text}\n`);
      },
    };
    return (await cmd.run(ctx, values, positionals)) ?? 0;
  } catch (e) {
    progress.clear();
    const err = asVoxprintError(e);
    const code = err.code === 'CANCELLED' ? 130 : isUserError(err) ? 2 : 1;
    if (json) io.stdout(JSON.stringify({ error: err.toJSON() }, null, 2) + '\n');
    io.stderr(`voxprint: ${err.message}\n`);
    if (code === 1 && (io.env.VOXPRINT_DEBUG || !(e instanceof VoxprintError))) {
      const stack = (e as Error)?.stack;
      if (stack && io.env.VOXPRINT_DEBUG) io.stderr(`${stack}\n`);
      else io.stderr('This is a bug in voxprint. Run again with VOXPRINT_DEBUG=1 for details, and report it.\n');
    }
    return code;
  } finally {
    process.removeListener('SIGINT', onSigint);
    for (const e of engines) e.dispose();
  }
}

/** Float32Arrays become plain arrays in --json output. */
function jsonReplacer(_k: string, v: unknown): unknown {
  return v instanceof Float32Array ? Array.from(v) : v;
}
