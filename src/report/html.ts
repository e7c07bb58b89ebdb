/**
 * report.html: the whole run on one self-contained page. No scripts, no network (every chart is inline SVG, PNGs
 * are data URIs, the stylesheet is inline, fonts are the system's), so the file can be mailed, attached to a CI run
 * or opened years later. Sections, in order:
 *   1. header: run id, dataset, preset, seed, backend, date;
 *   2. headline table: one column per model, a delta column per non-baseline model, the better value highlighted
 *      (direction-aware; metrics without a better direction are not marked), deltas coloured by direction;
 *   3. training curves: validation accuracy and mean nonzero MLP fraction per epoch, one line per model, and the
 *      per-layer nonzero fractions on the test split;
 *   4. one section per suite: its Markdown rendered to HTML and every SVG/PNG file it listed, inlined;
 *   5. provenance: code, machine, backend, data, timings and the resolved config.
 * `reportHtml` is pure (data in, string out); src/report/run-reports.ts reads the run folder and writes the file.
 */
import { HEADLINE_METRICS, metricValue } from '../scorecard/scorecard.js';
import { asScorecard, ScorecardFile, SuiteRecord } from '../scorecard/read.js';
import { SCHEMA_VERSION } from '../scorecard/schema.js';
import { lineChartSvg, PALETTE } from './charts.js';
import { formatValue, kLabel, MetricKind, percentTick } from './format.js';
import { escapeHtml, markdownToHtml } from './markdown-html.js';
import { statisticsMarkdown } from './statistics-markdown.js';
import { headlineDelta, singleSeedCaveat } from './seed-caveat.js';
import { REPORT_STYLE as STYLE } from './report-style.js';

export interface ReportInput {
  scorecard: ScorecardFile;
  /** Each suite's saved output (suites/<name>.json), in the order to show them. */
  suites: readonly { name: string; record: SuiteRecord }[];
  /** Contents of the files the suites listed, by run-relative path ('calibration/reliability.svg'). */
  assets: ReadonlyMap<string, Uint8Array>;
  /** Harness version that rendered the page (default: the scorecard's). */
  renderedBy?: string;
}

