/**
 * Who may import what (issue 18): the core (src/) never imports the built-in suites or corruptions (api/builtins.ts
 * registers them by file), and the ood suite is written against the public plugin API only.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every relative module specifier of a TypeScript file (static imports and exports, dynamic imports), resolved. */
function relativeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)].map((m) => m[1]);
  return specs.filter((s) => s.startsWith('.')).map((s) => path.relative('.', path.resolve(path.dirname(file), s)));
}

const tracked = (dir: string) => execFileSync('git', ['ls-files', '--', `${dir}/*.ts`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);

describe('import layout', () => {
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
