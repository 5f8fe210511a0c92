/**
 * One handler per golden entry `name`: it maps the entry's `params` onto this module's API
 * (returning a reason string when a param is not understood) and lists the checks it made.
 */
import { tf } from '../backend';
import type { DistanceMetric } from './distances';
import type { LossResult } from './losses/common';
import { contrastiveLoss } from './losses/contrastive';
import { npairsLoss } from './losses/npairs';
import { ntxentLoss } from './losses/ntxent';
import { supconLoss } from './losses/supcon';
import { tfaTripletHardLoss, tfaTripletSemiHardLoss, type TfaMetric } from './losses/tfa';
import { tripletMarginLoss, type TripletMarginOptions } from './losses/triplet';
import type { ReducerName } from './reducers';
import type { Triplets } from './types';

export interface Fixture {
  data: Float32Array;
  b: number;
  d: number;
  labels: Int32Array;
}

export interface Check {
  ok: boolean;
  text: string;
}

type Entry = { name: string; params: Record<string, unknown>; value: number | null } & Record<string, unknown>;
export type Handler = (entry: Entry, fx: Fixture, rtol: number) => Check[] | string;

// ---------------------------------------------------------------- comparisons

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(8);
}

/** |got - want| <= rtol * |want| (with a floor of rtol * 1e-6 for a zero reference). */
export function closeCheck(label: string, got: number, want: unknown, rtol: number): Check {
  if (typeof want !== 'number') return { ok: false, text: `${label}: reference is ${JSON.stringify(want)}, not a number` };
  const err = Math.abs(got - want);
  const ok = Number.isFinite(got) && err <= rtol * Math.max(Math.abs(want), 1e-6);
  const rel = err / Math.max(Math.abs(want), 1e-300);
  return { ok, text: `${label} ${fmt(got)} vs ${fmt(want)} (rel ${rel.toExponential(1)})` };
}

export function countCheck(label: string, got: number, want: unknown): Check {
  return { ok: got === want, text: `${label} ${got} vs ${JSON.stringify(want)}` };
}

function sortedKey(rows: unknown[][]): string {
  return rows
    .map((r) => JSON.stringify(r))
    .sort()
    .join(',');
}

/** Same set of index tuples (order-free; pml's order is a sort anyway). */
export function setCheck(label: string, got: unknown[][], want: unknown): Check {
  if (!Array.isArray(want)) return { ok: false, text: `${label}: reference is not a list` };
  const ok = sortedKey(got) === sortedKey(want as unknown[][]);
  return { ok, text: ok ? `${label} ${got.length} identical` : `${label} differ: got ${JSON.stringify(got)}` };
}

/** Elementwise |g - w| <= rtol * (|w| + max|w|): relative to each entry, floored at the gradient's scale. */
export function gradCheck(got: Float32Array, want: unknown, rtol: number): Check {
  if (!Array.isArray(want)) return { ok: false, text: 'grad: reference missing' };
  const w = (want as number[][]).flat();
  if (w.length !== got.length) return { ok: false, text: `grad: ${got.length} values vs ${w.length}` };
  const scale = Math.max(...w.map(Math.abs));
  let worst = 0;
  let ok = true;
  w.forEach((v, i) => {
    const err = Math.abs(got[i] - v);
    if (!(err <= rtol * (Math.abs(v) + scale))) ok = false;
    worst = Math.max(worst, err / Math.max(scale, 1e-300));
  });
  return { ok, text: `grad max |err|/max|grad| ${worst.toExponential(1)}` };
}

export function tripletRows(t: Triplets): number[][] {
  return Array.from(t.a, (a, i) => [a, t.p[i], t.n[i]]);
}

// ---------------------------------------------------------------- params

type Parsed = Record<string, string | number | boolean>;

