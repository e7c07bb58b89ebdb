/**
 * The README's configuration block and preset table against the code's own presets (src/config/run-config.ts), so
 * that the manual cannot drift from what a run does (it once said quick trains 3 epochs at lr 0.001; it runs 5 at
 * 0.002).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import { PRESETS, type PresetName } from '../../src/config/run-config.js';

const README = fs.readFileSync('README.md', 'utf8');
/** Training-split sizes of the built-in datasets (train / test), for presets that take every image. */
const SPLIT_SIZES: Record<string, { train: number; test: number }> = { mnist: { train: 60000, test: 10000 }, 'fashion-mnist': { train: 60000, test: 10000 } };

/** JSON with // comments (outside strings) removed. */
function parseJsonc(text: string): unknown {
  const stripped = text.split('\n').map((line) => {
    let inString = false;
    for (let i = 0; i < line.length; i++) {
      if (line[i] === '"' && line[i - 1] !== '\\') inString = !inString;
      if (!inString && line[i] === '/' && line[i + 1] === '/') return line.slice(0, i);
    }
    return line;
  }).join('\n');
  return JSON.parse(stripped);
}

const number = (s: string) => Number(s.replace(/,/g, ''));

describe('README against the code', () => {
  it("shows the quick preset's configuration exactly as the code resolves it", () => {
    const block = README.match(/```jsonc\n(\{\n\s*"preset": "quick"[\s\S]*?)```/);
    expect(block, 'the README has a ```jsonc block starting with "preset": "quick"').to.not.equal(null);
    const shown = parseJsonc(block![1]) as Record<string, unknown>;
    const quick = PRESETS.quick as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(shown)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [sub, v] of Object.entries(value as Record<string, unknown>)) {
          expect(v, `README ${key}.${sub}`).to.deep.equal((quick[key] as Record<string, unknown>)[sub]);
        }
      } else {
        expect(value, `README ${key}`).to.deep.equal(quick[key]);
      }
    }
    // every setting of the sections it shows is there (a new training setting must reach the manual too)
    for (const key of ['data', 'model', 'train', 'eval'] as const) {
      expect(Object.keys(shown[key] as object).sort(), `README ${key} keys`).to.deep.equal(Object.keys(PRESETS.quick[key]).sort());
    }
  });

  it("gives each preset's data, model and epochs as the code has them", () => {
    const rows = [...README.matchAll(/^\| `(smoke|quick|paper|study)`(?: \(default\))? \| ([^|]+) \| ([^|]+) \| (\d+) \|/gm)];
    expect(rows.map((r) => r[1]).sort()).to.deep.equal(Object.keys(PRESETS).sort());
    for (const [, name, data, model, epochs] of rows) {
      const p = PRESETS[name as PresetName];
      expect(number(epochs), `${name} epochs`).to.equal(p.train.epochs);
      const sizes = SPLIT_SIZES[p.data.dataset];
      const counts = data.match(/([\d,]+) \/ ([\d,]+) \/ ([\d,]+)/)!.slice(1).map(number);
      expect(counts, `${name}: train / validation / test images`).to.deep.equal([
        (p.data.limitTrain ?? sizes.train) - p.data.validationCount, p.data.validationCount, p.data.limitTest ?? sizes.test,
      ]);
      expect(data.toLowerCase().replace(/\s/g, '-'), `${name} dataset`).to.contain(p.data.dataset);
      const field = (re: RegExp) => number(model.match(re)?.[1] ?? 'NaN');
      expect(field(/patch (\d+)/), `${name} patch`).to.equal(p.model.patchSize);
      expect(field(/MLP (\d+)/), `${name} MLP width`).to.equal(p.model.mlpDim);
      expect(field(/depth (\d+)/), `${name} depth`).to.equal(p.model.depth);
      expect(field(/dim (\d+)/), `${name} dim`).to.equal(p.model.dim);
      const ks = [...model.matchAll(/k = (\d+)/g)].map((m) => Number(m[1]));
      expect(ks, `${name} k`).to.deep.equal(p.models.map((m) => m.k).filter((k): k is number => typeof k === 'number'));
    }
  });
});
