import { describe, expect, it } from 'vitest';
import { renderCurvesSvg } from '../../src/eval/curves-svg';

const pts = (f: (s: number) => number) => [50, 100, 150, 200].map((step) => ({ step, values: { loss: f(step), val: f(step) / 10 } }));

describe('training curves SVG', () => {
  it('draws one path per series per panel, in the series colour, with escaped labels and a legend', () => {
    const svg = renderCurvesSvg(
      [
        { label: 'triplet <semi-hard>, seed 1', points: pts((s) => 1 / s), colour: 0 },
        { label: 'triplet <semi-hard>, seed 2', points: pts((s) => 1.1 / s), colour: 0, dashed: true },
        { label: 'InfoNCE, seed 1', points: pts((s) => 2 / s), colour: 1 },
      ],
      [
        { metric: 'loss', title: 'loss' },
        { metric: 'val', title: 'validation EER %', scale: 100 },
      ],
      { title: 'curves & more' },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(6);
    expect(svg.match(/stroke-dasharray="5 3"/g)).toHaveLength(2);
    expect(svg).toContain('curves &#38; more');
    expect(svg).not.toContain('<semi-hard>');
    // the legend names each colour once, without the seed
    expect(svg.match(/>triplet &#60;semi-hard&#62;</g)).toHaveLength(1);
    expect(svg).toContain('validation EER %');
  });

  it('skips missing metrics instead of drawing NaN, and rejects empty input', () => {
    const svg = renderCurvesSvg([{ label: 'a', points: [{ step: 1, values: { loss: 1 } }, { step: 2, values: { loss: NaN } }] }], [
      { metric: 'loss', title: 'loss' },
      { metric: 'other', title: 'other' },
    ]);
    expect(svg).not.toContain('NaN');
    expect(svg.match(/<path /g)).toHaveLength(1);
    expect(() => renderCurvesSvg([], [{ metric: 'loss', title: 'loss' }])).toThrow(RangeError);
  });
});
