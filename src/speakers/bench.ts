/**
 * Benchmark: identify against N synthetic profiles (default 10,000 x 128). Prints the median time
 * of one `CentroidIndex.topN` call (the packed matrix-vector product plus top-N selection).
 * Run: npm run bench:identify [-- N DIM]
 */
import { CentroidIndex, l2normalize } from './scoring';

const n = Number(process.argv[2] ?? 10_000);
const dim = Number(process.argv[3] ?? 128);
let s = 12345;
const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) - 0.5;
const entries = Array.from({ length: n }, (_, i) => ({ id: String(i), name: `S${i}`, centroid: l2normalize(Float32Array.from({ length: dim }, r)) }));
const t0 = performance.now();
const index = new CentroidIndex(entries, dim);
const buildMs = performance.now() - t0;
const times: number[] = [];
for (let i = 0; i < 200; i++) {
  const q = l2normalize(Float32Array.from({ length: dim }, r));
  const t = performance.now();
  index.topN(q, 5);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const med = times[times.length >> 1];
const p95 = times[Math.floor(times.length * 0.95)];
console.log(
  `identify over ${n} profiles x ${dim} dims: median ${med.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms per query ` +
    `(index build ${buildMs.toFixed(0)} ms, ${times.length} queries, node ${process.version})`,
);
