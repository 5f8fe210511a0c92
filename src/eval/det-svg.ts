/**
 * DET plot as a standalone SVG string: false-accept rate against false-reject rate on normal-
 * deviate (probit) axes, where Gaussian score distributions give straight lines, with tick labels
 * in %, the EER line, each curve's EER point and minDCF operating point marked, and a legend.
 */
import { computeEer, computeMinDcf, detCurve, type DetPoint } from './metrics';

export interface DetSeries {
  label: string;
  targetScores: ArrayLike<number>;
  nontargetScores: ArrayLike<number>;
}

export interface DetSvgOptions {
  title?: string;
  subtitle?: string;
  width?: number;
  height?: number;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |rel. error| < 1.2e-9). */
export function probit(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p <= 0) return -Infinity;
    if (p >= 1) return Infinity;
    return NaN;
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -probit(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
export const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const TICKS = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95];

export const esc = (s: string) => s.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const fmtPct = (p: number) => {
  const v = p * 100;
  return v >= 1 ? `${Number(v.toFixed(0))}` : `${Number(v.toPrecision(1))}`;
};
const r2 = (v: number) => Math.round(v * 100) / 100;

/** The opening lines of a standalone SVG: root element, title, white background, heading and optional subtitle. */
export function svgStart(W: number, H: number, fontSize: number, title: string, subtitle?: string): string[] {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="${fontSize}">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${esc(title)}</text>`,
  ];
  if (subtitle) out.push(`<text x="${W / 2}" y="40" text-anchor="middle" fill="#555" font-size="12">${esc(subtitle)}</text>`);
  return out;
}

export interface DetSummary {
  label: string;
  eer: number;
  eerThreshold: number;
  minDcf: number;
  det: DetPoint[];
}

/** Renders one or more DET curves (e.g. a model and its baselines) into an SVG document. */
export function renderDetSvg(series: DetSeries[], opts: DetSvgOptions = {}): string {
  if (series.length === 0) throw new RangeError('renderDetSvg: no series');
  const W = opts.width ?? 640;
  const summaries: DetSummary[] = series.map((s) => {
    const e = computeEer(s.targetScores, s.nontargetScores);
    return {
      label: s.label,
      eer: e.eer,
      eerThreshold: e.threshold,
      minDcf: computeMinDcf(s.targetScores, s.nontargetScores).minDcf,
      det: detCurve(s.targetScores, s.nontargetScores),
    };
  });

  // Range: from the tick at or below the smallest non-zero error rate any curve can show (1/N),
  // at least 0.1% down to 0.01%, up to 60% (or 95% for very poor systems).
  const minRate = Math.min(...series.map((s) => Math.min(1 / s.targetScores.length, 1 / s.nontargetScores.length)));
  const lowTarget = Math.max(0.0001, Math.min(0.001, minRate));
  const lo = [...TICKS].reverse().find((t) => t <= lowTarget * 1.0001) ?? 0.0001;
  const hi = Math.max(...summaries.map((s) => s.eer)) > 0.35 ? 0.95 : 0.6;
  const zlo = probit(lo);
  const zhi = probit(hi);
  const ticks = TICKS.filter((t) => t >= lo - 1e-12 && t <= hi + 1e-12);

  const m = { left: 64, right: 24, top: opts.subtitle ? 58 : 44, bottom: 56 };
  const legendH = 18 * (summaries.length + 1) + 14;
  const pw = W - m.left - m.right;
  const ph = opts.height ? opts.height - m.top - m.bottom - legendH : pw; // square by default: the EER line at 45 degrees
  const H = m.top + ph + m.bottom + legendH;
  const clampZ = (p: number) => Math.min(zhi, Math.max(zlo, probit(Math.min(Math.max(p, 1e-12), 1 - 1e-12))));
  const X = (pfa: number) => m.left + ((clampZ(pfa) - zlo) / (zhi - zlo)) * pw;
  const Y = (pmiss: number) => m.top + ph - ((clampZ(pmiss) - zlo) / (zhi - zlo)) * ph;

  const out = svgStart(W, H, 12, opts.title ?? 'DET curve', opts.subtitle);

  // grid and ticks
  out.push(`<g stroke="#e3e3e3" stroke-width="1">`);
  for (const t of ticks) {
    out.push(`<line x1="${r2(X(t))}" y1="${m.top}" x2="${r2(X(t))}" y2="${m.top + ph}"/>`);
    out.push(`<line x1="${m.left}" y1="${r2(Y(t))}" x2="${m.left + pw}" y2="${r2(Y(t))}"/>`);
  }
  out.push(`</g>`);
  out.push(`<g fill="#333" font-size="11">`);
  for (const t of ticks) {
    out.push(`<text x="${r2(X(t))}" y="${m.top + ph + 16}" text-anchor="middle">${fmtPct(t)}</text>`);
    out.push(`<text x="${m.left - 6}" y="${r2(Y(t) + 4)}" text-anchor="end">${fmtPct(t)}</text>`);
  }
  out.push(`</g>`);
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${m.top + ph + 38}" text-anchor="middle" font-size="13">False accept rate (%)</text>`);
  out.push(
    `<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="13">False reject rate (%)</text>`,
  );
  // EER diagonal
  out.push(
    `<line x1="${r2(X(lo))}" y1="${r2(Y(lo))}" x2="${r2(X(hi))}" y2="${r2(Y(hi))}" stroke="#999" stroke-dasharray="4 4"/>`,
  );

  out.push(`<clipPath id="plot"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath>`);
  summaries.forEach((s, i) => {
    const col = COLOURS[i % COLOURS.length];
    // One vertex per distinct pixel, as a staircase (each DET step is vertical or horizontal).
    const pts: string[] = [];
    let last = '';
    let prev: DetPoint | undefined;
    for (const p of s.det) {
      const cand = prev ? [[prev.pfa, p.pmiss] as const, [p.pfa, p.pmiss] as const] : [[p.pfa, p.pmiss] as const];
      for (const [fa, mi] of cand) {
        const k = `${r2(X(fa))},${r2(Y(mi))}`;
        if (k !== last) pts.push(k);
        last = k;
      }
      prev = p;
    }
    out.push(`<polyline clip-path="url(#plot)" fill="none" stroke="${col}" stroke-width="2" stroke-linejoin="round" points="${pts.join(' ')}"/>`);
    const ex = r2(X(s.eer));
    const ey = r2(Y(s.eer));
    out.push(`<circle cx="${ex}" cy="${ey}" r="5" fill="#fff" stroke="${col}" stroke-width="2"><title>${esc(s.label)}: EER ${(100 * s.eer).toFixed(2)}%</title></circle>`);
    out.push(`<text x="${r2(ex + 8)}" y="${r2(ey - 8)}" fill="${col}" font-size="11">EER ${(100 * s.eer).toFixed(2)}%</text>`);
    const md = minDcfPoint(s.det);
    if (md)
      out.push(
        `<rect x="${r2(X(md.pfa) - 4)}" y="${r2(Y(md.pmiss) - 4)}" width="8" height="8" fill="${col}"><title>${esc(s.label)}: minDCF ${s.minDcf.toFixed(3)} operating point</title></rect>`,
      );
  });

  // Legend under the plot, so it never hides a curve.
  const lx = m.left;
  const ly = m.top + ph + m.bottom - 8;
  out.push(`<g><rect x="${lx}" y="${ly}" width="${pw}" height="${legendH}" fill="#fafafa" stroke="#ccc"/>`);
  summaries.forEach((s, i) => {
    const col = COLOURS[i % COLOURS.length];
    const y = ly + 18 + 18 * i;
    out.push(`<line x1="${lx + 10}" y1="${y - 4}" x2="${lx + 36}" y2="${y - 4}" stroke="${col}" stroke-width="2"/>`);
    out.push(`<circle cx="${lx + 23}" cy="${y - 4}" r="3.5" fill="#fff" stroke="${col}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 46}" y="${y}">${esc(s.label)}: EER ${(100 * s.eer).toFixed(2)}%, minDCF ${s.minDcf.toFixed(3)}</text>`);
  });
  const y2 = ly + 18 + 18 * summaries.length;
  out.push(`<line x1="${lx + 10}" y1="${y2 - 4}" x2="${lx + 36}" y2="${y2 - 4}" stroke="#999" stroke-dasharray="4 4"/>`);
  out.push(`<text x="${lx + 46}" y="${y2}" fill="#555">EER line; circle = EER, square = minDCF point (p_target 0.01)</text>`);
  out.push(`</g>`);
  out.push(`</svg>\n`);
  return out.join('\n');
}

function minDcfPoint(det: DetPoint[], pTarget = 0.01): DetPoint | undefined {
  let best: DetPoint | undefined;
  let bc = Infinity;
  for (const p of det) {
    const c = pTarget * p.pmiss + (1 - pTarget) * p.pfa;
    if (c < bc) {
      bc = c;
      best = p;
    }
  }
  return best;
}
