/**
 * The plugin API: defineCorruption validation, loading plugin modules from files (and package names), the
 * registry's duplicate and unknown-name errors. Error texts are asserted exactly.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { corruptDataset } from '../../src/corruptions/apply.js';
import { CorruptionDefinitionError, defineCorruption, validateCorruption, type CorruptionDefinition } from '../../src/corruptions/define.js';
import { datasetImage } from '../../src/corruptions/image.js';
import {
  BENCHMARK_CORRUPTIONS, builtinCorruptions, CorruptionRegistry, createCorruptionRegistry, HELD_OUT_CORRUPTIONS,
  loadCorruptionModule,
} from '../../src/corruptions/registry.js';
import { HarnessInputError } from '../../src/errors.js';
import { sceneDataset } from './fixtures.js';
import { BUILTIN_CORRUPTIONS } from '../support/builtin-corruptions.js';

const DEFINE_URL = pathToFileURL(resolve('src/corruptions/define.ts')).href;

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

function throws(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const good: CorruptionDefinition<number> = {
  name: 'invert_some', version: 1, family: 'custom', severities: [0.1, 0.2, 0.3, 0.4, 0.5],
  description: 'inverts a fraction c of the values', apply: (im) => ({ ...im, data: im.data.map((v) => 255 - v) }),
};

describe('defineCorruption validation', () => {
  it('accepts a definition; one list serves both tables; params() picks by severity and table', () => {
    const c = defineCorruption(good);
    expect(c.severities.cifar).to.deep.equal([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(c.severities.imagenet).to.deep.equal(c.severities.cifar);
    expect(c.params(3, 'imagenet')).to.equal(0.3);
    const two = defineCorruption({ ...good, severities: { cifar: [1, 2, 3, 4, 5], imagenet: [6, 7, 8, 9, 10] } });
    expect(two.params(5, 'cifar')).to.equal(5);
    expect(two.params(1, 'imagenet')).to.equal(6);
    expect(Object.isFrozen(c)).to.equal(true);
  });

  it('names every bad field in one message', () => {
    const e = throws(() => defineCorruption({ ...good, name: 'MyBlur', version: 0, family: 'filter' as 'custom' }));
    expect(e).to.be.instanceOf(CorruptionDefinitionError).and.instanceOf(HarnessInputError);
    expect(e.message).to.equal(
      "corruption 'MyBlur': field 'name' must be a snake_case string (lowercase letters and digits in words joined by '_', starting with a letter), got 'MyBlur'; " +
      "field 'version' must be an integer >= 1, got 0; " +
      "field 'family' must be one of noise, blur, weather, digital, custom, got 'filter'",
    );
    expect((e as CorruptionDefinitionError).issues.map((i) => i.field)).to.deep.equal(['name', 'version', 'family']);
  });

  it('checks the severity lists', () => {
    expect(throws(() => defineCorruption({ ...good, severities: [1, 2, 3, 4] as never })).message)
      .to.equal("corruption 'invert_some': field 'severities' must have 5 entries (severities 1..5), got 4");
    expect(throws(() => defineCorruption({ ...good, severities: { cifar: [1, 2, 3, 4, 5] } as never })).message)
      .to.equal("corruption 'invert_some': field 'severities.imagenet' is missing; must be an array of 5 parameter values (severities 1..5) or { cifar: [5 values], imagenet: [5 values]}");
    expect(throws(() => defineCorruption({ ...good, severities: { cifar: [1, 2, 3, 4, 5], imagenet: [1, 2, undefined, 4, 5] } as never })).message)
      .to.equal("corruption 'invert_some': field 'severities.imagenet[2]' (severity 3) must be a parameter value, got undefined");
  });

  it('refuses unknown fields with a suggestion', () => {
    const { severities, ...rest } = good;
    const e = throws(() => defineCorruption({ ...rest, severity: severities } as never));
    expect(e.message).to.equal(
      "corruption 'invert_some': field 'severities' must be an array of 5 parameter values (severities 1..5) or { cifar: [5 values], imagenet: [5 values]}, got undefined; " +
      "field 'severity' is not a corruption field. Did you mean severities? Allowed: name, version, family, severities, description, apply",
    );
  });

  it('checks apply and description', () => {
    const { apply: _apply, ...noApply } = good;
    expect(throws(() => defineCorruption({ ...noApply, description: '' } as never)).message).to.equal(
      "corruption 'invert_some': field 'description' must be a non-empty string, got ''; " +
      "field 'apply' must be a function (image, { severity, rng, table, params }) => Image, got undefined",
    );
  });

  it('every built-in passes validation again (as the loader would check it)', async () => {
    for (const c of (await builtinCorruptions())) expect(validateCorruption(c).name).to.equal(c.name);
  });

  it('loads the built-ins through the plugin loader: the modules a direct import gives, in canonical order', async () => {
    const loaded = await builtinCorruptions();
    expect(loaded.map((c) => c.name)).to.deep.equal(BUILTIN_CORRUPTIONS.map((c) => c.name));
    loaded.forEach((c, i) => {
      expect(c.version).to.equal(BUILTIN_CORRUPTIONS[i].version);
      expect(c.apply.toString()).to.equal(BUILTIN_CORRUPTIONS[i].apply.toString());
    });
  });
});

describe('loadCorruptionModule and the registry', () => {
  let dir: string;
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return `./${name}`;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'topk-corruption-plugins-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a module written with defineCorruption, lists it and runs it over a dataset', async () => {
    const spec = write('half_invert.mjs', `
      import { defineCorruption } from '${DEFINE_URL}';
      export default defineCorruption({
        name: 'half_invert', version: 2, family: 'custom', severities: [1, 2, 3, 4, 5],
        description: 'inverts the left severity/5 of every row',
        apply(image, { severity }) {
          const out = image.data.slice();
          const cols = Math.floor(image.width * severity / 5);
          for (let y = 0; y < image.height; y++)
            for (let x = 0; x < cols; x++)
              for (let c = 0; c < image.channels; c++) {
                const i = (y * image.width + x) * image.channels + c;
                out[i] = 255 - out[i];
              }
          return { ...image, data: out };
        },
      });`);
    const reg = await createCorruptionRegistry({ plugins: [spec], cwd: dir });
    expect(reg.names()).to.deep.equal([...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS, 'half_invert']);
    expect(reg.sourceOf('half_invert')).to.equal(spec);
    expect(reg.sourceOf('fog')).to.equal('built-in');
    expect(reg.plugins().map((c) => c.name)).to.deep.equal(['half_invert']);
    const d = sceneDataset(3, 8, 10, 3);
    const out = await corruptDataset(d, reg.get('half_invert'), 5, { seed: 0 });
    expect(datasetImage(out, 2).data[0]).to.equal(255 - datasetImage(d, 2).data[0]);
  });

  it('loads a TypeScript module and a plain object (JavaScript without the harness import)', async () => {
    const ts = write('ts_plugin.ts', `
      import { defineCorruption } from '${DEFINE_URL}';
      export default defineCorruption<number>({
        name: 'ts_plugin', version: 1, family: 'custom', severities: [1, 2, 3, 4, 5], description: 'identity',
        apply: (image) => ({ ...image, data: image.data.slice() }),
      });`);
    const plain = write('plain.mjs', `
      export default { name: 'plain_one', version: 1, family: 'noise', severities: { cifar: [1, 2, 3, 4, 5], imagenet: [2, 4, 6, 8, 10] },
        description: 'identity', apply: (image) => ({ ...image, data: image.data.slice() }) };`);
    expect((await loadCorruptionModule(ts, { cwd: dir })).name).to.equal('ts_plugin');
    const p = await loadCorruptionModule(plain, { cwd: dir });
    expect(p.params(2, 'imagenet')).to.equal(4);
  });

  it('missing apply: names the file and the field', async () => {
    const spec = write('no_apply.mjs', `export default { name: 'no_apply', version: 1, family: 'custom', severities: [1, 2, 3, 4, 5], description: 'd' };`);
    const e = await rejects(loadCorruptionModule(spec, { cwd: dir }));
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal(
      "./no_apply.mjs: corruption 'no_apply': field 'apply' must be a function (image, { severity, rng, table, params }) => Image, got undefined",
    );
    expect((e as HarnessInputError).path).to.equal('./no_apply.mjs');
  });

  it('bad name: names the file and the field', async () => {
    const spec = write('bad_name.mjs', `export default { name: 'Gaussian-Blur', version: 1, family: 'blur', severities: [1, 2, 3, 4, 5], description: 'd', apply: (im) => im };`);
    expect((await rejects(loadCorruptionModule(spec, { cwd: dir }))).message).to.equal(
      "./bad_name.mjs: corruption 'Gaussian-Blur': field 'name' must be a snake_case string (lowercase letters and digits in words joined by '_', starting with a letter), got 'Gaussian-Blur'",
    );
  });

  it('bad version: names the file and the field, also when defineCorruption throws during import', async () => {
    const plain = write('bad_version.mjs', `export default { name: 'v_blur', version: '2', family: 'blur', severities: [1, 2, 3, 4, 5], description: 'd', apply: (im) => im };`);
    expect((await rejects(loadCorruptionModule(plain, { cwd: dir }))).message)
      .to.equal("./bad_version.mjs: corruption 'v_blur': field 'version' must be an integer >= 1, got '2'");
    const defined = write('bad_version_defined.mjs', `
      import { defineCorruption } from '${DEFINE_URL}';
      export default defineCorruption({ name: 'v_blur', version: 1.5, family: 'blur', severities: [1, 2, 3, 4, 5], description: 'd', apply: (im) => im });`);
    const e = await rejects(loadCorruptionModule(defined, { cwd: dir }));
    expect(e).to.be.instanceOf(CorruptionDefinitionError);
    expect(e.message).to.equal("./bad_version_defined.mjs: corruption 'v_blur': field 'version' must be an integer >= 1, got 1.5");
  });

  it('no default export, a missing file, a module that fails to import, an unknown package', async () => {
    const named = write('named.mjs', `export const blur = 1;`);
    expect((await rejects(loadCorruptionModule(named, { cwd: dir }))).message)
      .to.equal("./named.mjs: no default export; write 'export default defineCorruption({ ... })' (found named exports: blur)");
    expect((await rejects(loadCorruptionModule('./nope.mjs', { cwd: dir }))).message)
      .to.equal(`./nope.mjs: corruption module not found (looked for ${join(dir, 'nope.mjs')})`);
    const broken = write('broken.mjs', `throw new Error('boom');`);
    expect((await rejects(loadCorruptionModule(broken, { cwd: dir }))).message)
      .to.equal('./broken.mjs: failed to import corruption module: boom');
    expect((await rejects(loadCorruptionModule('topk-no-such-corruption-pkg', { cwd: dir }))).message)
      .to.equal(`topk-no-such-corruption-pkg: corruption package not found from ${dir} (is it installed? a file path must start with ./ or /)`);
  });

  it('refuses a plugin that reuses a name, naming both sources', async () => {
    const spec = write('dup.mjs', `export default { name: 'gaussian_noise', version: 1, family: 'noise', severities: [1, 2, 3, 4, 5], description: 'd', apply: (im) => im };`);
    const e = await rejects(createCorruptionRegistry({ plugins: [spec], cwd: dir }));
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal("duplicate corruption name 'gaussian_noise': ./dup.mjs clashes with the built-in one; give the plugin another name");
    const twice = write('twice.mjs', `export default { name: 'twice', version: 1, family: 'custom', severities: [1, 2, 3, 4, 5], description: 'd', apply: (im) => im };`);
    const reg = new CorruptionRegistry();
    await reg.load(twice, { cwd: dir });
    expect((await rejects(reg.load(twice, { cwd: dir }))).message)
      .to.equal("duplicate corruption name 'twice': ./twice.mjs clashes with the one from ./twice.mjs; give the plugin another name");
  });

  it("unknown names get 'did you mean' and the list", async () => {
    const reg = await createCorruptionRegistry();
    const all = [...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS].join(', ');
    const e = throws(() => reg.get('gausian_noise'));
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal(`unknown corruption 'gausian_noise'. Did you mean gaussian_noise? Available: ${all}`);
    expect(throws(() => reg.get('jpeg')).message).to.equal(`unknown corruption 'jpeg'. Available: ${all}`);
    expect(throws(() => reg.get('pixelated')).message).to.equal(`unknown corruption 'pixelated'. Did you mean pixelate? Available: ${all}`);
  });

  it('splits benchmark and held-out corruptions', async () => {
    const reg = await createCorruptionRegistry();
    expect(reg.benchmark().map((c) => c.name)).to.deep.equal([...BENCHMARK_CORRUPTIONS]);
    expect(reg.heldOut().map((c) => c.name)).to.deep.equal([...HELD_OUT_CORRUPTIONS]);
  });
});
