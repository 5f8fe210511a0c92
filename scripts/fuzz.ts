/**
 * npm run fuzz -- --count N --seed S [--only r12,b3,z0,x1] [--no-boundaries] [--no-bombs] [--timeout-ms MS]
 *                 [--max-peak-mib MIB] [--data DIR] [--json FILE] [--verbose]
 *
 * Feeds mutated and truncated WAV, FLAC, MP3 and Ogg files through decode -> quality/VAD -> MFCC
 * -> embed (src/fuzz). Prints outcome counts per mutation kind and per format; exits 1 on any
 * violation (untyped error, bad result, tensor leak, memory over the bound, hang, crash), printing
 * each failing case's id and the command that reproduces it; exits 2 for bad arguments.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { formatSummary, runFuzz } from '../src/fuzz/runner';

function main(): Promise<number> | number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        count: { type: 'string', default: '1000' },
        seed: { type: 'string', default: '1' },
        only: { type: 'string' },
        'no-boundaries': { type: 'boolean', default: false },
        'no-bombs': { type: 'boolean', default: false },
        'timeout-ms': { type: 'string', default: '20000' },
        'max-peak-mib': { type: 'string', default: '512' },
        'batch-size': { type: 'string', default: '500' },
        data: { type: 'string' },
        json: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}`);
    return 2;
  }
  if (values.help) {
    console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0].replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
    return 0;
  }
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be a whole number >= ${min}, got "${v}"`);
    return n;
  };
  let count: number, seed: number, timeoutMs: number, maxPeakMiB: number, batchSize: number;
  try {
    count = int('count', values.count!, 0);
    seed = int('seed', values.seed!, 0);
    timeoutMs = int('timeout-ms', values['timeout-ms']!, 100);
    maxPeakMiB = int('max-peak-mib', values['max-peak-mib']!, 1);
    batchSize = int('batch-size', values['batch-size']!, 1);
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}`);
    return 2;
  }
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  if (only?.some((id) => !/^[brzx]\d+$/.test(id))) {
    console.error('fuzz: --only takes case ids like r12, b3, z0 or x1, comma-separated');
    return 2;
  }
  let n = 0;
  return runFuzz({
    seed,
    count,
    boundaries: !values['no-boundaries'],
    bombs: !values['no-bombs'],
    only,
    timeoutMs,
    maxPeakMiB,
    batchSize,
    dataDir: values.data,
    onResult: (r) => {
      n++;
      if (values.verbose || r.violation) console.log(`${r.id} ${r.kind} ${r.seedName} [${r.detail}] -> ${r.outcome} at ${r.stage} ${r.ms.toFixed(0)} ms${r.message && (values.verbose || r.violation) ? `: ${r.message}` : ''}`);
      else if (n % 500 === 0) console.error(`... ${n} cases`);
    },
  }).then((s) => {
    console.log(formatSummary(s));
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(s, null, 1) + '\n');
    return s.ok ? 0 : 1;
  });
}

Promise.resolve(main()).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`fuzz: harness failure: ${(e as Error)?.stack ?? e}`);
    process.exit(3);
  },
);