/** "LpDistance(normalize_embeddings=True, p=2, power=1) (default)" -> class and kwargs. */
export function parseCall(s: string): { cls: string; kw: Parsed } | null {
  const m = /^(\w+)\(([^()]*)\)(\s*\(default\))?$/.exec(s.trim());
  if (!m) return null;
  const kw: Parsed = {};
  for (const part of m[2].split(',').map((x) => x.trim()).filter(Boolean)) {
    const [k, v] = part.split('=').map((x) => x.trim());
    if (v === undefined) return null;
    kw[k] = v === 'True' ? true : v === 'False' ? false : Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return { cls: m[1], kw };
}

export interface PmlDistance {
  metric: DistanceMetric;
  normalize: boolean;
}

/** pml distance objects; every one normalises by default. */
export function parsePmlDistance(s: unknown): PmlDistance | string {
  const c = typeof s === 'string' ? parseCall(s) : null;
  if (!c) return `distance ${JSON.stringify(s)} not understood`;
  const { normalize_embeddings: norm = true, p = 2, power = 1, ...rest } = c.kw;
  if (Object.keys(rest).length) return `distance kwargs ${Object.keys(rest).join(', ')} not supported`;
  if (typeof norm !== 'boolean') return `normalize_embeddings=${norm} not understood`;
  if (c.cls === 'LpDistance') {
    if (p !== 2 || (power !== 1 && power !== 2)) return `LpDistance p=${p} power=${power} not supported (p=2, power 1 or 2)`;
    return { metric: power === 1 ? 'l2' : 'squared-l2', normalize: norm };
  }
  if (power !== 1) return `${c.cls} power=${power} not supported`;
  if (c.cls === 'CosineSimilarity') return { metric: 'cosine', normalize: true };
  if (c.cls === 'DotProductSimilarity') return { metric: 'dot', normalize: norm };
  return `distance class ${c.cls} not supported`;
}

export function parseReducer(s: unknown, fallback: ReducerName): ReducerName | string {
  if (s === undefined) return fallback;
  if (typeof s !== 'string') return `reducer ${JSON.stringify(s)} not understood`;
  if (s.startsWith('AvgNonZeroReducer')) return 'avg-nonzero';
  if (s.startsWith('MeanReducer')) return 'mean';
  if (s.startsWith('SumReducer')) return 'sum';
  return `reducer ${s} not supported`;
}

/** Rejects params outside `allowed`; returns the unsupported reason or null. */
export function unknownParams(params: Record<string, unknown>, allowed: string[]): string | null {
  const extra = Object.keys(params).filter((k) => !allowed.includes(k));
  return extra.length ? `params ${extra.join(', ')} not supported` : null;
}

// ---------------------------------------------------------------- running losses

/** Runs `fn` on the fixture, optionally with its gradient; disposes everything it made. */
export function evaluate<R extends LossResult>(
  fx: Fixture,
  fn: (e: tf.Tensor2D) => R,
  withGrad = false,
): { value: number; result: R; grad?: Float32Array } {
  const e = tf.tensor2d(fx.data, [fx.b, fx.d]);
  try {
    let result!: R;
    if (withGrad) {
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => {
        result = fn(x as tf.Tensor2D);
        return result.loss;
      })(e);
      const out = { value: value.dataSync()[0], result, grad: grad.dataSync() as Float32Array };
      tf.dispose([value, grad, result.loss]);
      return out;
    }
    result = fn(e);
    const value = result.loss.dataSync()[0];
    result.loss.dispose();
    return { value, result };
  } finally {
    e.dispose();
  }
}

// ---------------------------------------------------------------- handlers

