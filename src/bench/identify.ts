/**
 * Identify against N synthetic profiles: the part of identify that grows with the number of
 * enrolled speakers, i.e. src/speakers' packed `CentroidIndex.topN` (score every centroid, keep
 * the best). The query's embedding costs the same as verify's and is timed there. The index is
 * built once per store change (the Engine caches it); its build time is reported beside.
 */
import { CentroidIndex, l2normalize } from '../speakers/scoring';
import { makeRng } from '../util/rng';
import { measure, type Timing } from './measure';

export interface IdentifyFigure {
  profiles: number;
  dim: number;
  /** One query (score all + top 3), ms. */
  query: Timing;
  buildMs: number;
}

/** Seeded pseudo-random unit vectors, so runs compare. */
function unitVectors(n: number, dim: number, seed: number): Float32Array[] {
  const rng = makeRng(seed);
  const r = () => rng.next() - 0.5;
  return Array.from({ length: n }, () => l2normalize(Float32Array.from({ length: dim }, r)));
}

export async function benchIdentify(profiles: number, dim: number, runs: number): Promise<IdentifyFigure> {
  const centroids = unitVectors(profiles, dim, 12345);
  const t0 = performance.now();
  const index = new CentroidIndex(
    centroids.map((centroid, i) => ({ id: `p${i}`, name: `Speaker ${i}`, centroid })),
    dim,
  );
  const buildMs = performance.now() - t0;
  const queries = unitVectors(runs + 5, dim, 777);
  let i = 0;
  const query = await measure(runs, () => index.topN(queries[i++ % queries.length], 3), 5);
  return { profiles, dim, query, buildMs };
}
