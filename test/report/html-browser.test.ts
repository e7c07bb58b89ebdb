/**
 * report.html in a real browser: headless Chromium renders the sample run's page; the screenshot must not be blank
 * (the inline stylesheet applied: dark header band, light page, varied content), and the parsed DOM must hold every
 * section and figure of the source (no markup swallowed by a parse error). Skipped when no Chromium is installed
 * (Debian: apt-get install chromium; or set CHROMIUM=/path/to/chrome).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { writeRunReports } from '../../src/report/run-reports.js';
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
