import { describe, expect, it } from 'vitest';
import { probit, renderDetSvg } from '../../src/eval/det-svg';

function gaussScores(shift: number, n: number, seed: number): number[] {
  let s = seed;
  const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Array.from({ length: n }, () => shift + Math.sqrt(-2 * Math.log(r())) * Math.cos(2 * Math.PI * r()));
}

describe('DET SVG', () => {
  it('probit inverts the normal CDF at known points', () => {
    expect(probit(0.5)).toBeCloseTo(0, 9);
    expect(probit(0.975)).toBeCloseTo(1.959964, 5);
    expect(probit(0.001)).toBeCloseTo(-3.090232, 5);
    expect(probit(0.01)).toBeCloseTo(-probit(0.99), 9);
    expect(probit(0)).toBe(-Infinity);
  });

  it('renders a standalone SVG with probit axes, % ticks, EER markers, legend and escaped labels', () => {
    const svg = renderDetSvg(
      [
        { label: 'model <v1> & "x"', targetScores: gaussScores(3, 400, 1), nontargetScores: gaussScores(0, 400, 2) },
        { label: 'mfcc-stats', targetScores: gaussScores(1, 400, 3), nontargetScores: gaussScores(0, 400, 4) },
      ],
      { title: 'DET: dev', subtitle: '800 trials' },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('False accept rate (%)');
    expect(svg).toContain('False reject rate (%)');
    for (const t of ['>0.1<', '>1<', '>5<', '>10<', '>40<']) expect(svg).toContain(t);
    expect(svg).toContain('model &#60;v1&#62; &#38; &#34;x&#34;: EER');
    expect(svg).not.toContain('<v1>');
    expect(svg.match(/EER \d+\.\d\d%/g)!.length).toBeGreaterThanOrEqual(4);
    // no NaN or Infinity coordinates, and every coordinate inside the canvas
    expect(svg).not.toMatch(/NaN|Infinity/);
    const width = Number(svg.match(/width="(\d+)"/)![1]);
    const height = Number(svg.match(/height="(\d+)"/)![1]);
    for (const m of svg.matchAll(/points="([^"]+)"/g))
      for (const pair of m[1].split(' ')) {
        const [x, y] = pair.split(',').map(Number);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(width);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(height);
      }
    // tags balance (a cheap well-formedness check)
    const open = (svg.match(/<[a-zA-Z][^>]*?(?<!\/)>/g) ?? []).length;
    const close = (svg.match(/<\/[a-zA-Z]+>/g) ?? []).length;
    expect(open).toBe(close);
  });

  it('puts the EER marker of a curve on the diagonal, and a better system lower-left', () => {
    const good = renderDetSvg([{ label: 'g', targetScores: gaussScores(4, 500, 5), nontargetScores: gaussScores(0, 500, 6) }]);
    const bad = renderDetSvg([{ label: 'b', targetScores: gaussScores(0.5, 500, 7), nontargetScores: gaussScores(0, 500, 8) }]);
    const marker = (svg: string) => svg.match(/<circle cx="([\d.]+)" cy="([\d.]+)" r="5"/)!.slice(1).map(Number);
    const [gx, gy] = marker(good);
    const [bx, by] = marker(bad);
    expect(gx).toBeLessThan(bx);
    expect(gy).toBeGreaterThan(by); // SVG y grows downwards
    expect(() => renderDetSvg([])).toThrow(RangeError);
  });
});
