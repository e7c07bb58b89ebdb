/**
 * report.html in a real browser: headless Chromium renders the sample run's page; the screenshot must not be blank
 * (the inline stylesheet applied: dark header band, light page, varied content), and the parsed DOM must hold every
 * section and figure of the source (no markup swallowed by a parse error). Then a run with every built-in suite
 * (small synthetic data), section by section at 1400 px: no escaped tag text or unrendered Markdown, nothing wider
 * than its box (no horizontal scrollbar), and a screenshot of each section that is not blank; with
 * TOPK_SCREENSHOT_DIR=<dir> the screenshots are kept there to look at. Skipped when no Chromium is installed
 * (Debian: apt-get install chromium; or set CHROMIUM=/path/to/chrome).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { writeRunReports } from '../../src/report/run-reports.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { useTestBackend } from '../support/backend.js';
import { copySampleRun } from './fixtures.js';

/** The Chromium binary: $CHROMIUM, else the first of the usual names on PATH; null when there is none. */
function findChromium(): string | null {
  if (process.env.CHROMIUM) return fs.existsSync(process.env.CHROMIUM) ? process.env.CHROMIUM : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
      const file = path.join(dir, name);
      if (fs.existsSync(file)) return file;
    }
  }
  return null;
}

/** Run headless Chromium on a page with the given extra flags; resolves with stdout. */
function chromium(bin: string, profile: string, flags: string[], url: string): Promise<string> {
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profile}`, ...flags, url,
  ];
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} failed: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

describe('report.html in headless Chromium', function () {
  this.timeout(120_000);
  const bin = findChromium();
  let dir: string;
  let profile: string;
  let html: string;
  let url: string;

  before(function () {
    if (!bin) this.skip();
    dir = copySampleRun('topk-browser-');
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-chromium-'));
    const out = writeRunReports(dir);
    html = fs.readFileSync(out.htmlPath, 'utf8');
    url = pathToFileURL(out.htmlPath).href;
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  it('renders a non-blank, styled page', async () => {
    const png = path.join(dir, 'report.png');
    await chromium(bin!, profile, [`--screenshot=${png}`, '--window-size=1200,2000'], url);
    const image = sharp(png);
    const meta = await image.metadata();
    expect([meta.width, meta.height]).to.deep.equal([1200, 2000]);
    const stats = await image.stats();
    const stdev = stats.channels.slice(0, 3).reduce((s, c) => s + c.stdev, 0) / 3;
    expect(stdev, 'pixel standard deviation (a blank page is ~0)').to.be.greaterThan(20);
    const mean = async (top: number, height: number) => {
      const region = await sharp(png).extract({ left: 0, top, width: 1200, height }).png().toBuffer(); // stats() reads its input, not the pipeline
      const s = await sharp(region).stats();
      return s.channels.slice(0, 3).reduce((a, c) => a + c.mean, 0) / 3;
    };
    expect(await mean(0, 40), 'the dark header band (inline CSS applied)').to.be.lessThan(90);
    expect(await mean(400, 1600), 'the light page body').to.be.greaterThan(180);
  });

  it('parses into a DOM with every section and figure of the source', async () => {
    const dom = await chromium(bin!, profile, ['--dump-dom'], url);
    for (const id of ['headline', 'training', 'suite-calibration', 'suite-sparsity', 'provenance']) expect(dom).to.contain(`id="${id}"`);
    const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
    expect(count(dom, /<figure[\s>]/g)).to.equal(count(html, /<figure[\s>]/g));
    expect(count(dom, /<svg[\s>]/g)).to.equal(count(html, /<svg[\s>]/g));
    expect(count(dom, /<table[\s>]/g)).to.equal(count(html, /<table[\s>]/g));
  });
});

/** Width at which the report must fit without a horizontal scrollbar (the laptop window). */
const WIDTH = 1400;

/**
 * Runs in the page after load and writes what it finds into <pre id="probe"> as JSON, which --dump-dom returns:
 * per section, text that looks like an escaped tag, and elements wider than their box.
 */
const PROBE = `<script>
addEventListener('load', () => {
  for (const d of document.querySelectorAll('details')) d.open = true; // collapsed content must fit too
  const out = {};
  for (const s of document.querySelectorAll('section[id]')) {
    const tags = (s.innerText.match(/<\\/?(details|summary|table|div|span|svg|figure|p|br|code)\\b[^>]*>/gi) || []);
    const wide = [];
    for (const el of s.querySelectorAll('*')) {
      const style = getComputedStyle(el);
      if (el.scrollWidth > el.clientWidth + 1 && (style.overflowX === 'auto' || style.overflowX === 'scroll')) wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' + el.scrollWidth + '>' + el.clientWidth);
    }
    // Markdown that reached the page unrendered: an image or link form, a table row, emphasis markers
    const markdown = (s.innerText.match(/!\\[[^\\]]*\\]|\\]\\([^)\\s]+\\)|^\\|.*\\|$|\\*\\*\\S/gm) || []);
    for (const a of s.querySelectorAll('a')) {
      const before = a.previousSibling;
      if (before && before.nodeType === 3 && before.textContent.endsWith('!')) markdown.push('!' + a.textContent); // a half-rendered image
    }
    const box = s.getBoundingClientRect();
    out[s.id] = { tags, markdown, wide, right: Math.round(box.right), height: Math.round(box.height) };
  }
  out['(page)'] = { scrollWidth: document.documentElement.scrollWidth, innerWidth: innerWidth };
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>`;

describe('report.html of a run with every suite, section by section in headless Chromium', function () {
  this.timeout(300_000);
  const bin = findChromium();
  let dir: string;
  let profile: string;
  let page: string;
  let sections: string[];

  before(async function () {
    if (!bin) this.skip();
    await useTestBackend();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-browser-all-'));
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-chromium-'));
    const config = resolveConfig([parseOverrides({
      backend: 'wasm',
      // MNIST's shape, so that the ood suite can read MNIST as the out-of-distribution set
      data: { dataset: 'synthetic', imageSize: 28, channels: 1, syntheticTrainCount: 600, syntheticTestCount: 200, validationCount: 100 },
      model: { patchSize: 14, dim: 32, depth: 2, heads: 2, mlpDim: 64 },
      models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 8 }],
      train: { epochs: 2, batchSize: 32, learningRate: 3e-3 },
      suites: ['calibration', 'sparsity', 'label-noise', 'corruption', 'ood'],
      suiteOptions: { ood: { datasets: ['mnist'], limit: 100 } },
      labelNoise: { specs: ['uniform:0.4'], memorisationProbe: 50 },
      corruption: { corruptions: ['gaussian_noise', 'defocus_blur', 'contrast'], severities: [1, 3, 5], limitTest: 100 },
    })], 'smoke');
    const run = await runExperiment({ config, outDir: path.join(dir, 'run'), progress: false });
    page = fs.readFileSync(path.join(path.dirname(run.scorecardPath), 'report.html'), 'utf8');
    sections = [...page.matchAll(/<section class="card[^"]*" id="([^"]+)"/g)].map((m) => m[1]);
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  it('has a section per suite', () => {
    for (const id of ['headline', 'training', 'suite-calibration', 'suite-sparsity', 'suite-label-noise', 'suite-corruption', 'suite-ood', 'provenance']) {
      expect(sections).to.include(id);
    }
  });

  it(`shows no escaped tag text and nothing wider than its box at ${WIDTH} px`, async () => {
    const file = path.join(dir, 'probe.html');
    fs.writeFileSync(file, page.replace('</body>', `${PROBE}</body>`));
    const dom = await chromium(bin!, profile, ['--dump-dom', `--window-size=${WIDTH},1000`], pathToFileURL(file).href);
    const json = dom.match(/<pre id="probe">([^<]*)<\/pre>/);
    expect(json, 'the probe ran').to.not.equal(null);
    const found = JSON.parse(json![1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as Record<string, { tags?: string[]; markdown?: string[]; wide?: string[]; right?: number; scrollWidth?: number; innerWidth?: number }>;
    for (const id of sections) {
      expect(found[id], id).to.not.equal(undefined);
      expect(found[id].tags, `${id}: escaped tag text`).to.deep.equal([]);
      expect(found[id].markdown, `${id}: unrendered Markdown`).to.deep.equal([]);
      expect(found[id].wide, `${id}: elements wider than their box (horizontal scrollbar)`).to.deep.equal([]);
      expect(found[id].right!, `${id}: right edge`).to.be.at.most(WIDTH);
    }
    expect(found['(page)'].scrollWidth!, 'page width').to.be.at.most(found['(page)'].innerWidth!);
  });

  it('renders every section on its own as a non-blank screenshot', async () => {
    const keep = process.env.TOPK_SCREENSHOT_DIR;
    if (keep) fs.mkdirSync(keep, { recursive: true });
    for (const id of sections) {
      // only this section shown (the header band too), so that the screenshot is the section at the top of the page
      const css = `<style>section[id]:not(#${id}) { display: none !important; }</style>`;
      const file = path.join(dir, `section-${id}.html`);
      fs.writeFileSync(file, page.replace('</head>', `${css}</head>`));
      const png = path.join(keep ?? dir, `section-${id}.png`);
      await chromium(bin!, profile, [`--screenshot=${png}`, `--window-size=${WIDTH},1600`], pathToFileURL(file).href);
      const region = await sharp(png).extract({ left: 0, top: 60, width: WIDTH, height: 400 }).png().toBuffer();
      const stats = await sharp(region).stats();
      const stdev = stats.channels.slice(0, 3).reduce((a, c) => a + c.stdev, 0) / 3;
      expect(stdev, `${id}: pixel standard deviation under the header (a blank section is ~0)`).to.be.greaterThan(10);
    }
  });
});
