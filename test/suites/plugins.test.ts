import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS } from '../../src/config/run-config.js';
import { builtinModules } from '../../src/plugins/builtins.js';
import { defineSuite, SuiteDefinitionError } from '../../src/suite/define.js';
import { createSuiteRegistry, loadSuiteModule } from '../../src/suite/registry.js';
import { suitesToRun } from '../../src/run/run-suites.js';
import { rejection as rejects } from '../support/capture.js';

describe('suite plugins', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-suite-plugins-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads the built-in suites through the plugin loader, by file, as a user plugin is loaded', async () => {
    const reg = await createSuiteRegistry();
    expect(reg.names()).to.deep.equal(['calibration', 'sparsity', 'label-noise', 'corruption', 'ood']);
    for (const { name, file } of builtinModules().suites) {
      expect(reg.sourceOf(name)).to.equal('built-in');
      const viaLoader = await loadSuiteModule(file); // the path --suite-module takes
      expect(viaLoader.name).to.equal(name);
      expect(viaLoader.run.toString()).to.equal(reg.get(name).run.toString());
    }
  });

  it('loads a .ts suite from a folder with no package.json, importing by relative path', async () => {
    fs.writeFileSync(path.join(dir, 'helper.ts'), 'export const label: string = "from a helper";\n');
    fs.writeFileSync(path.join(dir, 'my-suite.ts'), [
      "import { label } from './helper.ts';",
      'const n: number = 1;',
      "export default { name: 'my-suite', version: n, description: label, async run() { return { result: {}, markdown: '## Mine', files: [] }; } };",
      '',
    ].join('\n'));
    expect(fs.existsSync(path.join(dir, 'package.json'))).to.equal(false);
    const reg = await createSuiteRegistry({ plugins: ['./my-suite.ts'], cwd: dir });
    expect(reg.get('my-suite').description).to.equal('from a helper');
    expect(reg.sourceOf('my-suite')).to.equal('./my-suite.ts');
    expect(reg.plugins().map((p) => p.suite.name)).to.deep.equal(['my-suite']);
  });

  it('names every bad field of a definition, with a did-you-mean, and the file', async () => {
    const bad = () => defineSuite({ name: 'Bad Name', version: 0, description: '', run: 3, descripton: 'x' } as never);
    expect(bad).to.throw(SuiteDefinitionError).with.property('message',
      "suite 'Bad Name': field 'name' must be lowercase words joined by '-' or '_' (e.g. 'ood', 'label-noise'), got 'Bad Name'; "
      + "field 'version' must be an integer >= 1, got 0; field 'description' must be a non-empty string, got ''; "
      + "field 'run' must be a function (ctx) => Promise<{ result, markdown, files }>, got 3; "
      + "field 'descripton' is not a suite field. Did you mean description? Allowed: name, version, description, run, needs, check, headline, workItems, runWorkItem");
    const run = async () => ({ result: {}, markdown: '', files: [] });
    expect(() => defineSuite({ name: 'half', version: 1, description: 'x', run, workItems: () => ['a'] })).to.throw(SuiteDefinitionError,
      "suite 'half': field 'runWorkItem' must be given with workItems (the harness runs the items that one names with the other)");
    expect(defineSuite({ name: 'whole', version: 1, description: 'x', run, workItems: () => ['a'], runWorkItem: async () => {} }).runWorkItem).to.be.a('function');
    fs.writeFileSync(path.join(dir, 'nodefault.mjs'), 'export const suite = 1;\n');
    expect((await rejects(loadSuiteModule('./nodefault.mjs', { cwd: dir }))).message)
      .to.equal("./nodefault.mjs: no default export; write 'export default defineSuite({ ... })' (found named exports: suite)");
    expect((await rejects(loadSuiteModule('./missing.ts', { cwd: dir }))).message).to.match(/^\.\/missing\.ts: suite module not found/);
  });

  it('refuses a duplicate name and an unknown suite in the run list (did-you-mean)', async () => {
    fs.writeFileSync(path.join(dir, 'clash.mjs'), "export default { name: 'calibration', version: 1, description: 'x', run: async () => ({ result: 1, markdown: '', files: [] }) };\n");
    expect((await rejects(createSuiteRegistry({ plugins: ['./clash.mjs'], cwd: dir }))).message)
      .to.equal("duplicate suite name 'calibration': ./clash.mjs clashes with the built-in one; give the plugin another name");
    const reg = await createSuiteRegistry();
    expect(() => suitesToRun({ ...PRESETS.smoke, suites: ['calibraton'] }, reg)).to.throw(
      "suites.0: unknown suite 'calibraton'. Did you mean calibration? Allowed: calibration, sparsity, label-noise, corruption, ood (a plugin suite needs its module: --suite-module FILE or suites.plugins in the config)",
    );
    const withPlugin = await createSuiteRegistry({ plugins: ['./my-suite.ts'], cwd: dir });
    expect(suitesToRun({ ...PRESETS.smoke, suites: ['calibration'] }, withPlugin)).to.deep.equal(['calibration', 'my-suite']);
  });
});
