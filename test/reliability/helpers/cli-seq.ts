/**
 * Runs several voxprint command lines in one process (one start-up, for strace): each argument is
 * a JSON array of CLI arguments. Prints each exit code; exits 1 if any command failed.
 *
 *   node --import tsx test/reliability/helpers/cli-seq.ts '["--store","S","list"]' ...
 */
import { main } from '../../../src/cli/main';

let failed = 0;
for (const arg of process.argv.slice(2)) {
  const argv = JSON.parse(arg) as string[];
  const code = await main(argv, { stdout: () => {}, stderr: (t) => process.stderr.write(t), stderrIsTTY: false, env: process.env });
  process.stdout.write(`${argv.find((a) => !a.startsWith('-') && !a.includes('/'))} ${code}\n`);
  if (code !== 0) failed++;
}
process.exit(failed ? 1 : 0);
