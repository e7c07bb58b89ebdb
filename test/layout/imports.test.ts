/**
 * Who may import what: imports go one way through the layers of scripts/import-graph.ts (docs/architecture.md), the
 * core (src/) never imports the built-in suites or corruptions (api/builtins.ts registers them by file), the ood
 * suite is written against the public plugin API only, and docs/architecture.md's graph is the current one.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOC, docWithGraph, importEdges, layerOf, mermaidGraph, violations } from '../../scripts/import-graph.js';

/** Every relative module specifier of a TypeScript file (static imports and exports, dynamic imports), resolved. */
function relativeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)].map((m) => m[1]);
  return specs.filter((s) => s.startsWith('.')).map((s) => path.relative('.', path.resolve(path.dirname(file), s)));
}

const tracked = (dir: string) => execFileSync('git', ['ls-files', '--', `${dir}/*.ts`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);

describe('import layout', () => {
  const edges = importEdges();

  it('imports go one way: each layer imports only from itself, the layers below and the vocabulary modules', () => {
    expect(edges.length).to.be.greaterThan(500); // the reader found the imports
    expect(violations(edges)).to.deep.equal([]);
  });

  it('the rule can fail: an upward import, a core module importing a plugin, and a vocabulary module importing above', () => {
    expect(violations([{ from: 'src/data/load.ts', to: 'src/run/run-experiment.ts' }])).to.deep.equal(['src/data/load.ts → src/run/run-experiment.ts: data imports from run, a layer above it']);
    expect(violations([{ from: 'src/report/html.ts', to: 'suites/ood/index.ts' }])[0]).to.contain('the core imports a plugin');
    expect(violations([{ from: 'src/data/names.ts', to: 'src/data/load.ts' }])[0]).to.contain('a vocabulary module imports only');
    expect(() => layerOf('src/nowhere/new.ts')).to.throw('src/nowhere/new.ts is in no layer');
  });

  it("docs/architecture.md shows the current graph (npx tsx scripts/import-graph.ts --write redraws it)", () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    expect(doc).to.equal(docWithGraph(doc, mermaidGraph(edges)));
  });

  it('nothing under src/ imports suites/ or corruptions/', () => {
    const bad = tracked('src').flatMap((f) => relativeImports(f).filter((t) => /^(suites|corruptions)\//.test(t)).map((t) => `${f} → ${t}`));
    expect(bad).to.deep.equal([]);
  });

  it('the ood suite imports only topk-harness/suites, topk-harness/metrics, node: modules and its own files', () => {
    const files = tracked('suites/ood');
    expect(files).to.include('suites/ood/index.ts');
    const bad = files.flatMap((f) => {
      const specs = [...fs.readFileSync(f, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)].map((m) => m[1]);
      return specs.filter((s) => !(s === 'topk-harness/suites' || s === 'topk-harness/metrics' || s.startsWith('node:') || (s.startsWith('./') && !s.includes('/..'))))
        .map((s) => `${f} → ${s}`);
    });
    expect(bad).to.deep.equal([]);
  });
});
