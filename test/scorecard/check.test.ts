/**
 * The regression gate (`topk-harness check`): passes on an identical scorecard and on improvements, fails (exit 1)
 * beyond a tolerance, honours overrides, refuses bad input (HarnessInputError: exit 2) naming what differs, and
 * writes well-formed JUnit XML.
 */
import { expect } from 'chai';
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { registerCheckCommand } from '../../src/cli/check-command.js';
import { runCheck } from '../../src/gate/run-check.js';
import { HarnessInputError } from '../../src/errors.js';
import { compareMetric } from '../../src/gate/compare.js';
import { GATE_METRICS, suiteGateRule, suiteGateValues } from '../../src/gate/metrics.js';
import { parseTolerances } from '../../src/gate/tolerances.js';
import type { ScorecardFile } from '../../src/scorecard/read.js';
import { summarize } from '../../src/scorecard/statistics.js';
import { HEADLINE_METRICS } from '../../src/scorecard/scorecard.js';
import { sampleScorecard, SMOKE_RUN, SMOKE_SCORECARD } from '../report/fixtures.js';
import { findAll, parseXml } from './xml.js';
import { knownSuiteNames } from '../../src/suite/loaded.js';

describe('regression gate (topk-harness check)', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-check-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Write a modified copy of the sample scorecard; returns its path. */
  function current(edit: (card: Record<string, any>) => void, name = 'scorecard.json'): string {
    const card = sampleScorecard();
    edit(card);
    const file = path.join(tmp, name);
    fs.writeFileSync(file, JSON.stringify(card));
    return file;
  }
  function tolerances(value: unknown): string {
    const file = path.join(tmp, 'tolerances.json');
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  }
  function inputError(f: () => unknown): HarnessInputError {
    try {
      f();
    } catch (e) {
      expect(e).to.be.instanceOf(HarnessInputError);
      return e as HarnessInputError;
    }
    throw new Error('expected a HarnessInputError');
  }
  const accuracy = (card: Record<string, any>) => card.models.topk.test.accuracy as number;
  /** Suite scalars of the sample run (calibration: 6; sparsity: train, test, 2 layers, and mean and 2 layers at 3 milestone epochs): 19. */
  const SUITE_SCALARS = 19;

  it('gates every headline metric, in the same direction', () => {
    for (const h of HEADLINE_METRICS) {
      const g = GATE_METRICS.find((m) => m.key === h.key);
      expect(g, h.key).to.not.equal(undefined);
      expect(g!.better).to.equal(h.better === 'none' ? 'both' : h.better);
    }
  });

  it('passes when nothing changed', () => {
    const out = runCheck({ baseline: SMOKE_SCORECARD, scorecard: current(() => {}) });
    expect(out.exitCode).to.equal(0);
    expect(out.result.rows).to.have.length((GATE_METRICS.length + SUITE_SCALARS) * 2);
    expect(out.output).to.contain('No gated metric moved.');
    expect(out.output).to.contain('check passed: 52 comparisons, 0 regressed, 0 improved, 6 not gated.');
  });

  it('fails with exit code 1 when a metric regresses beyond its tolerance, and says which', () => {
    const file = current((c) => (c.models.topk.test.accuracy = accuracy(c) - 0.035));
    const out = runCheck({ baseline: SMOKE_SCORECARD, scorecard: file });
    expect(out.exitCode).to.equal(1);
    expect(out.result.regressions.map((r) => `${r.metric.key}/${r.model}`)).to.deep.equal(['test.accuracy/topk']);
    expect(out.output).to.match(/\| test\.accuracy \| topk +\| +0\.5920 \| +0\.5570 \| −0\.0350 \| drop ≤ 0\.0200 \| REGRESSED \|/);
    expect(out.output).to.contain('check FAILED: 52 comparisons, 1 regressed, 0 improved, 6 not gated. test.accuracy of topk dropped by 0.0350, more than the 0.0200 allowed.');
  });

  it('passes on improvements and on small moves within tolerance', () => {
    const file = current((c) => {
      c.models.topk.test.accuracy = accuracy(c) + 0.05; // better
      c.models.vanilla.test.ece -= 0.03; // better (lower)
      c.models.vanilla.test.nll += 0.04; // worse, within the 0.05 allowed
      c.models.vanilla.test.accuracy -= 0.02; // worse by exactly the tolerance
    });
    const out = runCheck({ baseline: SMOKE_SCORECARD, scorecard: file });
    expect(out.exitCode).to.equal(0);
    const status = (key: string, model: string) => out.result.rows.find((r) => r.metric.key === key && r.model === model)!.status;
    expect(status('test.accuracy', 'topk')).to.equal('improved');
    expect(status('test.ece', 'vanilla')).to.equal('improved');
    expect(status('test.nll', 'vanilla')).to.equal('ok');
    expect(status('test.accuracy', 'vanilla')).to.equal('ok');
  });

  it('fails on any change of structure and on sparsity moving either way', () => {
    const out = runCheck({
      baseline: SMOKE_SCORECARD,
      scorecard: current((c) => {
        c.models.topk.parameterCount += 1;
        c.models.vanilla.test.meanNonzeroFraction -= 0.05;
      }),
    });
    expect(out.exitCode).to.equal(1);
    expect(out.result.regressions.map((r) => `${r.metric.key}/${r.model}`)).to.have.members(['parameterCount/topk', 'test.meanNonzeroFraction/vanilla']);
  });

  it('ignores timings by default', () => {
    const out = runCheck({ baseline: SMOKE_SCORECARD, scorecard: current((c) => (c.timing.models.topk.trainSeconds *= 10)) });
    expect(out.exitCode).to.equal(0);
    expect(out.output).to.contain('Not gated: timing.trainSeconds, timing.trainImagesPerSecond, timing.inferImagesPerSecond');
  });

  it('takes tolerance overrides per metric key: absolute, relative and ignore', () => {
    const file = current((c) => {
      c.models.topk.test.accuracy = accuracy(c) - 0.015; // within the default 0.02
      c.timing.models.topk.trainImagesPerSecond *= 0.4; // a 60% throughput drop
      c.models.vanilla.test.ece += 0.05; // beyond the default 0.02
    });
    const tight = runCheck({
      baseline: SMOKE_SCORECARD,
      scorecard: file,
      tolerances: tolerances({ 'test.accuracy': 0.01, 'timing.trainImagesPerSecond': { relative: 0.5 }, 'test.ece': 'ignore' }),
    });
    expect(tight.exitCode).to.equal(1);
    expect(tight.result.regressions.map((r) => `${r.metric.key}/${r.model}`)).to.have.members(['test.accuracy/topk', 'timing.trainImagesPerSecond/topk']);
    expect(tight.output).to.match(/timing\.trainImagesPerSecond \| topk .* \| drop ≤ 50% \([\d.]+\) \| REGRESSED \|/);
    const loose = runCheck({ baseline: SMOKE_SCORECARD, scorecard: file, tolerances: tolerances({ 'test.ece': { absolute: 0.1 } }) });
    expect(loose.exitCode).to.equal(0);
  });

  it('rejects an unknown metric key or a bad value in the tolerances file', () => {
    const err = inputError(() => runCheck({ baseline: SMOKE_SCORECARD, scorecard: SMOKE_SCORECARD, tolerances: tolerances({ 'test.acuracy': 0.01, 'test.nll': -1 }) }));
    const file = path.join(tmp, 'tolerances.json');
    expect(err.message).to.equal(
      `invalid tolerances file ${file}:\n` +
        '  test.acuracy: unknown metric key \'test.acuracy\'. Did you mean test.accuracy? Allowed: ' +
        GATE_METRICS.map((m) => m.key).join(', ') +
        '\n  test.nll: must be a number >= 0 (absolute), {"absolute": n}, {"relative": n} or "ignore" (got -1)',
    );
  });

  it('counts a metric that went missing as a regression', () => {
    const row = compareMetric(GATE_METRICS[0], 'topk', 0.5, null, { absolute: 0.02 });
    expect(row.status).to.equal('regressed');
    expect(row.reason).to.equal('missing or not finite in the current scorecard');
  });

  it('refuses a scorecard of another schema version (exit 2)', () => {
    const file = current((c) => (c.schemaVersion = 2));
    expect(inputError(() => runCheck({ baseline: SMOKE_SCORECARD, scorecard: file })).message).to.equal(
      `scorecard ${file} has schemaVersion 2; this harness reads version 1; it was written by a newer topk-harness: upgrade this one to read it`,
    );
  });

  it('refuses a missing file (exit 2)', () => {
    const missing = path.join(tmp, 'baseline.json');
    expect(inputError(() => runCheck({ baseline: missing, scorecard: SMOKE_SCORECARD })).message).to.equal(`scorecard ${missing} does not exist`);
  });

  it('refuses scorecards whose configs differ where it matters, naming each field (exit 2)', () => {
    const file = current((c) => {
      c.config.model.dim = 64;
      c.config.models[1].k = 16;
      c.config.train.epochs = 5;
      c.config.train.learningRate = 0.01; // may differ: that is what the gate measures
    });
    const err = inputError(() => runCheck({ baseline: SMOKE_SCORECARD, scorecard: file }));
    expect(err.message).to.equal(
      `cannot compare scorecard ${file} with baseline ${SMOKE_SCORECARD}: config.model.dim, config.models, config.train.epochs differ\n` +
        '  config.model.dim: baseline 32, current 64\n' +
        '  config.models: baseline vanilla, topk (k=8), current vanilla, topk (k=16)\n' +
        '  config.train.epochs: baseline 3, current 5\n' +
        'The gate compares runs of the same data, architecture, models, epochs and seed; regenerate the baseline from this config if the change is intended.',
    );
    expect(err.path).to.equal('config.model.dim');
    const seed = current((c) => (c.config.seed = c.seed = 1), 'seed.json');
    expect(inputError(() => runCheck({ baseline: SMOKE_SCORECARD, scorecard: seed })).message).to.contain(': config.seed differs\n  config.seed: baseline 0, current 1\n');
    const data = current((c) => (c.config.data.dataset = c.data.dataset = 'fashion-mnist'), 'data.json');
    expect(inputError(() => runCheck({ baseline: SMOKE_SCORECARD, scorecard: data })).message).to.contain('config.data.dataset: baseline "mnist", current "fashion-mnist"');
  });

  it('writes JUnit XML with one testcase per metric and model', () => {
    const junit = path.join(tmp, 'out', 'gate.xml');
    const file = current((c) => (c.models.topk.test.accuracy = accuracy(c) - 0.035));
    runCheck({ baseline: SMOKE_SCORECARD, scorecard: file, junit });
    const root = parseXml(fs.readFileSync(junit, 'utf8'));
    expect(root.name).to.equal('testsuites');
    const [suite] = findAll(root, 'testsuite');
    expect(suite.attributes).to.include({ tests: String((GATE_METRICS.length + SUITE_SCALARS) * 2), failures: '1', errors: '0', skipped: '6' });
    const cases = findAll(suite, 'testcase');
    expect(cases).to.have.length((GATE_METRICS.length + SUITE_SCALARS) * 2);
    expect(new Set(cases.map((c) => `${c.attributes.classname} ${c.attributes.name}`)).size).to.equal(cases.length);
    const failed = cases.filter((c) => findAll(c, 'failure').length > 0);
    expect(failed.map((c) => `${c.attributes.classname} ${c.attributes.name}`)).to.deep.equal(['gate.topk test.accuracy']);
    expect(findAll(failed[0], 'failure')[0].attributes.message).to.equal('test.accuracy of topk dropped by 0.0350, more than the 0.0200 allowed');
    expect(cases.filter((c) => findAll(c, 'skipped').length > 0).map((c) => c.attributes.name)).to.have.members([
      'timing.trainSeconds', 'timing.trainSeconds', 'timing.trainImagesPerSecond', 'timing.trainImagesPerSecond', 'timing.inferImagesPerSecond', 'timing.inferImagesPerSecond',
    ]);
  });

  it('runs as a command: accepts a run folder, hands 0 or 1 to the caller, throws HarnessInputError for exit 2', async () => {
    const codes: number[] = [];
    const program = new Command().exitOverride();
    registerCheckCommand(program, (c) => codes.push(c));
    const printed: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => printed.push(s) > 0) as typeof process.stdout.write;
    try {
      await program.parseAsync(['check', '--baseline', SMOKE_SCORECARD, '--scorecard', SMOKE_RUN], { from: 'user' });
      await program.parseAsync(['check', '--baseline', SMOKE_SCORECARD, '--scorecard', current((c) => (c.models.vanilla.test.ece += 0.1))], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    expect(codes).to.deep.equal([0, 1]);
    expect(printed.join('')).to.contain(`topk-harness check: ${path.join(SMOKE_RUN, 'scorecard.json')} against baseline ${SMOKE_SCORECARD}`);
    let thrown: unknown;
    try {
      await program.parseAsync(['check', '--baseline', path.join(tmp, 'none.json'), '--scorecard', SMOKE_SCORECARD], { from: 'user' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(HarnessInputError);
  });

  describe('suite headline scalars', () => {
    const MODELS = ['vanilla', 'topk'];
    /** A hand-built label-noise result (the fields its headline reads): one spec, the same numbers for both models. */
    const labelNoise = (accuracy: number, memorised = 0.3) => ({
      specs: [
        {
          spec: 'uniform:0.4',
          models: Object.fromEntries(
            MODELS.map((n) => [n, { test: { accuracy, ece: 0.1, nll: 1.2 }, memorisation: [{ epoch: 3, noisyLabel: memorised }], curve: [{ epoch: 3, validationAccuracy: 0.5 }] }]),
          ),
        },
      ],
    });
    /** A multi-seed aggregate made from the sample: seeds 0 and 1, empty suites, suite scalars only in statistics. */
    function aggregate(topkAccuracy: [number, number], name: string): string {
      return current((c) => {
        c.config.seeds = [0, 1];
        c.suites = {};
        const ece = 'suites.calibration.eceAfterTemperature';
        const acc = 'suites.label-noise.uniform:0.4/accuracy';
        c.statistics = {
          seeds: [0, 1],
          metrics: {
            vanilla: { [ece]: summarize([0.06, 0.07]), [acc]: summarize([0.5, 0.52]) },
            topk: { [ece]: summarize([0.05, 0.06]), [acc]: summarize(topkAccuracy) },
          },
          paired: { topk: {} },
          labels: { [ece]: { label: 'calibration: ECE after temperature scaling', kind: 'fraction' }, [acc]: { label: 'label-noise: uniform:0.4: clean-test accuracy', kind: 'fraction' } },
        };
      }, name);
    }
    const ids = (rows: { metric: { key: string }; model: string }[]) => rows.map((r) => `${r.metric.key}/${r.model}`);

    it('chooses direction and tolerance kind from the key', () => {
      const cases: [string, 'fraction' | 'number', string, string][] = [
        ['uniform:0.4/accuracy', 'fraction', 'higher', 'accuracy'],
        ['uniform:0.4/peakValidationAccuracy', 'fraction', 'higher', 'accuracy'],
        ['noiseAverageAccuracy', 'fraction', 'higher', 'accuracy'],
        ['gaussian_noise/meanAccuracy', 'fraction', 'higher', 'accuracy'],
        ['ece', 'fraction', 'lower', 'calibration'],
        ['mce', 'fraction', 'lower', 'calibration'],
        ['adaptiveEce', 'fraction', 'lower', 'calibration'],
        ['classwiseEce', 'fraction', 'lower', 'calibration'],
        ['eceAfterTemperature', 'fraction', 'lower', 'calibration'],
        ['uniform:0.4/ece', 'fraction', 'lower', 'calibration'],
        ['trainNonzero', 'fraction', 'both', 'sparsity'],
        ['testNonzero', 'fraction', 'both', 'sparsity'],
        ['testNonzero/layer3', 'fraction', 'both', 'sparsity'],
        ['validationNonzero@10', 'fraction', 'both', 'sparsity'],
        ['validationNonzero@10/layer0', 'fraction', 'both', 'sparsity'],
        ['uniform:0.4/memorised', 'fraction', 'both', 'accuracy'],
        ['uniform:0.4/memorised@5', 'fraction', 'both', 'accuracy'],
        ['brier', 'number', 'lower', 'loss'],
        ['temperature', 'number', 'both', 'loss'],
        ['somethingNew', 'fraction', 'both', 'accuracy'],
        ['somethingNew', 'number', 'both', 'loss'],
        ['uniform:0.4/layer0', 'fraction', 'both', 'accuracy'], // a layer suffix alone is not sparsity
      ];
      for (const [key, kind, better, tolerance] of cases) expect(suiteGateRule(key, kind), key).to.deep.equal({ better, tolerance });
    });

    it('reads every suite headline of a single-seed scorecard, after the model metrics', () => {
      const values = suiteGateValues(sampleScorecard() as ScorecardFile);
      expect(values).to.have.length(SUITE_SCALARS);
      expect(values.map((v) => v.metric.key).slice(0, 3)).to.deep.equal(['suites.calibration.mce', 'suites.calibration.adaptiveEce', 'suites.calibration.classwiseEce']);
      const out = runCheck({ baseline: SMOKE_SCORECARD, scorecard: SMOKE_SCORECARD });
      const firstSuiteRow = out.result.rows.findIndex((r) => r.metric.suite !== undefined);
      expect(firstSuiteRow).to.equal(GATE_METRICS.length * 2);
      expect(out.result.rows.slice(firstSuiteRow).every((r) => r.metric.suite !== undefined)).to.equal(true);
    });

    it('fails when a single-seed suite scalar regresses beyond its tolerance, naming it with its label', () => {
      const junit = path.join(tmp, 'gate.xml');
      const file = current((c) => {
        c.suites.calibration.models.topk.afterTemperature.ece += 0.03; // lower is better: beyond 0.02
        c.suites.sparsity.models.vanilla.test.nonzeroFraction[1] += 0.05; // either way: beyond ±0.02
        c.suites.calibration.models.vanilla.temperature += 0.03; // either way: within ±0.05
        c.suites.calibration.models.topk.test.mce -= 0.1; // an improvement
      });
      const out = runCheck({ baseline: SMOKE_SCORECARD, scorecard: file, junit });
      expect(out.exitCode).to.equal(1);
      expect(ids(out.result.regressions)).to.deep.equal(['suites.calibration.eceAfterTemperature/topk', 'suites.sparsity.testNonzero/layer1/vanilla']);
      const row = (key: string, model: string) => out.result.rows.find((r) => r.metric.key === key && r.model === model)!;
      expect(row('suites.calibration.temperature', 'vanilla').status).to.equal('ok');
      expect(row('suites.calibration.mce', 'topk').status).to.equal('improved');
      expect(out.output).to.match(/\| suites\.calibration\.eceAfterTemperature \(calibration: ECE after temperature scaling\) +\| topk +\| +0\.0541 \| +0\.0841 \| +\+0\.0300 \| rise ≤ 0\.0200 \| REGRESSED \|/);
      expect(out.output).to.match(/\| suites\.sparsity\.testNonzero\/layer1 \(sparsity: nonzero MLP activations \(test, layer 1\)\) +\| vanilla \| .* \| ±0\.0200 +\| REGRESSED \|/);
      expect(out.output).to.contain(
        'check FAILED: 52 comparisons, 2 regressed, 1 improved, 6 not gated. suites.calibration.eceAfterTemperature (calibration: ECE after temperature scaling) of topk rose by 0.0300, more than the 0.0200 allowed; ',
      );
      const failures = findAll(parseXml(fs.readFileSync(junit, 'utf8')), 'failure');
      expect(failures.map((f) => f.attributes.message)).to.deep.equal([
        'suites.calibration.eceAfterTemperature (calibration: ECE after temperature scaling) of topk rose by 0.0300, more than the 0.0200 allowed',
        'suites.sparsity.testNonzero/layer1 (sparsity: nonzero MLP activations (test, layer 1)) of vanilla moved by 0.0500, more than the 0.0200 allowed',
      ]);
    });

    it('passes a suite scalar the baseline lacks, and fails one the current scorecard lacks', () => {
      const withNoise = current((c) => (c.suites['label-noise'] = labelNoise(0.5)), 'with-noise.json');
      const added = runCheck({ baseline: SMOKE_SCORECARD, scorecard: withNoise });
      expect(added.exitCode).to.equal(0);
      const rows = added.result.rows.filter((r) => r.metric.suite === 'label-noise');
      expect(ids(rows)).to.deep.equal([
        'suites.label-noise.uniform:0.4/accuracy/vanilla', 'suites.label-noise.uniform:0.4/accuracy/topk',
        'suites.label-noise.uniform:0.4/ece/vanilla', 'suites.label-noise.uniform:0.4/ece/topk',
        'suites.label-noise.uniform:0.4/memorised/vanilla', 'suites.label-noise.uniform:0.4/memorised/topk',
        'suites.label-noise.uniform:0.4/peakValidationAccuracy/vanilla', 'suites.label-noise.uniform:0.4/peakValidationAccuracy/topk',
      ]);
      expect(rows.every((r) => r.status === 'ok' && r.reason === 'new: absent from the baseline')).to.equal(true);
      expect(added.output).to.match(/\| suites\.label-noise\.uniform:0\.4\/accuracy \(label-noise: uniform:0\.4: clean-test accuracy\) +\| vanilla \| +n\/a \| +0\.5000 \| +n\/a \| drop ≤ 0\.0200 +\| ok +\|/);
      const dropped = runCheck({ baseline: withNoise, scorecard: SMOKE_SCORECARD });
      expect(dropped.exitCode).to.equal(1);
      expect(dropped.result.regressions).to.have.length(8);
      expect(dropped.result.regressions.every((r) => r.reason === 'missing or not finite in the current scorecard')).to.equal(true);
      // memorisation is gated either way: fitting fewer noisy labels is a change too
      const lessMemorised = runCheck({ baseline: withNoise, scorecard: current((c) => (c.suites['label-noise'] = labelNoise(0.49, 0.2)), 'less.json') });
      expect(ids(lessMemorised.result.regressions)).to.deep.equal(['suites.label-noise.uniform:0.4/memorised/vanilla', 'suites.label-noise.uniform:0.4/memorised/topk']);
    });

    it('compares the means over seeds of a multi-seed aggregate', () => {
      const baseline = aggregate([0.5, 0.52], 'baseline.json');
      expect(runCheck({ baseline, scorecard: baseline }).exitCode).to.equal(0);
      const out = runCheck({ baseline, scorecard: aggregate([0.47, 0.49], 'current.json') });
      expect(out.exitCode).to.equal(1);
      expect(ids(out.result.regressions)).to.deep.equal(['suites.label-noise.uniform:0.4/accuracy/topk']);
      const [r] = out.result.regressions;
      expect(r.baseline).to.be.closeTo(0.51, 1e-12);
      expect(r.current).to.be.closeTo(0.48, 1e-12);
      expect(r.metric).to.include({ label: 'label-noise: uniform:0.4: clean-test accuracy', better: 'higher', tolerance: 'accuracy', suite: 'label-noise' });
      expect(out.result.rows.filter((x) => x.metric.suite !== undefined)).to.have.length(4);
      expect(out.output).to.contain('suites.label-noise.uniform:0.4/accuracy (label-noise: uniform:0.4: clean-test accuracy) of topk dropped by 0.0300, more than the 0.0200 allowed.');
    });

    it('takes tolerance overrides for suite keys, and lists those that matched nothing', () => {
      const file = current((c) => {
        c.suites.calibration.models.topk.afterTemperature.ece += 0.03;
        c.suites.calibration.models.vanilla.temperature += 0.2;
      });
      expect(ids(runCheck({ baseline: SMOKE_SCORECARD, scorecard: file }).result.regressions)).to.deep.equal([
        'suites.calibration.temperature/vanilla', 'suites.calibration.eceAfterTemperature/topk',
      ]);
      const out = runCheck({
        baseline: SMOKE_SCORECARD,
        scorecard: file,
        tolerances: tolerances({ 'suites.calibration.eceAfterTemperature': 0.05, 'suites.calibration.temperature': 'ignore', 'suites.label-noise.uniform:0.8/accuracy': 0.01 }),
      });
      expect(out.exitCode).to.equal(0);
      expect(out.output).to.match(/\| suites\.calibration\.eceAfterTemperature \(.*\) +\| topk +\| .* \| rise ≤ 0\.0500 \| ok +\|/);
      expect(out.output).to.contain('Not gated: timing.trainSeconds, timing.trainImagesPerSecond, timing.inferImagesPerSecond, suites.calibration.temperature (');
      expect(out.output).to.contain('Tolerances that matched no compared metric: suites.label-noise.uniform:0.8/accuracy.');
      const relative = runCheck({ baseline: SMOKE_SCORECARD, scorecard: file, tolerances: tolerances({ 'suites.calibration.temperature': { relative: 0.5 } }) });
      expect(ids(relative.result.regressions)).to.deep.equal(['suites.calibration.eceAfterTemperature/topk']);
    });

    it('refuses a suite result it cannot read (exit 2), naming the suite and the scorecard', () => {
      const file = current((c) => (c.suites.sparsity = { models: { vanilla: {}, topk: {} } }));
      const err = inputError(() => runCheck({ baseline: SMOKE_SCORECARD, scorecard: file }));
      expect(err.message).to.match(/^the current scorecard's sparsity suite result cannot be read by this harness \(.+\); it was probably written by another version: regenerate it$/);
      expect(err.path).to.equal('suites.sparsity');
    });

    it('rejects an unknown suite in the tolerances file, listing the known suites', () => {
      const err = inputError(() =>
        runCheck({
          baseline: SMOKE_SCORECARD,
          scorecard: SMOKE_SCORECARD,
          tolerances: tolerances({ 'suites.calbration.mce': 0.01, 'suites.robustness.noiseAverageAccuracy': 0.01, 'suites.sparsity': 0.01, 'suites.sparsity.testNonzero/*': 0.01, 'suites.corruption.anything': -1 }),
        }),
      );
      // the built-ins, then any plugin suite an earlier test loaded into this process (the list is per process)
      const plugins = knownSuiteNames().slice(5);
      const known = ['calibration', 'sparsity', 'label-noise', 'corruption', 'ood', ...plugins].join(', ');
      expect(plugins).to.not.include.members(['calibration', 'sparsity', 'label-noise', 'corruption', 'ood']);
      expect(err.message).to.equal(
        `invalid tolerances file ${path.join(tmp, 'tolerances.json')}:\n` +
          `  suites.calbration.mce: unknown suite 'calbration'. Did you mean calibration? Allowed: ${known}\n` +
          `  suites.robustness.noiseAverageAccuracy: unknown suite 'robustness'. Allowed: ${known}\n` +
          '  suites.sparsity: a suite key must be suites.sparsity.<headline key>\n' +
          '  suites.sparsity.testNonzero/*: wildcards are not supported: name each headline key\n' +
          '  suites.corruption.anything: must be a number >= 0 (absolute), {"absolute": n}, {"relative": n} or "ignore" (got -1)',
      );
      // any headline key of a known suite is accepted: they depend on the run
      expect(parseTolerances({ 'suites.label-noise.asymmetric:0.2/memorised@40': 'ignore' }, 'test')).to.deep.equal({ 'suites.label-noise.asymmetric:0.2/memorised@40': 'ignore' });
    });
  });
});
