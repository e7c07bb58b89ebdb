/**
 * Checkpoints are verified when read (issue 17, item 2): a damaged, truncated, foreign or garbage file is refused
 * with one line that names it, says what is wrong and how to retrain that model, and is left as it was.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { syntheticDataset } from '../../src/data/synthetic.js';
import { splitTrainValidation } from '../../src/data/split.js';
import { DataFileError, HarnessInputError } from '../../src/errors.js';
import { VIT_DEFAULTS, ViTConfig } from '../../src/models/config.js';
import { ViT } from '../../src/models/vit.js';
import { main } from '../../src/cli/main.js';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { CheckpointError, identityHash, loadCheckpoint, resumeFolderOf, saveCheckpoint } from '../../src/train/checkpoint.js';
import { TRAIN_DEFAULTS, TrainConfig } from '../../src/train/config.js';
import { train } from '../../src/train/trainer.js';
import { useTestBackend } from '../support/backend.js';
import { rejection as rejected, thrown } from '../support/capture.js';

const all = syntheticDataset({ count: 300, height: 16, width: 16, channels: 1, classes: 4, seed: 1 });
const { train: trainSet, validation } = splitTrainValidation(all, 50, 1);
const modelCfg: ViTConfig = { ...VIT_DEFAULTS, imageHeight: 16, imageWidth: 16, channels: 1, patchSize: 8, dim: 16, depth: 1, heads: 2, mlpDim: 32, numClasses: 4 };
const trainCfg: TrainConfig = { ...TRAIN_DEFAULTS, epochs: 2, batchSize: 50, learningRate: 3e-3, evalBatchSize: 256 };
const identity = { config: modelCfg, seed: 3, key: 'vanilla' };

/** What every refusal ends with: the narrow fix (this model) and the broad one (everything). */
function hint(file: string, runDir: string): string {
  return `delete it (rm ${file}) and rerun with --resume ${runDir} to retrain only that model, or rerun with --fresh to retrain from scratch`;
}

/** Offset of the first tensor byte of a version-2 checkpoint. */
function tensorStart(buf: Buffer): number {
  return 44 + buf.readUInt32LE(40);
}

