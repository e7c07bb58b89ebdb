/**
 * bin/topk-harness.js (the `topk-harness` command and `npm start`) runs the compiled dist/ while it is newer than
 * every TypeScript source, the sources through tsx once one is edited, and dist/ alone where there are no sources
 * (the installed package). Checked on a copy of the entry in a scratch package whose two CLIs only say which ran.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../../src/package-root.js';

describe('the topk-harness entry (bin/topk-harness.js)', function () {
  this.timeout(60_000);
  let dir: string;
  const run = () => spawnSync(process.execPath, [path.join(dir, 'bin', 'topk-harness.js')], { encoding: 'utf8' }).stdout.trim();
  const at = (file: string, seconds: number) => fs.utimesSync(path.join(dir, file), seconds, seconds);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-entry-'));
    for (const d of ['bin', 'dist/api', 'api', 'src/sub', 'suites', 'corruptions']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.copyFileSync(path.join(PACKAGE_ROOT, 'bin', 'topk-harness.js'), path.join(dir, 'bin', 'topk-harness.js'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    fs.symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(dir, 'node_modules')); // tsx
    fs.writeFileSync(path.join(dir, 'dist', 'api', 'cli.js'), "console.log('dist');\n");
    fs.writeFileSync(path.join(dir, 'api', 'cli.ts'), "const from: string = 'sources';\nconsole.log(from);\n");
    fs.writeFileSync(path.join(dir, 'src', 'sub', 'deep.ts'), 'export {};\n');
    at('api/cli.ts', 1_000);
    at('src/sub/deep.ts', 1_000);
    at('dist/api/cli.js', 2_000);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs dist/ when it is newer than every source', () => {
    expect(run()).to.equal('dist');
  });

  it('runs the sources through tsx when any source (in any folder, at any depth) is newer than dist/', () => {
    at('src/sub/deep.ts', 3_000);
    expect(run()).to.equal('sources');
  });

  it('runs the sources when dist/ was never built, and dist/ alone where there are no sources', () => {
    fs.rmSync(path.join(dir, 'dist'), { recursive: true });
    expect(run()).to.equal('sources');
    fs.mkdirSync(path.join(dir, 'dist', 'api'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', 'api', 'cli.js'), "console.log('dist');\n");
    fs.rmSync(path.join(dir, 'api'), { recursive: true });
    fs.rmSync(path.join(dir, 'src'), { recursive: true });
    expect(run()).to.equal('dist');
  });
});
