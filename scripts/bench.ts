/**
 * `npm run bench [-- --json] [-- --quick]`: the speed figures of voxprint on real recordings from
 * ../shared/data (see docs/performance.md). Progress goes to stderr; the report (or, with --json,
 * one JSON object) to stdout. --quick is the short CI mode: fewer runs, same figures.
 * Options: --data DIR (default ../shared/data), --model DIR (default models/default; a
 * random-init model of the same architecture when it is absent), --out FILE (also write the JSON
 * object there).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatBench } from '../src/bench/format';
import { runBench } from '../src/bench/run';
import { benchFeatures } from './bench-features';

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const data = option(args, '--data');
  const model = option(args, '--model');
  const r = await runBench({
    quick: args.includes('--quick'),
    data: data ? resolve(data) : undefined,
    modelDir: model ? resolve(model) : undefined,
    benchFeatures,
    log: (line) => process.stderr.write(`[bench] ${line}\n`),
  });
  const out = option(args, '--out');
  if (out) writeFileSync(out, `${JSON.stringify(r, null, 2)}\n`);
  process.stdout.write(args.includes('--json') ? `${JSON.stringify(r)}\n` : formatBench(r));
}

await main();
