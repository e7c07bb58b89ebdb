import { expect } from 'chai';
import { barChartSvg, lineChartSvg, niceTicks } from '../../src/report/charts.js';

const selfContained = (svg: string) => {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
  expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
  expect(svg).not.to.match(/<script|<image|xlink:href="http|@import|<foreignObject|NaN|undefined/);
};

describe('SVG charts', () => {
  it('nice ticks cover the range with 1, 2, 2.5 or 5 steps', () => {
    expect(niceTicks(0, 1)).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 0.6, 6)).to.deep.equal([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(niceTicks(0, 0.43)).to.deep.equal([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(0, 0)).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('line chart: one path per series, markers, escaped labels, legend rows, reference lines', () => {
    const svg = lineChartSvg({
      title: 'A <b> & c',
      xLabel: 'epoch',
      yLabel: 'fraction',
      series: [
        { name: 'one', points: [[0, 0.5], [1, 0.3], [2, 0.2]] },
        { name: 'two', points: [[0, 0.4], [1, 0.4], [2, 0.1]], dash: '5,4', markers: false },
      ],
      referenceLines: [{ y: 0.25, label: 'bound' }],
      referenceX: [{ x: 1, label: 'mid' }],
      yFormat: (v) => `${Math.round(100 * v)}%`,
    });
    selfContained(svg);
    expect(svg).to.include('A &lt;b&gt; &amp; c');
    expect((svg.match(/<path /g) ?? []).length).to.equal(2);
    expect((svg.match(/<circle /g) ?? []).length).to.equal(3 + 1); // series one's points + its legend marker
    for (const s of ['>one<', '>two<', '>bound<', '>mid<', '>epoch<', '>fraction<', '>50%<']) expect(svg).to.include(s);
    expect(svg).to.match(/>0<\/text>[\s\S]*>1<\/text>[\s\S]*>2<\/text>/); // integer epochs as ticks
  });

  it('bar chart by category: one rect per value, grouped, with value labels', () => {
    const svg = barChartSvg({
      xLabel: 'layer',
      yLabel: 'nonzero',
      categories: ['0', '1', '2'],
      series: [
        { name: 'train', values: [0.1, 0.2, 0.3], color: '#111111' },
        { name: 'test', values: [0.15, 0.25, 0.35], color: '#222222' },
      ],
      valueLabels: (v) => v.toFixed(2),
    });
    selfContained(svg);
    expect((svg.match(/fill="#111111" stroke/g) ?? []).length).to.equal(3 + 1); // 3 bars + legend swatch
    expect((svg.match(/fill="#222222" stroke/g) ?? []).length).to.equal(3 + 1);
    expect(svg).to.include('>0.35<');
  });

  it('histogram: bars span their bins; a single series has no legend', () => {
    const svg = barChartSvg({ xLabel: 'x', yLabel: 'share', edges: [0, 0.5, 1], series: [{ name: 'h', values: [0.75, 0.25], color: '#333333' }] });
    selfContained(svg);
    const rects = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="#333333"/g)];
    expect(rects).to.have.length(2);
    expect(Number(rects[1][1])).to.be.closeTo(Number(rects[0][1]) + Number(rects[0][2]) + 1, 0.02); // adjacent bins, 1 px apart
    expect(svg).not.to.include('>h<');
  });

  it('rejects inconsistent input with the reason', () => {
    expect(() => barChartSvg({ xLabel: 'x', yLabel: 'y', categories: ['a'], series: [{ name: 's', values: [1, 2] }] })).to.throw(RangeError, "bar series 's' has 2 values for 1 categories");
    expect(() => barChartSvg({ xLabel: 'x', yLabel: 'y', series: [] })).to.throw(RangeError, 'barChartSvg needs exactly one of categories or edges');
    expect(() => lineChartSvg({ xLabel: 'x', yLabel: 'y', series: [], width: 80 })).to.throw(RangeError, 'too small');
  });
});
