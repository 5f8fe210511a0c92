/**
 * `npm run bench:identify [-- N DIM]`: identify against N synthetic profiles (default 10,000 x
 * 128), the part of identify that grows with the number of enrolled speakers. Prints the median
 * and p95 of one query (score every centroid, keep the best) and the index build time.
 */
import { benchIdentify } from '../src/bench/identify';

const n = Number(process.argv[2] ?? 10_000);
const dim = Number(process.argv[3] ?? 128);
const r = await benchIdentify(n, dim, 200);
console.log(
  `identify over ${n} profiles x ${dim} dims: median ${r.query.median.toFixed(2)} ms, p95 ${r.query.p95.toFixed(2)} ms per query ` +
    `(index build ${r.buildMs.toFixed(0)} ms, ${r.query.runs} queries, node ${process.version})`,
);