describe('checkpoint integrity', function () {
  this.timeout(120_000);
  before(useTestBackend);
  let tmp: string;
  let runDir: string;
  let ckpt: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-ckpt-'));
    runDir = path.join(tmp, 'run');
    ckpt = path.join(runDir, 'checkpoints', 'vanilla.ckpt');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Train 3 steps into `ckpt` (a real checkpoint: weights, AdamW state, history). */
  async function interrupted(): Promise<void> {
    const m = new ViT(modelCfg, 3);
    await train({ model: m, train: trainSet, validation, config: trainCfg, seed: 3, checkpointPath: ckpt, stopAfterSteps: 3, identity });
    m.dispose();
  }

  /** Resume from `ckpt`: the error it throws, and that the refused file is still byte for byte what it was. */
  async function refusedResume(id: unknown = identity): Promise<Error> {
    const before = fs.readFileSync(ckpt);
    const m = new ViT(modelCfg, 3);
    try {
      return await rejected(train({ model: m, train: trainSet, validation, config: trainCfg, seed: 3, checkpointPath: ckpt, resume: true, identity: id }));
    } finally {
      m.dispose();
      expect(fs.readFileSync(ckpt).equals(before), 'the refused checkpoint is left as it was').to.equal(true);
      expect(fs.readdirSync(path.dirname(ckpt))).to.deep.equal(['vanilla.ckpt']);
    }
  }

  function expectRefusal(e: Error, problem: string): void {
    expect(e).to.be.instanceOf(CheckpointError);
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal(`${ckpt}: ${problem}; ${hint(ckpt, runDir)}`);
    expect(e.message).to.not.contain('\n');
    expect((e as HarnessInputError).path).to.equal(ckpt);
  }

  it('writes version 2 with a checksum and the identity hash, and reads it back verified', async () => {
    await interrupted();
    const buf = fs.readFileSync(ckpt);
    expect(buf.toString('latin1', 0, 8)).to.equal('TKHCKPT2');
    const { header, values, verified } = loadCheckpoint<{ globalStep: number }>(ckpt);
    expect(verified).to.equal(true);
    expect(header.version).to.equal(2);
    expect(header.state.globalStep).to.equal(3);
    expect(header.identitySha256).to.equal(identityHash(identity));
    expect(identityHash({ seed: 3, key: 'vanilla', config: modelCfg })).to.equal(identityHash(identity)); // key order aside
    expect(values.size).to.equal(header.tensors.length);
  });

  it('refuses a bit flip in the tensor bytes (checksum mismatch)', async () => {
    await interrupted();
    const buf = fs.readFileSync(ckpt);
    const at = tensorStart(buf) + Math.floor((buf.length - tensorStart(buf)) / 2);
    buf[at] ^= 0x10;
    fs.writeFileSync(ckpt, buf);
    expectRefusal(await refusedResume(), 'checksum mismatch: the file is damaged');
  });

  it('refuses a bit flip in the header: a changed value (checksum mismatch) or broken JSON', async () => {
    await interrupted();
    const good = fs.readFileSync(ckpt);
    const digit = good.indexOf('"globalStep":3') + '"globalStep":'.length;
    const value = Buffer.from(good);
    value[digit] ^= 0x01; // '3' -> '2': still valid JSON, a different training position
    fs.writeFileSync(ckpt, value);
    expectRefusal(await refusedResume(), 'checksum mismatch: the file is damaged');

    const syntax = Buffer.from(good);
    syntax[44] ^= 0x01; // '{' -> 'z'
    fs.writeFileSync(ckpt, syntax);
    expectRefusal(await refusedResume(), 'checkpoint header is not valid JSON (the file is damaged)');

    const length = Buffer.from(good);
    length[40 + 3] ^= 0x40; // the header length field: declares far more than the file holds
    fs.writeFileSync(ckpt, length);
    expectRefusal(await refusedResume(), `truncated checkpoint (the header declares ${length.readUInt32LE(40)} bytes of JSON, ${good.length - 44} bytes follow)`);
  });

  it('refuses 4 KB of random bytes as not a checkpoint', async () => {
    fs.mkdirSync(path.dirname(ckpt), { recursive: true });
    const junk = Buffer.alloc(4096);
    let s = 0x2545f491;
    for (let i = 0; i < junk.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      junk[i] = s & 0xff;
    }
    fs.writeFileSync(ckpt, junk);
    expectRefusal(await refusedResume(), 'not a topk-harness checkpoint (it does not start with TKHCKPT2; the file is damaged)');
  });

  it('refuses a checkpoint cut in half, or with bytes after its last tensor', async () => {
    await interrupted();
    const good = fs.readFileSync(ckpt);
    const half = Math.floor(good.length / 2);
    fs.writeFileSync(ckpt, good.subarray(0, half));
    expectRefusal(await refusedResume(), `truncated checkpoint (${half} of the ${good.length} bytes its header declares)`);
    fs.writeFileSync(ckpt, good.subarray(0, 0)); // what a full disk used to leave
    expectRefusal(await refusedResume(), 'checkpoint is empty (0 bytes; the file is damaged)');
    fs.writeFileSync(ckpt, good.subarray(0, 5));
    expectRefusal(await refusedResume(), 'truncated checkpoint (5 bytes)');
    fs.writeFileSync(ckpt, good.subarray(0, 30));
    expectRefusal(await refusedResume(), 'truncated checkpoint (30 bytes, shorter than its 44-byte prefix)');
    fs.writeFileSync(ckpt, Buffer.concat([good, Buffer.alloc(8)]));
    expectRefusal(await refusedResume(), 'checkpoint has 8 bytes after its last tensor (the file is damaged)');
  });

  it('refuses a checkpoint of another configuration with the trainer\'s message (the identity differs)', async () => {
    await interrupted();
    const e = await refusedResume({ ...identity, seed: 4 });
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal(
      `checkpoint ${ckpt} was written for a different configuration, seed or dataset (seed is 3 there, 4 now); refusing to resume: ` +
        `delete it (rm ${ckpt}) and rerun with --resume ${runDir} to retrain only that model, or rerun with --fresh to retrain from scratch`,
    );
  });

  it('names a format newer than it reads', async () => {
    await interrupted();
    const buf = fs.readFileSync(ckpt);
    buf.write('TKHCKPT3', 0, 'latin1');
    fs.writeFileSync(ckpt, buf);
    expectRefusal(thrown(() => loadCheckpoint(ckpt)), 'checkpoint format TKHCKPT3 is newer than this harness reads (TKHCKPT1, TKHCKPT2); upgrade topk-harness to resume it');
  });

  it('still reads a version-1 checkpoint (no checksum: unverified) and resumes it to the uninterrupted result', async () => {
    await interrupted();
    // rewrite the v2 file in the v1 layout: "TKHCKPT1", uint32 header length, header (version 1, no hash), tensors
    const v2 = fs.readFileSync(ckpt);
    const header = JSON.parse(v2.toString('utf8', 44, tensorStart(v2))) as Record<string, unknown>;
    delete header.identitySha256;
    const json = Buffer.from(JSON.stringify({ ...header, version: 1 }), 'utf8');
    const prefix = Buffer.alloc(12);
    prefix.write('TKHCKPT1', 0, 'latin1');
    prefix.writeUInt32LE(json.length, 8);
    fs.writeFileSync(ckpt, Buffer.concat([prefix, json, v2.subarray(tensorStart(v2))]));
    const loaded = loadCheckpoint(ckpt);
    expect(loaded.verified).to.equal(false);
    expect(loaded.header.version).to.equal(1);

    const resumed = new ViT(modelCfg, 3);
    const a = await train({ model: resumed, train: trainSet, validation, config: trainCfg, seed: 3, checkpointPath: ckpt, resume: true, identity });
    const straight = new ViT(modelCfg, 3);
    const b = await train({ model: straight, train: trainSet, validation, config: trainCfg, seed: 3 });
    expect(a.state.history).to.deep.equal(b.state.history);
    const wa = [...resumed.params.values()].map((v) => Buffer.from(v.dataSync().buffer));
    const wb = [...straight.params.values()].map((v) => Buffer.from(v.dataSync().buffer));
    wa.forEach((w, i) => expect(w.equals(wb[i]), `parameter ${i}`).to.equal(true));
    resumed.dispose();
    straight.dispose();
    expect(fs.readFileSync(ckpt).toString('latin1', 0, 8)).to.equal('TKHCKPT2'); // the next save upgrades it
  });

  it('names the folder to resume: the run folder, the multi-seed run above a seed folder, or a placeholder', async () => {
    expect(resumeFolderOf(path.join('r', 'checkpoints', 'a.ckpt'), 'checkpoints')).to.equal('r');
    expect(resumeFolderOf(path.join('r', 'seed-3', 'checkpoints', 'a.ckpt'), 'checkpoints')).to.equal('r');
    expect(resumeFolderOf(path.join('r', 'a.ckpt'), 'checkpoints')).to.equal('<run-dir>');
    const bare = path.join(tmp, 'm.ckpt');
    fs.writeFileSync(bare, 'TKHCKPT2');
    expect(thrown(() => loadCheckpoint(bare)).message).to.equal(`${bare}: truncated checkpoint (8 bytes, shorter than its 44-byte prefix); ${hint(bare, '<run-dir>')}`);
  });

  it('an unreadable checkpoint is a DataFileError naming it', async () => {
    fs.mkdirSync(ckpt, { recursive: true }); // a folder where the file should be
    const e = thrown(() => loadCheckpoint(ckpt));
    expect(e).to.be.instanceOf(DataFileError);
    expect(e.message).to.match(new RegExp(`^${ckpt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read checkpoint: EISDIR`));
  });

  it('saves and loads without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const t = tf.tensor([1, 2, 3, 4], [2, 2]);
    saveCheckpoint(ckpt, { step: 1 }, identity, [{ kind: 'param', name: 'w', shape: [2, 2], tensor: t }]);
    t.dispose();
    expect([...loadCheckpoint(ckpt).values.get('param:w')!]).to.deep.equal([1, 2, 3, 4]);
    expect(tf.memory().numTensors).to.equal(before);
  });
});

