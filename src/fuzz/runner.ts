/**
 * The fuzz runner (main thread). Cases run in a worker thread, one batch per worker; the main
 * thread times every case and terminates the worker when one runs past the time bound (a hang,
 * even inside wasm), and records a worker that dies or throws asynchronously as a crash. After
 * either, a fresh worker carries on with the rest of the batch. Results are tallied per mutation
 * kind, per format and per outcome; any violation makes `ok` false.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { boundaryPlan, buildCase } from './cases';
import * as fs from 'node:fs';
import { caseFile, type CaseResult, type Fault, type Violation } from './check';
import { BOMB_FILES, loadCorpus } from './corpus';
import { REGRESSIONS } from './regressions';

export interface FuzzOptions {
  /** Run seed: with a case id it determines the case's bytes. */
  seed: number;
  /** Random cases (ids r0..r{count-1}). */
  count: number;
  /** Also run the exhaustive truncation at every structural boundary (ids b0..). Default true. */
  boundaries?: boolean;
  /** Also run the decompression bombs (ids z0..) and the regressions (ids x0..). Default true. */
  bombs?: boolean;
  /** Run only these ids (for reproducing a failure). */
  only?: string[];
  /** Time bound per case (default 20 s; the slowest seen is well under a second). */
  timeoutMs?: number;
  /** Peak RSS growth allowed per case, MiB (default 512). */
  maxPeakMiB?: number;
  /** Cases per worker before it is replaced (default 500). */
  batchSize?: number;
  dataDir?: string;
  fixturesDir?: string;
  tmpDir?: string;
  onResult?: (r: CaseResult) => void;
  /** For the harness's own tests: a fault to inject into the given cases. */
  faults?: Record<string, Fault>;
}

export interface WorkerInput {
  runSeed: number;
  ids: string[];
  maxPeakMiB: number;
  dataDir?: string;
  fixturesDir?: string;
  tmpDir?: string;
  faults?: Record<string, Fault>;
}

export type WorkerMsg =
  | { type: 'ready' }
  | { type: 'start'; id: string }
  | { type: 'result'; result: CaseResult }
  | { type: 'end' }
  | { type: 'fatal'; message: string };

export interface Tally {
  cases: number;
  outcomes: Record<string, number>;
  maxMs: number;
  maxPeakMiB: number;
}

export interface FuzzSummary {
  seed: number;
  cases: number;
  boundaryCases: number;
  randomCases: number;
  bombCases: number;
  regressionCases: number;
  wallMs: number;
  byKind: Record<string, Tally>;
  byFormat: Record<string, Tally>;
  outcomes: Record<string, number>;
  violations: CaseResult[];
  /** The slowest case overall. */
  slowest?: CaseResult;
  /** The case with the largest peak RSS growth. */
  hungriest?: CaseResult;
  /** Whether per-case peak RSS could be measured (Linux). */
  memoryMeasured: boolean;
  /** Console lines the decoder libraries printed, and in how many cases. */
  consoleLines: number;
  casesWithConsoleOutput: number;
  ok: boolean;
}

/** All case ids of a run, boundary cases first. */
export function caseIds(opts: Pick<FuzzOptions, 'count' | 'boundaries' | 'bombs' | 'only'>, boundaryCases: number): string[] {
  if (opts.only?.length) return [...opts.only];
  const ids: string[] = [];
  if (opts.bombs ?? true) {
    for (let k = 0; k < BOMB_FILES.length; k++) ids.push(`z${k}`);
    for (let k = 0; k < REGRESSIONS.length; k++) ids.push(`x${k}`);
  }
  if (opts.boundaries ?? true) for (let j = 0; j < boundaryCases; j++) ids.push(`b${j}`);
  for (let i = 0; i < opts.count; i++) ids.push(`r${i}`);
  return ids;
}

function startWorker(input: WorkerInput): Worker {
  const fromTs = import.meta.url.endsWith('.ts');
  const entry = new URL(`./worker-entry.${fromTs ? 'ts' : 'js'}`, import.meta.url);
  if (!fromTs) return new Worker(entry, { workerData: input });
  // From TypeScript sources (tsx, vitest): the worker registers the tsx loader first.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`, {
    eval: true,
    workerData: input,
  });
}