const pmlTripletLoss: Handler = (entry, fx, rtol) => {
  const p = entry.params;
  const bad = unknownParams(p, ['margin', 'swap', 'smooth_loss', 'triplets_per_anchor', 'distance', 'reducer']);
  if (bad) return bad;
  if (p.swap !== undefined && p.swap !== false) return 'swap=true not supported';
  if (p.smooth_loss !== undefined && p.smooth_loss !== false) return 'smooth_loss=true not supported';
  if (p.triplets_per_anchor !== undefined && p.triplets_per_anchor !== 'all') return 'triplets_per_anchor other than all not supported';
  const dist = parsePmlDistance(p.distance ?? 'LpDistance()');
  if (typeof dist === 'string') return dist;
  const reducer = parseReducer(p.reducer, 'avg-nonzero');
  if (reducer.includes(' ')) return reducer;
  const opts: TripletMarginOptions = {
    margin: typeof p.margin === 'number' ? p.margin : 0.05,
    distance: dist.metric,
    normalize: dist.normalize,
    reducer: reducer as ReducerName,
  };
  const grad = entry.name.endsWith('.grad');
  const r = evaluate(fx, (e) => tripletMarginLoss(e, fx.labels, opts), grad);
  const checks = [closeCheck('value', r.value, entry.value, rtol)];
  if (grad) checks.push(gradCheck(r.grad!, entry.grad, rtol));
  if ('num_triplets' in entry) checks.push(countCheck('triplets', r.result.stats.items, entry.num_triplets));
  if ('num_nonzero' in entry) checks.push(countCheck('non-zero', r.result.stats.active, entry.num_nonzero));
  return checks;
};

/** Checks of `loss_TripletMarginLoss_<m>` / `mean_TripletMarginLoss_<m>` extras on the mined set. */
function minedLossChecks(entry: Entry, fx: Fixture, base: TripletMarginOptions, rtol: number): Check[] {
  const checks: Check[] = [];
  for (const [key, want] of Object.entries(entry)) {
    const m = /^(loss|mean)_TripletMarginLoss_([\d.]+)$/.exec(key);
    if (!m) continue;
    const opts = { ...base, margin: Number(m[2]), reducer: (m[1] === 'loss' ? 'avg-nonzero' : 'mean') as ReducerName };
    checks.push(closeCheck(key, evaluate(fx, (e) => tripletMarginLoss(e, fx.labels, opts)).value, want, rtol));
  }
  return checks;
}

const pmlTripletMiner: Handler = (entry, fx, rtol) => {
  const p = entry.params;
  const bad = unknownParams(p, ['margin', 'type_of_triplets', 'distance']);
  if (bad) return bad;
  const type = p.type_of_triplets ?? 'all';
  if (type !== 'all' && type !== 'hard' && type !== 'semihard' && type !== 'easy') return `type_of_triplets ${String(type)} not supported`;
  const dist = parsePmlDistance(p.distance ?? 'LpDistance()');
  if (typeof dist === 'string') return dist;
  const minerMargin = typeof p.margin === 'number' ? p.margin : 0.2;
  const base: TripletMarginOptions = { distance: dist.metric, normalize: dist.normalize, mining: type, minerMargin };
  const r = evaluate(fx, (e) => tripletMarginLoss(e, fx.labels, { ...base, margin: minerMargin }));
  const rows = tripletRows(r.result.triplets);
  return [countCheck('count', rows.length, entry.value), setCheck('mined', rows, entry.mined), ...minedLossChecks(entry, fx, base, rtol)];
};

const pmlBatchHardMiner: Handler = (entry, fx, rtol) => {
  const bad = unknownParams(entry.params, ['distance']);
  if (bad) return bad;
  const dist = parsePmlDistance(entry.params.distance ?? 'LpDistance()');
  if (typeof dist === 'string') return dist;
  const base: TripletMarginOptions = { distance: dist.metric, normalize: dist.normalize, mining: 'batch-hard' };
  const r = evaluate(fx, (e) => tripletMarginLoss(e, fx.labels, base));
  const rows = tripletRows(r.result.triplets);
  return [countCheck('count', rows.length, entry.value), setCheck('mined', rows, entry.mined), ...minedLossChecks(entry, fx, base, rtol)];
};