describe('checkpoint integrity through runExperiment', function () {
  this.timeout(180_000);
  before(useTestBackend);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-ckpt-run-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a damaged checkpoint of an interrupted run: --resume refuses it in one line naming the file', async () => {
    const config = resolveConfig(
      [
        parseOverrides({
          backend: 'wasm',
          data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 300, syntheticTestCount: 50, validationCount: 50 },
          model: { patchSize: 8, dim: 16, depth: 1, heads: 2, mlpDim: 32 },
          models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 4 }],
          train: { epochs: 1, batchSize: 50, checkpointEverySteps: 2 },
          suites: [],
        }),
      ],
      'smoke',
    );
    const dir = path.join(tmp, 'run');
    const cut = await runExperiment({ config, outDir: dir, progress: false, stopAfterSteps: 2 });
    expect(cut.interrupted).to.equal(true);
    const file = path.join(dir, 'checkpoints', 'vanilla.ckpt');
    const buf = fs.readFileSync(file);
    buf[buf.length - 5] ^= 0x04;
    fs.writeFileSync(file, buf);
    let error: Error | undefined;
    try {
      await runExperiment({ config, outDir: dir, progress: false, resume: true });
    } catch (e) {
      error = e as Error;
    }
    expect(error).to.be.instanceOf(CheckpointError);
    expect(error!.message).to.equal(`${file}: checksum mismatch: the file is damaged; ${hint(file, dir)}`);
    expect(fs.readFileSync(file).equals(buf)).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'scorecard.json'))).to.equal(false);

    // the CLI: exit 2, the message as one line of stderr
    const orig = process.stderr.write.bind(process.stderr);
    let stderr = '';
    process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main(['node', 'topk-harness', 'run', '--resume', dir, '--quiet']);
    } finally {
      process.stderr.write = orig;
    }
    expect(code).to.equal(2);
    expect(stderr.split('\n')).to.include(`error: ${error!.message}`);
    expect(fs.readFileSync(file).equals(buf)).to.equal(true);

    fs.rmSync(file); // the advice works: without the file that model retrains from scratch
    const done = await runExperiment({ config, outDir: dir, progress: false, resume: true });
    expect(done.interrupted).to.equal(false);
    expect(loadCheckpoint(file).verified).to.equal(true);
  });
});