/** The in-page anchor of an inlined file: 'calibration/reliability.svg' → 'file-calibration-reliability-svg'. */
export function fileAnchor(file: string): string {
  return `file-${file.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

/** Models in config order (the scorecard's column order). */
function modelNames(card: ScorecardFile): string[] {
  return card.config.models.map((m) => m.name).filter((n) => n in card.models);
}

// ---------------------------------------------------------------------------------------------------- headline

function directionNote(better: 'higher' | 'lower' | 'none'): string {
  return better === 'higher' ? '↑ higher is better' : better === 'lower' ? '↓ lower is better' : 'no better direction';
}

function headlineTable(card: ScorecardFile): string {
  const names = modelNames(card);
  const others = names.filter((n) => n !== card.baseline);
  const sc = asScorecard(card);
  const head = [
    '<th class="metric">metric</th>',
    ...names.map((n) => `<th class="num">${escapeHtml(n)}<span class="k">${escapeHtml(kLabel(card.models[n].k).trim())}</span></th>`),
    ...others.map((n) => `<th class="num delta">Δ ${escapeHtml(n)} − ${escapeHtml(card.baseline)}</th>`),
  ];
  const rows: string[] = [];
  let inTiming = false;
  for (const m of HEADLINE_METRICS) {
    if (m.key.startsWith('timing.') && !inTiming) {
      inTiming = true;
      rows.push(`<tr class="group"><th colspan="${head.length}">Wall-clock timing on ${escapeHtml(card.backend.name)} (varies between runs and machines)</th></tr>`);
    }
    const kind = m.kind as MetricKind;
    const vals = names.map((n) => metricValue(sc, n, m.key));
    const present = vals.filter((v): v is number => v !== null);
    const best = m.better === 'none' || present.length < 2 ? null : m.better === 'higher' ? Math.max(...present) : Math.min(...present);
    const unique = best !== null && present.filter((v) => v === best).length === 1;
    const cells = vals.map((v) => {
      const mark = unique && v === best;
      return `<td class="num${mark ? ' best' : ''}"${mark ? ' title="better value"' : ''}>${escapeHtml(formatValue(v, kind))}</td>`;
    });
    const base = metricValue(sc, card.baseline, m.key);
    const deltas = others.map((n) => {
      const v = metricValue(sc, n, m.key);
      if (v === null || base === null) return '<td class="num delta">n/a</td>';
      const d = v - base;
      const verdict = m.better === 'none' || d === 0 ? 'neutral' : (d > 0) === (m.better === 'higher') ? 'better' : 'worse';
      return `<td class="num delta ${verdict}">${escapeHtml(headlineDelta(sc, n, m.key, d, kind))}</td>`;
    });
    rows.push(`<tr><th class="metric" scope="row">${escapeHtml(m.label)}<span class="dir">${directionNote(m.better)}</span></th>${cells.join('')}${deltas.join('')}</tr>`);
  }
  return `<div class="table-wrap"><table class="headline"><thead><tr>${head.join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

// ------------------------------------------------------------------------------------------- training curves

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** True when the harness trained every model (an `evaluate` scorecard of external models has no training record). */
function trained(card: ScorecardFile): boolean {
  return Object.values(card.models).every((m) => m.training !== undefined);
}

function trainingSection(card: ScorecardFile): string {
  const names = modelNames(card);
  const color = (i: number) => PALETTE[i % PALETTE.length];
  const series = (f: (r: NonNullable<ScorecardFile['models'][string]['training']>['history'][number]) => number) =>
    names.map((n, i) => ({ name: n + kLabel(card.models[n].k), color: color(i), points: card.models[n].training!.history.map((r) => [r.epoch, f(r)] as const) }));
  const common = { xLabel: 'epoch (0 = initialisation)', width: 520, height: 340, yFormat: percentTick, caption: `validation split, ${card.data.validationCount} images${card.statistics ? `, seed ${card.seed}` : ''}` };
  const acc = lineChartSvg({ ...common, title: 'Validation accuracy', yLabel: 'accuracy', yDomain: [0, 1], series: series((r) => r.validationAccuracy) });
  const nz = lineChartSvg({ ...common, title: 'Nonzero MLP activations', yLabel: 'fraction nonzero (mean over layers)', yDomain: [0, 1], series: series((r) => mean(r.validationNonzeroFraction)) });
  const depth = Math.max(...names.map((n) => card.models[n].test.nonzeroFractionPerLayer.length));
  const layerRows = Array.from({ length: depth }, (_, l) => `<tr><th scope="row">layer ${l}</th>${names.map((n) => `<td class="num">${escapeHtml(formatValue(card.models[n].test.nonzeroFractionPerLayer[l], 'fraction'))}</td>`).join('')}</tr>`);
  const epochs = Math.max(...names.map((n) => card.models[n].training!.history.length));
  const curveRows = Array.from({ length: epochs }, (_, e) => {
    const cells = names.flatMap((n) => {
      const r = card.models[n].training!.history[e];
      if (!r) return ['<td></td>', '<td></td>', '<td></td>'];
      return [formatValue(r.validationAccuracy, 'fraction'), formatValue(r.validationLoss, 'number'), formatValue(mean(r.validationNonzeroFraction), 'fraction')].map((s) => `<td class="num">${escapeHtml(s)}</td>`);
    });
    return `<tr><th scope="row">${e}</th>${cells.join('')}</tr>`;
  });
  return [
    '<div class="charts">',
    `<figure class="chart">${acc}</figure>`,
    `<figure class="chart">${nz}</figure>`,
    '</div>',
    '<div class="two-col">',
    '<div>',
    '<h3>Nonzero MLP activations per layer (test split)</h3>',
    `<div class="table-wrap"><table><thead><tr><th>layer</th>${names.map((n) => `<th class="num">${escapeHtml(n)}</th>`).join('')}</tr></thead><tbody>${layerRows.join('')}</tbody></table></div>`,
    '</div>',
    '<div>',
    '<h3>Training</h3>',
    `<div class="table-wrap"><table><thead><tr><th></th>${names.map((n) => `<th class="num">${escapeHtml(n)}</th>`).join('')}</tr></thead><tbody>`,
    ...([
      ['epochs', (n: string) => String(card.models[n].training!.epochs)],
      ['optimiser steps', (n: string) => card.models[n].training!.steps.toLocaleString('en-US')],
      ['images seen', (n: string) => card.models[n].training!.imagesSeen.toLocaleString('en-US')],
      ['final train loss', (n: string) => formatValue(card.models[n].training!.finalTrainLoss, 'number')],
      ['final validation accuracy', (n: string) => formatValue(card.models[n].training!.finalValidationAccuracy, 'fraction')],
      ['forward FLOPs / image', (n: string) => (card.models[n].forwardFlopsPerImage ?? NaN).toLocaleString('en-US')],
    ] as const).map(([label, f]) => `<tr><th scope="row">${label}</th>${names.map((n) => `<td class="num">${escapeHtml(f(n))}</td>`).join('')}</tr>`),
    '</tbody></table></div>',
    '</div>',
    '</div>',
    '<details><summary>Training curve, epoch by epoch</summary>',
    `<div class="table-wrap"><table><thead><tr><th>epoch</th>${names.map((n) => `<th class="num" colspan="3">${escapeHtml(n)}</th>`).join('')}</tr>`,
    `<tr class="sub"><th></th>${names.map(() => '<th class="num">val acc</th><th class="num">val loss</th><th class="num">nonzero</th>').join('')}</tr></thead>`,
    `<tbody>${curveRows.join('')}</tbody></table></div>`,
    '</details>',
  ].join('\n');
}

// ------------------------------------------------------------------------------------------------------ suites

/**
 * An SVG file's markup ready to inline: XML prolog, doctype and comments removed; scripts, event handlers,
 * foreignObject and external references dropped; every id prefixed so that two figures cannot clash.
 */
export function inlineSvg(svg: string, prefix: string): string {
  let s = svg
    .replace(/<\?xml[^>]*\?>/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<script[\s\S]*?<\/script\s*>/gi, '')
    .replace(/<script[^>]*\/>/gi, '')
    .replace(/<foreignObject[\s\S]*?<\/foreignObject\s*>/gi, '')
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*')/gi, '')
    .replace(/\s+(xlink:)?href\s*=\s*("(?!#)[^"]*"|'(?!#)[^']*')/gi, '') // only in-document references survive
    .replace(/url\(\s*(?!['"]?#)[^)]*\)/gi, 'none');
  s = s
    .replace(/\bid="([^"]+)"/g, (_m, v: string) => `id="${prefix}${v}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, v: string) => `url(#${prefix}${v})`)
    .replace(/\b(xlink:)?href="#([^"]+)"/g, (_m, x: string | undefined, v: string) => `${x ?? ''}href="#${prefix}${v}"`);
  return s.trim();
}

function figureHtml(file: string, content: Uint8Array | undefined, index: number): string {
  const anchor = fileAnchor(file);
  const caption = `<figcaption>${escapeHtml(file)}</figcaption>`;
  if (content === undefined) {
    return `<figure id="${anchor}" class="missing"><div class="notice">This file is listed by the suite but is missing from the run folder.</div>${caption}</figure>`;
  }
  if (/\.svg$/i.test(file)) return `<figure id="${anchor}">${inlineSvg(Buffer.from(content).toString('utf8'), `f${index}-`)}${caption}</figure>`;
  const mime = /\.png$/i.test(file) ? 'image/png' : /\.jpe?g$/i.test(file) ? 'image/jpeg' : null;
  if (mime) return `<figure id="${anchor}"><img alt="${escapeHtml(file)}" src="data:${mime};base64,${Buffer.from(content).toString('base64')}">${caption}</figure>`;
  return '';
}

/** Files a suite listed that the page shows inline (SVG, PNG, JPEG). */
export function isInlinable(file: string): boolean {
  return /\.(svg|png|jpe?g)$/i.test(file);
}

function suiteSection(name: string, record: SuiteRecord, assets: ReadonlyMap<string, Uint8Array>, startIndex: number): string {
  const inline = new Set(record.files.filter(isInlinable));
  const body = markdownToHtml(record.markdown, { rewriteLink: (href) => (inline.has(href) ? `#${fileAnchor(href)}` : href) });
  const figures = [...inline].map((f, i) => figureHtml(f, assets.get(f), startIndex + i));
  const others = record.files.filter((f) => !inline.has(f));
  const hasHeading = /^\s*#{1,6}\s/.test(record.markdown);
  return [
    `<section class="card suite" id="suite-${escapeHtml(name)}">`,
    hasHeading ? '' : `<h2>${escapeHtml(name)}</h2>`,
    body,
    figures.length ? `<div class="figures">${figures.join('\n')}</div>` : '',
    others.length ? `<p class="muted">Other files: ${others.map((f) => `<a href="${escapeHtml(f)}">${escapeHtml(f)}</a>`).join(', ')}</p>` : '',
    `<p class="muted small">Suite <code>${escapeHtml(name)}</code> ran in ${record.seconds.toFixed(1)} s.</p>`,
    '</section>',
  ].join('\n');
}

// -------------------------------------------------------------------------------------------------- provenance

function keyValues(rows: readonly (readonly [string, string])[]): string {
  return `<dl class="kv">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function provenanceSection(card: ScorecardFile): string {
  const p = card.provenance;
  const b = card.backend;
  const d = card.data;
  const code = (s: string) => `<code>${escapeHtml(s)}</code>`;
  const t = (s: number) => `${s.toFixed(1)} s`;
  const names = modelNames(card);
  const backendParts = [
    b.name,
    b.simd === undefined ? null : b.simd ? 'SIMD' : 'no SIMD',
    b.fusedKernels === undefined ? null : b.fusedKernels ? 'fused kernels' : 'composed ops',
    b.libtorch?.gemm === undefined ? null : b.libtorch.gemm === 'onednn' ? 'oneDNN products' : 'OpenBLAS products',
    b.threads === undefined ? null : `${b.threads} thread${b.threads === 1 ? '' : 's'}`,
  ].filter((x): x is string => x !== null);
  const code_ = keyValues([
    ['harness', escapeHtml(`topk-harness ${p.harnessVersion}`)],
    ['git commit', p.gitCommit ? code(p.gitCommit) : '<span class="muted">not a git checkout</span>'],
    ['created', escapeHtml(p.createdAt)],
    ['scorecard schema', `version ${card.schemaVersion}`],
  ]);
  const machine = keyValues([
    ['backend', `${escapeHtml(backendParts.join(', '))} <span class="muted">(requested ${escapeHtml(b.requested)})</span>`],
    ...(b.skipped.length ? [['skipped', b.skipped.map(escapeHtml).join('<br>')] as const] : []),
    ['tfjs', escapeHtml(b.tfjsVersion)],
    ['Node.js', escapeHtml(p.node)],
    ['platform', escapeHtml(p.platform)],
    ['CPU', escapeHtml(`${p.cpuCount} × ${p.cpu}`)],
    ['sharp / libvips', escapeHtml(`${p.sharp ?? 'n/a'} / ${p.libvips ?? 'n/a'}`)],
  ]);
  const data = keyValues([
    ['dataset', escapeHtml(d.dataset)],
    ['images', escapeHtml(`${d.height}×${d.width}×${d.channels}, ${d.classes} classes`)],
    ['splits', escapeHtml(`${d.trainCount.toLocaleString('en-US')} train / ${d.validationCount.toLocaleString('en-US')} validation / ${d.testCount.toLocaleString('en-US')} test`)],
    ['fingerprints', `train ${code(d.fingerprints.train)} validation ${code(d.fingerprints.validation)} test ${code(d.fingerprints.test)}`],
    ['seed', String(card.seed)],
    ['ECE convention', escapeHtml(card.calibration.convention)],
  ]);
  const timing = keyValues([
    ['total', t(card.timing.totalSeconds)],
    ...names.filter((n) => card.timing.models[n]?.trainSeconds != null).map((n) => [`train ${n}`, `${t(card.timing.models[n].trainSeconds!)} <span class="muted">(${(card.timing.models[n].trainImagesPerSecond ?? NaN).toFixed(0)} images/s)</span>`] as const),
    ...Object.entries(card.timing.suites).map(([s, sec]) => [`suite ${s}`, t(sec)] as const),
  ]);
  return [
    '<div class="grid2">',
    `<div><h3>Code</h3>${code_}<h3>Data</h3>${data}</div>`,
    `<div><h3>Machine and backend</h3>${machine}<h3>Wall time</h3>${timing}</div>`,
    '</div>',
    '<details><summary>Resolved configuration (config.json)</summary>',
    `<pre><code>${escapeHtml(JSON.stringify(card.config, null, 2))}</code></pre>`,
    '</details>',
  ].join('\n');
}

// -------------------------------------------------------------------------------------------------------- page


/** The complete report.html for one run. */
export function reportHtml(input: ReportInput): string {
  const card = input.scorecard;
  const c = card.config;
  const names = modelNames(card);
  const others = names.filter((n) => n !== card.baseline);
  const chips = [
    ['dataset', card.data.dataset],
    ['preset', c.preset],
    card.statistics ? ['seeds', card.statistics.seeds.join(', ')] : ['seed', String(card.seed)],
    ['models', names.map((n) => n + kLabel(card.models[n].k)).join(' vs ')],
    ['backend', card.backend.name],
    ['created', card.provenance.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')],
  ];
  let figureIndex = 0;
  const suites = input.suites.map(({ name, record }) => {
    const html = suiteSection(name, record, input.assets, figureIndex);
    figureIndex += record.files.length;
    return html;
  });
  const toc = [
    ['headline', 'Headline'],
    ...(card.statistics ? [['statistics', 'Statistics over seeds']] : []),
    ...(trained(card) ? [['training', 'Training and sparsity'] as const] : []),
    ...input.suites.map((s) => [`suite-${s.name}`, suiteNavLabel(s.name, s.record.markdown)]),
    ['provenance', 'Provenance'],
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="topk-harness ${escapeHtml(input.renderedBy ?? card.provenance.harnessVersion)}">`,
    `<title>Scorecard ${escapeHtml(card.runId)} · topk-harness</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header class="page"><div class="inner">',
    '<p class="eyebrow">topk-harness scorecard</p>',
    `<h1>${escapeHtml(card.runId)}</h1>`,
    `<ul class="chips">${chips.map(([k, v]) => `<li><b>${escapeHtml(k)}</b>${escapeHtml(v)}</li>`).join('')}</ul>`,
    '</div></header>',
    '<main>',
    `<nav class="toc">${toc.map(([id, label]) => `<a href="#${escapeHtml(id)}">${escapeHtml(label)}</a>`).join('')}</nav>`,
    '<section class="card" id="headline">',
    '<h2>Headline</h2>',
    `<p class="lede">${escapeHtml(
      `${card.data.dataset}: ${card.data.trainCount} train / ${card.data.validationCount} validation / ${card.data.testCount} test images ` +
        `(${card.data.height}×${card.data.width}×${card.data.channels}, ${card.data.classes} classes). ` +
        `ViT: patch ${c.model.patchSize}, dim ${c.model.dim}, depth ${c.model.depth}, heads ${c.model.heads}, MLP ${c.model.mlpDim}, ${c.model.pool} pooling; ` +
        `${c.train.epochs} epochs, batch ${c.train.batchSize}, AdamW lr ${c.train.learningRate}, weight decay ${c.train.weightDecay}.`,
    )}</p>`,
    card.statistics
      ? `<p class="muted small">Multi-seed run: the table gives the mean over ${card.statistics.seeds.length} seeds and each delta's paired 95% interval over the seeds in brackets; more under Statistics.</p>`
      : '',
    singleSeedCaveat(asScorecard(card)) ? `<p class="caveat" role="note">${escapeHtml(singleSeedCaveat(asScorecard(card))!)}</p>` : '',
    headlineTable(card),
    '<div class="legend">',
    '<span><span class="swatch best"></span>better value (where a direction exists)</span>',
    others.length ? `<span><span class="swatch better"></span>delta in the better direction</span><span><span class="swatch worse"></span>delta in the worse direction</span>` : '',
    '</div>',
    `<p class="muted small">ECE: ${escapeHtml(card.calibration.convention)}. ${others.length ? `Deltas are ${escapeHtml(others.join(', '))} minus ${escapeHtml(card.baseline)}; accuracy and ECE deltas are in percentage points. ` : ''}Everything outside the timing rows is reproducible from the config and seed on the same backend.</p>`,
    '</section>',
    ...(card.statistics
      ? ['<section class="card" id="statistics">', markdownToHtml(statisticsMarkdown(card.statistics, card)), '</section>']
      : []),
    ...(trained(card)
      ? ['<section class="card" id="training">', '<h2>Training and sparsity</h2>', trainingSection(card), '</section>']
      : []),
    ...suites,
    '<section class="card" id="provenance">',
    '<h2>Provenance</h2>',
    provenanceSection(card),
    '</section>',
    `<footer>Rendered by topk-harness ${escapeHtml(input.renderedBy ?? card.provenance.harnessVersion)} from scorecard.json (schema version ${SCHEMA_VERSION}) and suites/*.json. Self-contained: no scripts, no network.</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * The suite's entry in the page's table of contents: the title of its first heading without the parenthesis
 * ("Robustness to input corruptions", "Out-of-distribution detection"), else its name ("label noise").
 */
export function suiteNavLabel(name: string, markdown: string): string {
  const heading = markdown.match(/^\s*#{1,6}\s+(.+?)\s*$/m)?.[1].replace(/\s*\(.*$/, '').trim();
  if (heading) return heading;
  return (name[0].toUpperCase() + name.slice(1)).replace(/[-_]/g, ' ');
}
