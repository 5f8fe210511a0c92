/**
 * The CLI's window on the world: output streams, terminal detection and the environment, passed
 * in so tests can run `main()` in-process and capture everything.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** Binary output (export without --out). */
  stdoutBytes?(bytes: Uint8Array): void;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdoutBytes: (b) => process.stdout.write(b),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}

/** A one-line progress bar on stderr, drawn only on a terminal and at most 10 times a second. */
export class ProgressBar {
  private width = 0;
  private last = 0;
  private startedAt = 0;
  private phase = '';

  constructor(private readonly io: CliIo) {}

  update(phase: string, done: number, total: number): void {
    if (!this.io.stderrIsTTY || total <= 0) return;
    const now = Date.now();
    if (phase !== this.phase) {
      this.phase = phase;
      this.startedAt = now;
    } else if (done < total && now - this.last < 100) return;
    this.last = now;
    const frac = Math.min(1, done / total);
    const bar = 24;
    const k = Math.round(frac * bar);
    const elapsed = (now - this.startedAt) / 1000;
    const eta = done > 0 && done < total ? ` ~${Math.ceil((elapsed * (total - done)) / done)} s left` : '';
    const line = `${phase} [${'#'.repeat(k)}${'.'.repeat(bar - k)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total}${eta}`;
    this.io.stderr(`\r${line}${' '.repeat(Math.max(0, this.width - line.length))}`);
    this.width = line.length;
  }

  /** Erases the bar (before printing results). */
  clear(): void {
    if (this.width > 0) this.io.stderr(`\r${' '.repeat(this.width)}\r`);
    this.width = 0;
    this.phase = '';
  }
}

/** A rate as a percentage; "n/a" when there was nothing to measure it on (NaN). */
export const pct = (x: number, digits = 2): string => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)} %` : 'n/a');

/** Left-aligned text table with two spaces between columns. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c] - [...cell].length))).join('  ').trimEnd()).join('\n') + '\n';
}
