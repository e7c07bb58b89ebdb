/**
 * ONNX models trained elsewhere, through `evaluate`. test/fixtures/onnx/make_models.py (Debian's python3-torch)
 * trains a tiny vanilla and a tiny Top-k classifier in PyTorch, exports them and writes PyTorch's own logits,
 * accuracy, ECE and NLL; the harness must agree. Skipped, with the reason printed, without torch or onnxruntime-node.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main.js';
import { corruptDataset } from '../../src/corruptions/apply.js';
import { builtinCorruptions } from '../../src/corruptions/registry.js';
import { loadDataset } from '../../src/data/load.js';
import { onnxClassifier } from '../../src/onnx/classifier.js';
import { readScorecard } from '../../src/scorecard/read.js';
import { predictDataset } from '../../src/suite/classifier.js';
import { accuracy } from '../../src/metrics/accuracy.js';
import { captureStderr } from '../support/capture.js';

interface ReferenceModel { accuracy: number; ece: number; nll: number; values: number[]; outputKind: string; layout: string; mean: number[] | null; std: number[] | null }
interface Reference { models: Record<string, ReferenceModel>; dataset: { testLabels: number[] } }

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');


/** Run the CLI in-process: exit code and what it wrote to stderr. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  const err = captureStderr();
  try {
    const code = await main(['node', 'topk-harness', ...args]);
    return { code, stderr: err.text() };
  } finally {
    err.restore();
  }
}

describe('evaluate: ONNX models exported from PyTorch', function () {
  this.timeout(300_000);
  let dir: string;
  let ref: Reference;
  const shape = { height: 28, width: 28, channels: 1, classes: 10 };

  before(async function () {
    try {
      await import('onnxruntime-node');
    } catch {
      console.log('      (skipped: onnxruntime-node is not installed: npm install onnxruntime-node --onnxruntime-node-install=skip)');
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-onnx-'));
    const r = spawnSync('python3', [path.join(ROOT, 'test/fixtures/onnx/make_models.py'), dir], { encoding: 'utf8' });
    if (r.status === 3 || r.error) {
      console.log(`      (skipped: the PyTorch fixtures need Debian's python3-torch: ${(r.stderr || String(r.error)).trim().split('\n').pop()})`);
      this.skip();
    }
    expect(r.status, r.stderr).to.equal(0);
    ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) as Reference;
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  const test = () => loadDataset({ name: 'mnist', dataDir: path.join(dir, 'data') }, { seed: 0 }).then((d) => d.test);

  for (const [name, opts] of [
    ['vanilla', {}], ['topk', {}], ['normalized', { mean: [0.1307], std: [0.3081] }], ['nhwc', { layout: 'nhwc' as const }], ['probs', {}],
  ] as const) {
    it(`${name}: onnxruntime's outputs match PyTorch's within 1e-4`, async () => {
      const c = await onnxClassifier(name, path.join(dir, `${name}.onnx`), shape, opts);
      try {
        const { logits } = await predictDataset(c, await test(), { batchSize: 64 });
        const expected = ref.models[name].values;
        expect(c.outputs()).to.equal(name === 'probs' ? 'probs' : 'logits'); // detected, not declared
        let worst = 0;
        for (let i = 0; i < expected.length; i++) {
          const got = name === 'probs' ? Math.exp(logits[i]) : logits[i]; // probabilities come back as log-probabilities
          worst = Math.max(worst, Math.abs(got - expected[i]));
        }
        expect(worst).to.be.below(1e-4);
      } finally {
        await c.close();
      }
    });
  }

  it('the scorecard of vanilla and Top-k side by side: accuracy exactly, ECE and NLL within 1e-5 of PyTorch; model files hashed', async () => {
    const out = path.join(dir, 'run');
    const { code, stderr } = await cli([
      'evaluate', '--model', `vanilla=${path.join(dir, 'vanilla.onnx')}`, '--model', `topk=${path.join(dir, 'topk.onnx')}`,
      '--dataset', 'mnist', '--data-dir', path.join(dir, 'data'), '--validation-count', '200', '--suites', 'calibration', '--backend', 'cpu', '--quiet', '--out', out,
    ]);
    expect(code, stderr).to.equal(0);
    const card = readScorecard(path.join(out, 'scorecard.json'));
    for (const m of ['vanilla', 'topk']) {
      expect(card.models[m].test.accuracy).to.equal(ref.models[m].accuracy);
      expect(card.models[m].test.ece).to.be.closeTo(ref.models[m].ece, 1e-5);
      expect(card.models[m].test.nll).to.be.closeTo(ref.models[m].nll, 1e-5);
      expect(card.models[m].training).to.equal(undefined);
      const sha = (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(path.join(dir, `${m}.onnx`))).digest('hex');
      expect(card.provenance.modelFiles![m]).to.deep.include({ format: 'onnx', sha256: sha, layout: 'nchw', outputs: 'logits' });
    }
    expect(card.baseline).to.equal('vanilla');
    expect(Object.keys(card.suites)).to.deep.equal(['calibration']);
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).to.contain('topk');
  });

  it('corruption results side by side equal the same seeded corruption applied and evaluated by hand', async () => {
    const out = path.join(dir, 'corrupt');
    const cfg = path.join(dir, 'corrupt.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ corruption: { corruptions: ['gaussian_noise', 'pixelate'], severities: [2, 5], limitTest: null } }));
    const { code, stderr } = await cli([
      'evaluate', '--model', `vanilla=${path.join(dir, 'vanilla.onnx')}`, '--model', `topk=${path.join(dir, 'topk.onnx')}`, '--config', cfg,
      '--dataset', 'mnist', '--data-dir', path.join(dir, 'data'), '--validation-count', '200', '--suites', 'corruption', '--seed', '7', '--backend', 'cpu', '--quiet', '--out', out,
    ]);
    expect(code, stderr).to.equal(0);
    const card = readScorecard(path.join(out, 'scorecard.json'));
    const result = card.suites.corruption as { models: Record<string, { perCorruption: Record<string, { severities: { severity: number; accuracy: number }[] }> }> };
    const data = await test();
    const all = await builtinCorruptions();
    for (const m of ['vanilla', 'topk']) {
      const c = await onnxClassifier(m, path.join(dir, `${m}.onnx`), shape);
      try {
        for (const name of ['gaussian_noise', 'pixelate']) {
          for (const s of [2, 5] as const) {
            const corrupted = await corruptDataset(data, all.find((x) => x.name === name)!, s, { seed: 7 });
            const { logits } = await predictDataset(c, corrupted, { batchSize: 100 });
            const byHand = accuracy({ data: logits, numClasses: 10 }, corrupted.labels, { logits: true });
            const row = result.models[m].perCorruption[name].severities.find((r) => r.severity === s)!;
            expect(row.accuracy, `${m} ${name} severity ${s}`).to.equal(byHand);
          }
        }
      } finally {
        await c.close();
      }
    }
  });

  it('refuses bad models and mismatched data with exit 2 and one line each', async () => {
    const base = ['--dataset', 'mnist', '--data-dir', path.join(dir, 'data'), '--validation-count', '200', '--suites', 'calibration', '--backend', 'cpu', '--quiet'];
    const notOnnx = path.join(dir, 'notes.onnx');
    fs.writeFileSync(notOnnx, 'this is not a model\n');
    const cases: [string[], RegExp][] = [
      [['--model', `m=${path.join(dir, 'two_inputs.onnx')}`], /^error: model 'm' \(.*two_inputs\.onnx\): has 2 inputs \(images, bias\); the harness feeds one image tensor$/],
      [['--model', `m=${path.join(dir, 'wrong_classes.onnx')}`], /^error: model 'm' \(.*\): output '\w+' has shape \[\w+, 7\], expected \[N, 10\] for the 10 classes of the data$/],
      [['--model', `m=${path.join(dir, 'wrong_size.onnx')}`], /^error: model 'm' \(.*\): input 'images' has shape \[\w+, 1, 32, 32\], expected \[N, 1, 28, 28\] for 28x28x1 images in NCHW layout$/],
      [['--model', `m=${path.join(dir, 'nhwc.onnx')}`], /^error: model 'm' \(.*\): input 'images' has shape \[\w+, 28, 28, 1\], expected \[N, 1, 28, 28\] for 28x28x1 images in NCHW layout \(the model looks NHWC: pass --layout nhwc\)$/],
      [['--model', `m=${notOnnx}`], /^error: model 'm' \(.*notes\.onnx\): not a model onnxruntime can load \(.+\)$/],
      [['--model', `m=${path.join(dir, 'missing.onnx')}`], /^error: model 'm' \(.*missing\.onnx\): file not found$/],
      [['--model', 'just-a-path.onnx'], /^error: --model must be NAME=FILE\.onnx \(e\.g\. --model vanilla=exported\/vanilla\.onnx\), got 'just-a-path\.onnx'$/],
      [['--model', `m=${path.join(dir, 'vanilla.onnx')}`, '--suites', 'calibration,sparsity'], /^error: suite 'sparsity' does not apply to models trained elsewhere: it needs the activation probes of the harness's own ViTs; drop it from --suites/],
    ];
    for (const [args, message] of cases) {
      const out = fs.mkdtempSync(path.join(dir, 'bad-'));
      const { code, stderr } = await cli(['evaluate', ...base, ...args, '--out', path.join(out, 'run')]);
      const lines = stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(code, stderr).to.equal(2);
      expect(lines, stderr).to.have.length(1);
      expect(lines[0]).to.match(message);
    }
  });
});
