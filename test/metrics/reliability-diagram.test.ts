import { expect } from 'chai';
import { calibrationReport } from '../../src/metrics/index.js';
import { reliabilityDiagramSvg, sideBySide } from '../../src/report/reliability-diagram.js';

describe('reliability diagram SVG', () => {
  const probs = [[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.4, 0.35, 0.25], [0.9, 0.05, 0.05], [0.2, 0.7, 0.1]];
  const labels = [0, 1, 0, 0, 1];
  const r = calibrationReport(probs, labels, { bins: 10 });
  const svg = reliabilityDiagramSvg(r.bins, { title: 'Vanilla <ViT> & co', ece: r.ece, rule: r.rule });

  it('is one self-contained <svg> element with no external references or scripts', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
    expect(svg).not.to.match(/<script|<image|xlink:href="http|@import|<foreignObject/);
    expect(svg).to.match(/width="400" height="\d+"/);
  });

  it('escapes the title and states ECE, bin count, rule and n', () => {
    expect(svg).to.include('Vanilla &lt;ViT&gt; &amp; co');
    expect(svg).to.include(`ECE = ${r.ece.toFixed(4)}`);
    expect(svg).to.include('10 equal-width bins (lo, hi]');
    expect(svg).to.include('n = 5');
    expect(svg).to.include('>Confidence<');
    expect(svg).to.include('>Accuracy<');
    expect(svg).to.include('>Count<');
  });

  it('draws one accuracy bar and one histogram bar per non-empty bin', () => {
    const nonEmpty = r.bins.filter((b) => b.count > 0).length;
    expect((svg.match(/fill="#4c72b0" stroke/g) ?? []).length).to.equal(nonEmpty + 1); // + legend swatch
    expect((svg.match(/fill="#8da0cb"/g) ?? []).length).to.equal(nonEmpty);
  });

  it('sideBySide nests the panels with unique ids and the titles above', () => {
    const both = sideBySide([svg, svg], ['Vanilla', 'Top-k']);
    expect(both).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="816"/);
    const ids = [...both.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids.some((id) => id.startsWith('p0-'))).to.equal(true);
    expect(ids.some((id) => id.startsWith('p1-'))).to.equal(true);
    for (const m of both.matchAll(/url\(#([^)]+)\)/g)) expect(ids).to.include(m[1]);
    expect(both).to.include('>Vanilla<');
    expect(both).to.include('>Top-k<');
  });
});
