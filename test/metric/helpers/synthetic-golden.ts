/**
 * Builds golden files of the shared schema from the float64 reference loops, for fixtures the
 * shared file lacks: a bigger unnormalised batch in shuffled label order, and a batch whose
 * classes include singletons (anchors without a positive).
 */
import * as ref from './reference';

type Entry = { fixture: string; name: string; params: Record<string, unknown>; value: number } & Record<string, unknown>;

const LP = (normalize: boolean, power = 1) => `LpDistance(normalize_embeddings=${normalize ? 'True' : 'False'}, p=2, power=${power})`;

export function syntheticFixtures(): Record<string, { embeddings: ref.Mat; labels: number[] }> {
  const big = ref.randomMatrix(40, 16, 7, 3);
  const order = [...Array(40).keys()].sort((a, b) => ((a * 7919) % 40) - ((b * 7919) % 40) || a - b);
  const bigLabels = order.map((i) => i % 8);
  return {
    BIG: { embeddings: big, labels: bigLabels },
    SINGLE: {
      embeddings: ref.randomMatrix(12, 6, 9, 2),
      labels: [0, 1, 0, 2, 3, 3, 4, 0, 3, 5, 6, 6],
    },
  };
}

function entriesFor(fixture: string, E: ref.Mat, y: number[], withGrads: boolean): Entry[] {
  const out: Entry[] = [];
  const push = (name: string, params: Record<string, unknown>, value: number, extra: Record<string, unknown> = {}) =>
    out.push({ fixture, name, params, value, ...extra });
  for (const normalize of [true, false]) {
    for (const power of [1, 2]) {
      const D = ref.matrix(E, power === 1 ? 'l2' : 'squared-l2', normalize);
      const all = ref.allValidTriplets(y);
      push('pml.TripletMarginLoss', { margin: 0.2, distance: LP(normalize, power) }, ref.tripletRef(D, all, 0.2), {
        num_triplets: all.length,
        num_nonzero: all.filter(([a, p, n]) => D[a][p] - D[a][n] + 0.2 > 0).length,
      });
    }
    const D = ref.matrix(E, 'l2', normalize);
    for (const type of ['all', 'hard', 'semihard', 'easy'] as const) {
      const mined = ref.pmlMinerRef(D, y, 0.2, type);
      push('pml.TripletMarginMiner', { margin: 0.2, type_of_triplets: type, distance: LP(normalize) }, mined.length, {
        mined,
        'loss_TripletMarginLoss_0.2': ref.tripletRef(D, mined, 0.2),
      });
    }
    const bh = ref.batchHardRef(D, y);
    push('pml.BatchHardMiner', { distance: LP(normalize) }, bh.length, {
      mined: bh,
      'loss_TripletMarginLoss_0.2': ref.tripletRef(D, bh, 0.2),
      'mean_TripletMarginLoss_0.2': ref.tripletRef(D, bh, 0.2, 'mean'),
    });
    const c = ref.contrastivePmlRef(D, y);
    push('pml.ContrastiveLoss', { pos_margin: 0, neg_margin: 1, distance: LP(normalize) }, c.value, {
      components: { pos_loss: c.pos, neg_loss: c.neg },
    });
    const np = ref.npairsRef(E, y, normalize);
    push('pml.NPairsLoss', { distance: `DotProductSimilarity(normalize_embeddings=${normalize ? 'True' : 'False'})` }, np.value, { pairs: np.pairs });
  }
  for (const t of [0.07, 0.5]) push('pml.NTXentLoss', { temperature: t, distance: 'CosineSimilarity() (default)' }, ref.ntxentRef(E, y, t));
  push('pml.SupConLoss', { temperature: 0.1 }, ref.supconRef(E, y, 0.1));
  for (const metric of ['L2', 'squared-L2', 'angular'] as const) {
    const D = ref.matrix(E, metric === 'L2' ? 'l2' : metric === 'squared-L2' ? 'squared-l2' : 'angular');
    for (const margin of [1.0, 0.2]) {
      const sh = ref.tfaSemiHardRef(D, y, margin);
      push('tfa.TripletSemiHardLoss', { margin, distance_metric: metric }, sh.value, { mined: sh.mined, fallback_pairs: sh.fallback });
      const h = ref.tfaHardRef(D, y, margin);
      push('tfa.TripletHardLoss', { margin, soft: false, distance_metric: metric }, h.value, { mined: h.mined });
    }
    push('tfa.TripletHardLoss', { soft: true, distance_metric: metric }, ref.tfaHardRef(D, y, 0, true).value);
  }
  const grads: [string, Record<string, unknown>, (X: ref.Mat) => number][] = [
    ['tfa.TripletSemiHardLoss.grad', { margin: 1.0, distance_metric: 'L2' }, (X) => ref.tfaSemiHardRef(ref.matrix(X, 'l2'), y, 1).value],
    ['tfa.TripletHardLoss.grad', { margin: 1.0, soft: false, distance_metric: 'L2' }, (X) => ref.tfaHardRef(ref.matrix(X, 'l2'), y, 1).value],
    ['pml.TripletMarginLoss.grad', { margin: 0.2, distance: LP(true) }, (X) => ref.tripletRef(ref.matrix(X, 'l2', true), ref.allValidTriplets(y), 0.2)],
  ];
  if (withGrads) for (const [name, params, f] of grads) push(name, params, f(E), { grad: ref.numericGrad(f, E) });
  return out;
}

/** A golden file over the synthetic fixtures (grad entries on SINGLE only, to keep it quick). */
export function syntheticGolden(): { meta: unknown; fixtures: ReturnType<typeof syntheticFixtures>; results: Entry[] } {
  const fixtures = syntheticFixtures();
  const results = Object.entries(fixtures).flatMap(([name, f]) => entriesFor(name, f.embeddings, f.labels, name === 'SINGLE'));
  return { meta: { note: 'synthetic, from test/metric/helpers/reference.ts' }, fixtures, results };
}