/** Runs `ids` in one worker, replacing it after a hang or a crash. Resolves with every case's result. */
type Describe = (id: string) => Pick<CaseResult, 'kind' | 'format' | 'seedName' | 'detail' | 'inputBytes'>;

function runBatch(ids: string[], opts: FuzzOptions, timeoutMs: number, maxPeakMiB: number, describe: Describe): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  return new Promise<CaseResult[]>((resolve, reject) => {
    const launch = (remaining: string[]) => {
      if (remaining.length === 0) return resolve(results);
      const worker = startWorker({
        runSeed: opts.seed,
        ids: remaining,
        maxPeakMiB,
        dataDir: opts.dataDir,
        fixturesDir: opts.fixturesDir,
        tmpDir: opts.tmpDir,
        faults: opts.faults,
      });
      let current: { id: string; t0: number; timer: NodeJS.Timeout } | undefined;
      let done = 0;
      let settled = false;
      const settle = (after: () => void) => {
        if (settled) return;
        settled = true;
        if (current) clearTimeout(current.timer);
        void worker.terminate();
        after();
      };
      let lastId: string | undefined;
      /** Records a hang or crash against the running case (or, between cases, the one just finished). */
      const fail = (violation: Violation, message: string) => {
        const id = current?.id ?? lastId!;
        // A terminated worker cannot clean up after its case (worker threads share our pid).
        fs.rmSync(caseFile(id, opts.tmpDir), { force: true });
        const r: CaseResult = { ...describe(id), id, outcome: violation, violation, stage: current ? '?' : 'after', message, ms: current ? performance.now() - current.t0 : 0 };
        results.push(r);
        opts.onResult?.(r);
        const rest = remaining.slice(current ? done + 1 : done);
        settle(() => launch(rest));
      };
      worker.on('message', (m: WorkerMsg) => {
        if (m.type === 'start') {
          const t0 = performance.now();
          current = { id: m.id, t0, timer: setTimeout(() => fail('timeout', `no verdict after ${timeoutMs} ms; worker terminated`), timeoutMs) };
        } else if (m.type === 'result') {
          clearTimeout(current?.timer);
          current = undefined;
          lastId = m.result.id;
          done++;
          results.push(m.result);
          opts.onResult?.(m.result);
        } else if (m.type === 'end') {
          settle(() => resolve(results));
        } else if (m.type === 'fatal') {
          if (current || lastId) fail('crash', `worker failed: ${m.message}`);
          else settle(() => reject(new Error(`fuzz worker could not start: ${m.message}`)));
        }
      });
      worker.on('error', (e) => {
        if (current || lastId) fail('crash', `uncaught in worker: ${e?.stack ?? e}`);
        else settle(() => reject(e));
      });
      worker.on('exit', (code) => {
        if (settled) return;
        if (current || lastId) fail('crash', `worker exited with code ${code}`);
        else settle(() => reject(new Error(`fuzz worker exited with code ${code} before its first case`)));
      });
    };
    launch(ids);
  });
}

function tally(into: Record<string, Tally>, key: string, r: CaseResult): void {
  const t = (into[key] ??= { cases: 0, outcomes: {}, maxMs: 0, maxPeakMiB: 0 });
  t.cases++;
  t.outcomes[r.outcome] = (t.outcomes[r.outcome] ?? 0) + 1;
  t.maxMs = Math.max(t.maxMs, r.ms);
  t.maxPeakMiB = Math.max(t.maxPeakMiB, r.peakMiB ?? 0);
}