function parseTfa(entry: Entry, hard: boolean): { margin: number; metric: TfaMetric; soft: boolean } | string {
  const p = entry.params;
  const bad = unknownParams(p, hard ? ['margin', 'distance_metric', 'soft'] : ['margin', 'distance_metric']);
  if (bad) return bad;
  const metric = p.distance_metric ?? 'L2';
  if (metric !== 'L2' && metric !== 'squared-L2' && metric !== 'angular') return `distance_metric ${String(metric)} not supported`;
  if (p.margin !== undefined && typeof p.margin !== 'number') return 'margin not a number';
  if (p.soft !== undefined && typeof p.soft !== 'boolean') return 'soft not a boolean';
  return { margin: (p.margin as number | undefined) ?? 1.0, metric, soft: (p.soft as boolean | undefined) ?? false };
}

const tfaSemiHard: Handler = (entry, fx, rtol) => {
  const o = parseTfa(entry, false);
  if (typeof o === 'string') return o;
  const grad = entry.name.endsWith('.grad');
  const r = evaluate(fx, (e) => tfaTripletSemiHardLoss(e, fx.labels, o), grad);
  const checks = [closeCheck('value', r.value, entry.value, rtol)];
  if (grad) checks.push(gradCheck(r.grad!, entry.grad, rtol));
  const mined = r.result.mined;
  if ('mined' in entry) checks.push(setCheck('mined', tripletRows(mined.triplets), entry.mined));
  if ('fallback_pairs' in entry) {
    const fb = tripletRows(mined.triplets)
      .filter((_, i) => mined.fallback[i])
      .map(([a, p]) => [a, p]);
    checks.push(setCheck('fallback', fb, entry.fallback_pairs));
  }
  if ('num_positive_pairs' in entry) checks.push(countCheck('positive pairs', r.result.stats.positivePairs, entry.num_positive_pairs));
  if ('num_nonzero' in entry) checks.push(countCheck('non-zero', r.result.stats.active, entry.num_nonzero));
  return checks;
};

const tfaHard: Handler = (entry, fx, rtol) => {
  const o = parseTfa(entry, true);
  if (typeof o === 'string') return o;
  const grad = entry.name.endsWith('.grad');
  const r = evaluate(fx, (e) => tfaTripletHardLoss(e, fx.labels, o), grad);
  const checks = [closeCheck('value', r.value, entry.value, rtol)];
  if (grad) checks.push(gradCheck(r.grad!, entry.grad, rtol));
  if ('mined' in entry) {
    const m = r.result.mined;
    const rows = tripletRows(m.triplets).map(([a, p, n], i) => [a, m.noPositive[i] ? null : p, n]);
    checks.push(setCheck('mined', rows, entry.mined));
  }
  return checks;
};

/** A reducer param that must be `want` (these losses have a fixed reducer here). */
function fixedReducer(p: Record<string, unknown>, want: ReducerName): string | null {
  const r = parseReducer(p.reducer, want);
  return r === want ? null : `reducer ${String(p.reducer)} not supported (only ${want})`;
}

const pmlContrastive: Handler = (entry, fx, rtol) => {
  const p = entry.params;
  const bad = unknownParams(p, ['pos_margin', 'neg_margin', 'distance', 'reducer']) ?? fixedReducer(p, 'avg-nonzero');
  if (bad) return bad;
  const dist = parsePmlDistance(p.distance ?? 'LpDistance()');
  if (typeof dist === 'string') return dist;
  const opts = {
    form: 'pml' as const,
    posMargin: typeof p.pos_margin === 'number' ? p.pos_margin : 0,
    negMargin: typeof p.neg_margin === 'number' ? p.neg_margin : 1,
    distance: dist.metric,
    normalize: dist.normalize,
  };
  const r = evaluate(fx, (e) => contrastiveLoss(e, fx.labels, opts));
  const checks = [closeCheck('value', r.value, entry.value, rtol)];
  const want = entry.components as Record<string, unknown> | undefined;
  const got = r.result.components!;
  if (want) {
    if ('pos_loss' in want) checks.push(closeCheck('pos_loss', got.posLoss, want.pos_loss, rtol));
    if ('neg_loss' in want) checks.push(closeCheck('neg_loss', got.negLoss, want.neg_loss, rtol));
    const counts: [string, number, string][] = [
      ['pos pairs', got.posPairs, 'num_pos_pairs'],
      ['pos non-zero', got.posNonZero, 'num_pos_nonzero'],
      ['neg pairs', got.negPairs, 'num_neg_pairs'],
      ['neg non-zero', got.negNonZero, 'num_neg_nonzero'],
    ];
    for (const [label, n, key] of counts) if (key in want) checks.push(countCheck(label, n, want[key]));
  }
  return checks;
};

