/**
 * Conformance runner for golden files of the `../shared/golden/metric-learning.json` schema
 * (values from pytorch-metric-learning 2.8.1 and a port of TensorFlow Addons; semantics in that
 * folder's README). Pure: it takes the parsed file and returns one outcome per entry; the CLI
 * wrapper (scripts/golden.ts) prints them.
 *
 * Each entry is run if its `name` and every one of its `params` are understood, else it is
 * reported as unsupported (and counts as failed). Checks: the value (and `.grad` gradients)
 * within `rtol`, mined triplet sets exactly, and the extras an entry carries (counts, fallback
 * pairs, sub-losses, the loss on mined triplets). Each entry must also leave no tensor behind.
 */
import { z } from 'zod';
import { tf } from '../backend';
import { InvalidArgumentError } from '../errors';
import { HANDLERS, type Check, type Fixture } from './golden-handlers';

const fixtureSchema = z.object({
  embeddings: z.array(z.array(z.number())).min(1),
  labels: z.array(z.number().int()),
});
const entrySchema = z
  .object({ fixture: z.string(), name: z.string(), params: z.record(z.string(), z.unknown()), value: z.number().nullable() })
  .passthrough();
export const goldenFileSchema = z.object({
  meta: z.unknown().optional(),
  fixtures: z.record(z.string(), fixtureSchema),
  results: z.array(entrySchema),
});
export type GoldenFile = z.infer<typeof goldenFileSchema>;
export type GoldenEntry = z.infer<typeof entrySchema>;

/** Validates a parsed golden file. @throws InvalidArgumentError naming the first problem. */
export function parseGoldenFile(json: unknown, source = 'golden file'): GoldenFile {
  const r = goldenFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InvalidArgumentError(
      `${source} does not follow the golden schema ({meta, fixtures, results}): ${issue.path.join('.')}: ${issue.message}.`,
    );
  }
  for (const [name, f] of Object.entries(r.data.fixtures)) {
    const d = f.embeddings[0].length;
    if (f.embeddings.some((row) => row.length !== d) || f.labels.length !== f.embeddings.length) {
      throw new InvalidArgumentError(`${source}: fixture ${name} needs equal-length rows and one label per row.`);
    }
  }
  return r.data;
}

export type Status = 'pass' | 'fail' | 'unsupported';

export interface Outcome {
  index: number;
  fixture: string;
  name: string;
  params: Record<string, unknown>;
  status: Status;
  /** One line: what was compared and how far off, or why it failed / is unsupported. */
  detail: string;
}

export interface GoldenReport {
  outcomes: Outcome[];
  passed: number;
  failed: number;
  unsupported: number;
}

export interface GoldenOptions {
  /** Relative tolerance on values and gradients. Default 1e-5. */
  rtol?: number;
}

function toFixture(f: GoldenFile['fixtures'][string]): Fixture {
  const b = f.embeddings.length;
  const d = f.embeddings[0].length;
  const data = new Float32Array(b * d);
  f.embeddings.forEach((row, i) => data.set(row, i * d));
  return { data, b, d, labels: Int32Array.from(f.labels) };
}

function runEntry(entry: GoldenEntry, fixture: Fixture | undefined, rtol: number): { status: Status; detail: string } {
  const handler = HANDLERS[entry.name];
  if (!handler) return { status: 'unsupported', detail: `no handler for name '${entry.name}'` };
  if (!fixture) return { status: 'fail', detail: `fixture '${entry.fixture}' is not in the file` };
  const before = tf.memory().numTensors;
  let checks: Check[] | string;
  try {
    checks = handler(entry, fixture, rtol);
  } catch (e) {
    return { status: 'fail', detail: `threw: ${(e as Error).message}` };
  }
  if (typeof checks === 'string') return { status: 'unsupported', detail: checks };
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) checks.push({ ok: false, text: `leaked ${leaked} tensors` });
  const bad = checks.filter((c) => !c.ok);
  return { status: bad.length ? 'fail' : 'pass', detail: (bad.length ? bad : checks).map((c) => c.text).join('; ') };
}

/** Runs every entry of a parsed golden file. Call `initBackend()` first. */
export function runGolden(file: GoldenFile, opts: GoldenOptions = {}): GoldenReport {
  const rtol = opts.rtol ?? 1e-5;
  const fixtures = new Map(Object.entries(file.fixtures).map(([k, f]) => [k, toFixture(f)]));
  const outcomes = file.results.map((entry, index) => ({
    index,
    fixture: entry.fixture,
    name: entry.name,
    params: entry.params,
    ...runEntry(entry, fixtures.get(entry.fixture), rtol),
  }));
  const count = (s: Status) => outcomes.filter((o) => o.status === s).length;
  const unsupported = count('unsupported');
  return { outcomes, passed: count('pass'), failed: count('fail') + unsupported, unsupported };
}

function formatParams(p: Record<string, unknown>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

export function formatOutcome(o: Outcome): string {
  const tag = o.status === 'pass' ? 'PASS' : o.status === 'fail' ? 'FAIL' : 'UNSUPPORTED';
  return `${tag} #${o.index} [${o.fixture}] ${o.name} {${formatParams(o.params)}}: ${o.detail}`;
}

/** All lines the CLI prints; the last is exactly `N passed, M failed` (unsupported count as failed). */
export function formatReport(r: GoldenReport): string[] {
  const lines = r.outcomes.map(formatOutcome);
  if (r.unsupported) lines.push(`(${r.unsupported} of the failures are unsupported entries)`);
  lines.push(`${r.passed} passed, ${r.failed} failed`);
  return lines;
}
