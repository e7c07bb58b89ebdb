import { expect } from 'chai';
import { Command } from 'commander';
import { HarnessInputError } from '../../src/errors.js';
import { registerNoiseCommand, type LoadTrainLabels } from '../../src/cli/noise-command.js';
import { balancedLabels } from './helpers.js';

const CIFAR10 = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** A program with the noise command, a fake loader, and captured output. */
function setup() {
  const calls: { dataset: string; dataDir?: string }[] = [];
  const loader: LoadTrainLabels = async (dataset, dataDir) => {
    calls.push({ dataset, dataDir });
    const classNames = dataset === 'cifar10' ? CIFAR10 : Array.from({ length: 10 }, (_, i) => String(i));
    return { labels: balancedLabels(1000, 10), classNames, name: dataset };
  };
  let out = '';
  let err = '';
  const program = new Command('topk-harness')
    .exitOverride()
    .configureOutput({ writeOut: (s) => { out += s; }, writeErr: (s) => { err += s; } });
  registerNoiseCommand(program, loader);
  const run = (...args: string[]) => program.parseAsync(['noise', ...args], { from: 'user' });
  return { run, calls, out: () => out, err: () => err };
}

describe('noise command', () => {
  it('--json prints one JSON object with the report keys', async () => {
    const t = setup();
    await t.run('--dataset', 'mnist', '--spec', 'uniform:0.4', '--seed', '3', '--json', '--data-dir', '/data');
    expect(t.calls).to.deep.equal([{ dataset: 'mnist', dataDir: '/data' }]);
    const lines = t.out().trim().split('\n');
    expect(lines).to.have.length(1);
    const report = JSON.parse(lines[0]);
    expect(Object.keys(report)).to.have.members([
      'dataset', 'classNames', 'spec', 'kind', 'convention', 'requestedRate', 'mode', 'numClasses',
      'expectedChangedFraction', 'realisedChangedFraction', 'expectedTransition', 'realisedTransition', 'seed',
      'counts',
    ]);
    expect(report).to.include({
      dataset: 'mnist', spec: 'uniform:0.4:exact', kind: 'uniform', requestedRate: 0.4, mode: 'exact', seed: 3,
    });
    expect(report.counts).to.include({ examples: 1000, selected: 400 });
    expect(report.expectedChangedFraction).to.be.closeTo(0.36, 1e-12);
    expect(report.realisedTransition).to.have.length(10);
  });

  it('--mode and the dataset-based asymmetric mapping reach the spec', async () => {
    const t = setup();
    await t.run('--dataset', 'cifar10', '--spec', 'asymmetric:0.4', '--mode', 'exact', '--json');
    const report = JSON.parse(t.out());
    expect(report.spec).to.equal('asymmetric:0.4:cifar10:exact');
    expect(report.mapping).to.deep.equal([[2, 0], [3, 5], [4, 7], [5, 3], [9, 1]]);
  });

  it('prints an aligned text table with class names by default', async () => {
    const t = setup();
    await t.run('--dataset', 'cifar10', '--spec', 'pair-flip:0.45');
    const text = t.out();
    expect(text).to.contain('label noise pair-flip:0.45:independent on cifar10 training labels (1000 examples, 10 classes, seed 0)');
    expect(text).to.match(/requested rate\s+0\.4500/);
    expect(text).to.match(/expected changed fraction\s+0\.4500/);
    expect(text).to.match(/realised changed fraction\s+0\.\d{4}\s+\d+ labels/);
    const tableLines = text.split('\n').filter((l) => /^\d /.test(l) || l.startsWith('true \\ observed'));
    expect(tableLines).to.have.length(11);
    expect(tableLines[0]).to.contain('airplane').and.contain('truck');
    expect(tableLines[10]).to.match(/^9 truck/);
    // aligned: every row ends at the same column
    expect(new Set(tableLines.map((l) => l.length)).size).to.equal(1);
  });

  it('a bad spec throws HarnessInputError before loading any data', async () => {
    const t = setup();
    let caught: unknown;
    try {
      await t.run('--dataset', 'mnist', '--spec', 'unifrom:0.4');
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(HarnessInputError);
    expect((caught as Error).message).to.equal(
      "noise spec 'unifrom:0.4': unknown noise kind 'unifrom'. Did you mean uniform? Allowed: uniform, uniform-other, pair-flip, asymmetric, matrix",
    );
    expect(t.calls).to.have.length(0);
  });

  it('rejects a bad --seed and --mode with clear messages', async () => {
    const t = setup();
    const messageOf = async (...args: string[]) => {
      try {
        await t.run(...args);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(await messageOf('--dataset', 'mnist', '--spec', 'uniform:0.4', '--seed', 'abc')).to.equal(
      "--seed must be a non-negative integer; got 'abc'",
    );
    expect(await messageOf('--dataset', 'mnist', '--spec', 'uniform:0.4', '--mode', 'exactly')).to.equal(
      "unknown --mode 'exactly'. Did you mean exact? Allowed: exact, independent",
    );
  });
});

describe('formatNoiseReport', () => {
  it('prints per-class rows only when there are more than 20 classes', async () => {
    const { applyLabelNoise, formatNoiseReport, parseNoiseSpec } = await import('../../src/label-noise/index.js');
    const { report } = applyLabelNoise(balancedLabels(600, 30), 30, parseNoiseSpec('uniform-other:0.5'), 1);
    const text = formatNoiseReport(report, Array.from({ length: 30 }, (_, i) => `c${i}`), 'synthetic');
    expect(text).to.contain('per-class changes (30 classes; the full realised transition matrix is in --json output)');
    expect(text).to.match(/^true \\ observed\s+examples\s+changed$/m);
    expect(text).to.match(/^29 c29\s+20\s+\d\.\d{3}$/m);
  });
});
