/**
 * Training curves as a standalone SVG: a grid of small panels (one per metric, e.g. loss, active
 * fraction, collapsed fraction, validation EER) against the training step, one line per series in
 * the same colour in every panel, and one shared legend. Scales and paths come from d3-scale and
 * d3-shape, which need no DOM.
 */
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { COLOURS, esc, svgStart } from './det-svg';

export interface CurveSeries {
  label: string;
  /** Points in step order; a metric missing from a point is skipped. */
  points: { step: number; values: Record<string, number> }[];
  /** Dashed line, e.g. for a second seed of the same row. */
  dashed?: boolean;
  /** Colour slot; series sharing a slot share a colour (default: the series index). */
  colour?: number;
}

export interface CurvePanel {
  metric: string;
  title: string;
  /** Multiply values by this for display (100 for a rate shown in %). */
  scale?: number;
}

export interface CurvesSvgOptions {
  title?: string;
  subtitle?: string;
  columns?: number;
  panelWidth?: number;
  panelHeight?: number;
  /** Label of the x axis (default "step"). */
  xLabel?: string;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

export function renderCurvesSvg(series: CurveSeries[], panels: CurvePanel[], opts: CurvesSvgOptions = {}): string {
  if (series.length === 0 || panels.length === 0) throw new RangeError('renderCurvesSvg: no series or no panels');
  const cols = Math.min(opts.columns ?? 2, panels.length);
  const rows = Math.ceil(panels.length / cols);
  const pw = opts.panelWidth ?? 300;
  const ph = opts.panelHeight ?? 170;
  const m = { left: 56, right: 16, top: 30, bottom: 34 };
  const cellW = m.left + pw + m.right;
  const cellH = m.top + ph + m.bottom;
  const head = opts.subtitle ? 56 : 40;
  const labels = [...new Map(series.map((s, i) => [s.colour ?? i, s.label.replace(/, seed .*$/, '')])).entries()];
  const legendH = 18 * Math.ceil(labels.length / 2) + 16;
  const W = cols * cellW;
  const H = head + rows * cellH + legendH;
  const steps = series.flatMap((s) => s.points.map((p) => p.step));
  const x = scaleLinear().domain([Math.min(0, ...steps), Math.max(1, ...steps)]).range([0, pw]).nice();

  const out = svgStart(W, H, 11, opts.title ?? 'Training curves', opts.subtitle);

  panels.forEach((panel, pi) => {
    const ox = (pi % cols) * cellW + m.left;
    const oy = head + Math.floor(pi / cols) * cellH + m.top;
    const k = panel.scale ?? 1;
    const vals = series.flatMap((s) => s.points.map((p) => p.values[panel.metric]).filter(Number.isFinite)).map((v) => v * k);
    const hi = vals.length ? Math.max(...vals) : 1;
    const lo = vals.length ? Math.min(0, ...vals) : 0;
    const y = scaleLinear().domain([lo, hi > lo ? hi : lo + 1]).range([ph, 0]).nice();
    out.push(`<g transform="translate(${ox} ${oy})">`);
    out.push(`<text x="${pw / 2}" y="-10" text-anchor="middle" font-size="12" font-weight="600">${esc(panel.title)}</text>`);
    out.push(`<g stroke="#e6e6e6">`);
    for (const t of y.ticks(5)) out.push(`<line x1="0" x2="${pw}" y1="${r2(y(t))}" y2="${r2(y(t))}"/>`);
    out.push(`</g><g fill="#333">`);
    for (const t of y.ticks(5)) out.push(`<text x="-6" y="${r2(y(t) + 4)}" text-anchor="end">${esc(y.tickFormat(5)(t))}</text>`);
    for (const t of x.ticks(5)) out.push(`<text x="${r2(x(t))}" y="${ph + 14}" text-anchor="middle">${esc(x.tickFormat(5)(t))}</text>`);
    out.push(`</g>`);
    out.push(`<rect width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
    out.push(`<text x="${pw / 2}" y="${ph + 28}" text-anchor="middle" fill="#555">${esc(opts.xLabel ?? 'step')}</text>`);
    series.forEach((s, si) => {
      const pts = s.points.filter((p) => Number.isFinite(p.values[panel.metric]));
      if (!pts.length) return;
      const col = COLOURS[(s.colour ?? si) % COLOURS.length];
      const d = line<(typeof pts)[number]>()
        .x((p) => r2(x(p.step)))
        .y((p) => r2(y(p.values[panel.metric] * k)))(pts);
      out.push(`<path d="${d}" fill="none" stroke="${col}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 3"' : ''}><title>${esc(s.label)}</title></path>`);
      for (const p of pts) out.push(`<circle cx="${r2(x(p.step))}" cy="${r2(y(p.values[panel.metric] * k))}" r="2.2" fill="${col}"/>`);
    });
    out.push(`</g>`);
  });

  const ly = head + rows * cellH;
  out.push(`<g transform="translate(${m.left} ${ly})">`);
  labels.forEach(([c, label], i) => {
    const lx = (i % 2) * (W / 2 - m.left / 2);
    const yy = 14 + 18 * Math.floor(i / 2);
    out.push(`<line x1="${lx}" y1="${yy - 4}" x2="${lx + 24}" y2="${yy - 4}" stroke="${COLOURS[c % COLOURS.length]}" stroke-width="2.5"/>`);
    out.push(`<text x="${lx + 30}" y="${yy}">${esc(label)}</text>`);
  });
  if (series.some((s) => s.dashed)) out.push(`<text x="0" y="${legendH - 2}" fill="#555">solid: first seed; dashed: second seed</text>`);
  out.push(`</g></svg>\n`);
  return out.join('\n');
}