/** Runs a fuzz campaign and summarises it. Rejects only for harness failures (e.g. a missing seed file). */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const maxPeakMiB = opts.maxPeakMiB ?? 512;
  const batchSize = opts.batchSize ?? 500;
  const corpus = loadCorpus({ dataDir: opts.dataDir, fixturesDir: opts.fixturesDir });
  const plan = boundaryPlan(corpus);
  const ids = caseIds(opts, plan.length);
  // The main thread rebuilds a case only to describe a hang or crash the worker could not report.
  const describe: Describe = (id) => {
    const c = buildCase(corpus, plan, opts.seed, id);
    return { kind: c.kind, format: c.format, seedName: c.seedName, detail: c.detail, inputBytes: c.bytes.length };
  };
  const all: CaseResult[] = [];
  for (let i = 0; i < ids.length; i += batchSize) all.push(...(await runBatch(ids.slice(i, i + batchSize), opts, timeoutMs, maxPeakMiB, describe)));
  const s: FuzzSummary = {
    seed: opts.seed,
    cases: all.length,
    boundaryCases: ids.filter((i) => i.startsWith('b')).length,
    randomCases: ids.filter((i) => i.startsWith('r')).length,
    bombCases: ids.filter((i) => i.startsWith('z')).length,
    regressionCases: ids.filter((i) => i.startsWith('x')).length,
    wallMs: performance.now() - t0,
    byKind: {},
    byFormat: {},
    outcomes: {},
    violations: all.filter((r) => r.violation),
    memoryMeasured: all.some((r) => r.peakMiB !== undefined),
    consoleLines: all.reduce((a, r) => a + (r.consoleLines ?? 0), 0),
    casesWithConsoleOutput: all.filter((r) => r.consoleLines).length,
    ok: false,
  };
  for (const r of all) {
    tally(s.byKind, r.kind, r);
    tally(s.byFormat, r.format, r);
    s.outcomes[r.outcome] = (s.outcomes[r.outcome] ?? 0) + 1;
    if (!s.slowest || r.ms > s.slowest.ms) s.slowest = r;
    if (r.peakMiB !== undefined && (!s.hungriest || r.peakMiB > (s.hungriest.peakMiB ?? 0))) s.hungriest = r;
  }
  s.ok = s.violations.length === 0 && all.length === ids.length;
  return s;
}

/** The summary as text: per-kind and per-format outcome tables, then every violation with how to reproduce it. */
export function formatSummary(s: FuzzSummary): string {
  const outcomeKeys = Object.keys(s.outcomes).sort();
  const table = (title: string, rows: Record<string, Tally>) => {
    const head = [title, 'cases', ...outcomeKeys, 'max ms', 'max MiB'];
    const body = Object.entries(rows)
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([k, t]) => [k, String(t.cases), ...outcomeKeys.map((o) => String(t.outcomes[o] ?? 0)), t.maxMs.toFixed(0), t.maxPeakMiB.toFixed(0)]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    return [line(head), ...body.map(line)].join('\n');
  };
  const out = [
    `fuzz seed ${s.seed}: ${s.cases} cases (${s.bombCases} decompression bombs + ${s.regressionCases} regressions + ${s.boundaryCases} boundary truncations + ${s.randomCases} random) in ${(s.wallMs / 1000).toFixed(1)} s`,
    '',
    table('kind', s.byKind),
    '',
    table('format', s.byFormat),
    '',
    `slowest: ${s.slowest ? `${s.slowest.id} ${s.slowest.ms.toFixed(0)} ms (${s.slowest.kind}, ${s.slowest.seedName}: ${s.slowest.detail})` : '-'}`,
    `decoder console output: ${s.consoleLines} lines in ${s.casesWithConsoleOutput} cases (swallowed by the harness)`,
    `largest peak RSS growth: ${s.memoryMeasured && s.hungriest ? `${s.hungriest.id} ${s.hungriest.peakMiB!.toFixed(0)} MiB (${s.hungriest.kind}, ${s.hungriest.seedName}: ${s.hungriest.detail})` : 'not measured (needs Linux /proc)'}`,
  ];
  if (s.violations.length) {
    out.push('', `${s.violations.length} VIOLATION(S):`);
    for (const v of s.violations.slice(0, 50))
      out.push(`  ${v.violation} ${v.id} [${v.kind} ${v.seedName}: ${v.detail}] at ${v.stage}: ${v.message}\n    reproduce: npm run fuzz -- --seed ${s.seed} --only ${v.id}`);
  } else out.push('', 'no violations');
  return out.join('\n');
}
