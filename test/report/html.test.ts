/**
 * report.html: self-contained (no scripts, no network), every chart a suite listed inlined with unique ids, the
 * headline table direction-aware, training curves, provenance; `topk-harness report` rebuilds scorecard.md exactly.
 */
import { expect } from 'chai';
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerReportCommand } from '../../src/cli/report-command.js';
import { fileAnchor, inlineSvg, reportHtml, suiteNavLabel } from '../../src/report/html.js';
import { readAssets, writeRunReports } from '../../src/report/run-reports.js';
import { parseScorecard, readRunFolder } from '../../src/scorecard/read.js';
import { copySampleRun, sampleScorecard, SMOKE_RUN } from './fixtures.js';

function sampleHtml(): string {
  const run = readRunFolder(SMOKE_RUN);
  return reportHtml({ scorecard: run.scorecard, suites: run.suites, assets: readAssets(run).assets });
}

/** The <tr> of the headline table whose label is `label`. */
function headlineRow(html: string, label: string): string {
  const table = /<table class="headline">([\s\S]*?)<\/table>/.exec(html)![1];
  return table.split('\n').find((l) => l.startsWith(`<tr><th class="metric" scope="row">${label}<`))!;
}

describe('report.html', () => {
  const html = sampleHtml();

  it('shows no HTML tag as escaped text (the suites\' <details> blocks render as collapsible sections)', () => {
    expect(html).to.not.match(/&lt;\/?(details|summary|div|table|p|b|br)\b/);
    // a suite section with a collapsible block, as the corruption and label-noise suites write them
    const run = readRunFolder(SMOKE_RUN);
    const record = { ...run.suites[0].record, markdown: '## A suite\n\n<details><summary>Accuracy per severity</summary>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n</details>\n' };
    const page = reportHtml({ scorecard: run.scorecard, suites: [{ name: run.suites[0].name, record }], assets: readAssets(run).assets });
    expect(page).to.match(/<details><summary>Accuracy per severity<\/summary>\n<div class="table-wrap">/);
    expect(page).to.not.match(/&lt;\/?(details|summary)/);
  });

  it('is one self-contained page: no scripts, stylesheets, fonts or images from elsewhere', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).to.equal(true);
    expect(html).to.not.match(/<script|<link|<iframe|<object|<embed|@import|\son[a-z]+\s*=/i);
    expect(html).to.not.match(/\ssrc="(?!data:)/);
    for (const url of html.match(/https?:\/\/[^\s"'<>)]+/g) ?? []) expect(url).to.match(/^http:\/\/www\.w3\.org\/(2000\/svg|1999\/xlink)$/);
  });

  it('inlines every SVG each suite listed, with ids unique across the page', () => {
    const run = readRunFolder(SMOKE_RUN);
    const svgs = run.suites.flatMap((s) => s.record.files.filter((f) => f.endsWith('.svg')));
    expect(svgs).to.have.length(5);
    for (const f of svgs) {
      const figure = new RegExp(`<figure id="${fileAnchor(f)}"><svg[\\s\\S]*?</svg>\\s*<figcaption>${f.replace(/[.]/g, '\\.')}</figcaption></figure>`);
      expect(html, f).to.match(figure);
      expect(html, `link to ${f}`).to.contain(`href="#${fileAnchor(f)}"`);
    }
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).to.be.greaterThan(10);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).to.deep.equal([]);
    for (const ref of html.matchAll(/url\(#([^)]+)\)|href="#([^"]+)"/g)) expect(ids, `#${ref[1] ?? ref[2]}`).to.include(ref[1] ?? ref[2]);
  });

  it('marks the better value direction-aware and colours deltas by direction', () => {
    const card = sampleScorecard();
    const [va, ta] = [card.models.vanilla.test.accuracy, card.models.topk.test.accuracy];
    const acc = headlineRow(html, 'test accuracy');
    const bestAcc = `<td class="num best" title="better value">${(100 * Math.max(va, ta)).toFixed(2)}%</td>`;
    expect(acc).to.contain(bestAcc);
    expect(acc).to.contain(`<td class="num delta ${ta > va ? 'better' : ta < va ? 'worse' : 'neutral'}">`);
    const [ve, te] = [card.models.vanilla.test.ece, card.models.topk.test.ece];
    const ece = headlineRow(html, 'test ECE');
    expect(ece).to.contain(`<td class="num best" title="better value">${(100 * Math.min(ve, te)).toFixed(2)}%</td>`);
    expect(ece).to.contain(`<td class="num delta ${te < ve ? 'better' : te > ve ? 'worse' : 'neutral'}">`);
    const nz = headlineRow(html, 'nonzero MLP activations (test)');
    expect(nz).to.not.contain('best');
    expect(nz).to.contain('<td class="num delta neutral">');
    expect(headlineRow(html, 'test accuracy')).to.contain('↑ higher is better');
    expect(headlineRow(html, 'test NLL')).to.contain('↓ lower is better');
  });

  it('draws the training curves and shows provenance and backend', () => {
    const card = sampleScorecard();
    expect(html).to.match(/<figure class="chart"><svg[^>]*aria-label="Validation accuracy"/);
    expect(html).to.match(/<figure class="chart"><svg[^>]*aria-label="Nonzero MLP activations"/);
    expect((html.match(/<path d="M/g) ?? []).length).to.be.greaterThan(3);
    for (const s of [card.provenance.gitCommit, card.provenance.node, card.backend.tfjsVersion, card.data.fingerprints.test, `topk-harness ${card.provenance.harnessVersion}`]) {
      expect(html).to.contain(s);
    }
    expect(html).to.contain('<details><summary>Resolved configuration (config.json)</summary>');
  });

  it('shows a statistics section for a multi-seed scorecard', () => {
    const card = sampleScorecard();
    const s = (v: number) => ({ n: 2, mean: v, std: 0.01, low: v - 0.09, high: v + 0.09, values: [v - 0.01, v + 0.01] });
    const keys = ['test.accuracy', 'test.nll', 'test.ece', 'test.meanNonzeroFraction'];
    card.config.seeds = [0, 1];
    card.statistics = {
      seeds: [0, 1],
      metrics: Object.fromEntries(['vanilla', 'topk'].map((m) => [m, Object.fromEntries(keys.map((k) => [k, s(0.5)]))])),
      paired: { topk: Object.fromEntries(keys.map((k) => [k, { ...s(0.02), significant: k === 'test.ece' }])) },
    };
    const page = reportHtml({ scorecard: parseScorecard(card, 'multi'), suites: [], assets: new Map() });
    expect(page).to.contain('<section class="card" id="statistics">\n<h2>Statistics over 2 seeds (0, 1)</h2>');
    expect(page).to.contain('<strong>2.00% [−7.00%, 11.00%]</strong> significant'.replace('−', '-'));
    expect(page).to.contain('<li><b>seeds</b>0, 1</li>');
  });

  it('names each suite in the table of contents by its heading, without the parenthesis', () => {
    expect(suiteNavLabel('ood', '## Out-of-distribution detection\n\ntext')).to.equal('Out-of-distribution detection');
    expect(suiteNavLabel('calibration', '## Calibration (clean test split)\n')).to.equal('Calibration');
    expect(suiteNavLabel('label-noise', 'no heading here')).to.equal('Label noise');
  });

  it('sanitises inlined SVG and prefixes its ids', () => {
    const svg = '<?xml version="1.0"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>alert(1)</script>' +
      '<defs><pattern id="h"/></defs><rect fill="url(#h)"/><use href="#h"/><image href="https://example.com/a.png"/><rect style="fill: url(https://e.com/x)"/></svg>';
    expect(inlineSvg(svg, 'f0-')).to.equal(
      '<svg xmlns="http://www.w3.org/2000/svg"><defs><pattern id="f0-h"/></defs><rect fill="url(#f0-h)"/><use href="#f0-h"/><image/><rect style="fill: none"/></svg>',
    );
  });
});

describe('topk-harness report', () => {
  let dir: string;
  beforeEach(() => (dir = copySampleRun()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rebuilds scorecard.md exactly as the run wrote it, and report.html', () => {
    const written = fs.readFileSync(path.join(dir, 'scorecard.md'), 'utf8');
    fs.rmSync(path.join(dir, 'scorecard.md'));
    const out = writeRunReports(dir);
    expect(fs.readFileSync(out.markdownPath, 'utf8')).to.equal(written);
    expect(fs.readFileSync(out.htmlPath, 'utf8')).to.equal(sampleHtml());
    expect(out.warnings).to.deep.equal([]);
  });

  it('shows a listed file that is missing as such, with a warning', () => {
    fs.rmSync(path.join(dir, 'calibration', 'reliability.svg'));
    const out = writeRunReports(dir);
    expect(out.warnings).to.deep.equal([`suite calibration lists calibration/reliability.svg, which is missing from ${dir}`]);
    expect(fs.readFileSync(out.htmlPath, 'utf8')).to.contain(`<figure id="file-calibration-reliability-svg" class="missing">`);
  });

  it('runs as a command and prints the two paths', async () => {
    const program = new Command().exitOverride();
    registerReportCommand(program);
    const printed: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => printed.push(s) > 0) as typeof process.stdout.write;
    try {
      await program.parseAsync(['report', dir], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    expect(printed.join('')).to.equal(`${path.join(dir, 'scorecard.md')}\n${path.join(dir, 'report.html')}\n`);
    expect(fs.existsSync(path.join(dir, 'report.html'))).to.equal(true);
  });
});
