// Preloaded (node --import) into a child process the bench measures: on exit, writes the
// process's peak RSS and CPU time to $VOXPRINT_BENCH_USAGE_FILE. getrusage's ru_maxrss is what
// `/usr/bin/time -v` reports as "Maximum resident set size", without depending on that tool.
import { writeFileSync } from 'node:fs';

const file = process.env.VOXPRINT_BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }));
  });
}