const pmlNPairs: Handler = (entry, fx, rtol) => {
  const p = entry.params;
  const bad = unknownParams(p, ['distance', 'reducer']) ?? fixedReducer(p, 'mean');
  if (bad) return bad;
  const dist = parsePmlDistance(p.distance ?? 'DotProductSimilarity()');
  if (typeof dist === 'string') return dist;
  if (dist.metric !== 'dot' && dist.metric !== 'cosine') return `NPairsLoss with ${String(p.distance)} not supported`;
  const r = evaluate(fx, (e) => npairsLoss(e, fx.labels, { normalize: dist.normalize }));
  const checks = [closeCheck('value', r.value, entry.value, rtol)];
  if ('pairs' in entry) checks.push(setCheck('pairs', r.result.pairs, entry.pairs));
  return checks;
};

/** NTXent and SupCon: temperature, cosine similarity (pml's default) and a fixed reducer. */
function cosineTemperature(entry: Entry, reducer: ReducerName): number | string {
  const p = entry.params;
  const bad = unknownParams(p, ['temperature', 'distance', 'reducer']) ?? fixedReducer(p, reducer);
  if (bad) return bad;
  const dist = parsePmlDistance(p.distance ?? 'CosineSimilarity()');
  if (typeof dist === 'string') return dist;
  if (dist.metric !== 'cosine' && !(dist.metric === 'dot' && dist.normalize)) return `${String(p.distance)} not supported (cosine only)`;
  if (typeof p.temperature !== 'number' || !(p.temperature > 0)) return 'temperature must be a number > 0';
  return p.temperature;
}

const pmlNTXent: Handler = (entry, fx, rtol) => {
  const t = cosineTemperature(entry, 'mean');
  if (typeof t === 'string') return t;
  return [closeCheck('value', evaluate(fx, (e) => ntxentLoss(e, fx.labels, { temperature: t })).value, entry.value, rtol)];
};

const pmlSupCon: Handler = (entry, fx, rtol) => {
  const t = cosineTemperature(entry, 'avg-nonzero');
  if (typeof t === 'string') return t;
  return [closeCheck('value', evaluate(fx, (e) => supconLoss(e, fx.labels, { temperature: t })).value, entry.value, rtol)];
};

export const HANDLERS: Record<string, Handler> = {
  'pml.ContrastiveLoss': pmlContrastive,
  'pml.NPairsLoss': pmlNPairs,
  'pml.NTXentLoss': pmlNTXent,
  'pml.SupConLoss': pmlSupCon,
  'pml.TripletMarginLoss': pmlTripletLoss,
  'pml.TripletMarginLoss.grad': pmlTripletLoss,
  'pml.TripletMarginMiner': pmlTripletMiner,
  'pml.BatchHardMiner': pmlBatchHardMiner,
  'tfa.TripletSemiHardLoss': tfaSemiHard,
  'tfa.TripletSemiHardLoss.grad': tfaSemiHard,
  'tfa.TripletHardLoss': tfaHard,
  'tfa.TripletHardLoss.grad': tfaHard,
};
