/**
 * The `calibration` command: file formats (JSON, CSV, .npy), --json key set, table, diagram, and bad input.
 * Expected numbers are REFERENCE.md goldens (T1, T4).
 */
import { expect } from 'chai';
import { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessInputError } from '../../src/errors.js';
import { parseNpy } from '../../src/data/npy.js';
import {
  registerCalibrationCommand,
  runCalibrationCommand,
  type CalibrationCommandOptions,
} from '../../src/cli/calibration-command.js';

const T1_PROBS = [[0.25, 0.2, 0.55], [0.55, 0.05, 0.4], [0.1, 0.3, 0.6], [0.9, 0.05, 0.05]];
const T1_LABELS = [0, 1, 2, 0];
const T4_PROBS = [
  [0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.4, 0.35, 0.25], [0.9, 0.05, 0.05], [0.2, 0.7, 0.1],
  [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.05, 0.15, 0.8], [0.34, 0.33, 0.33], [0.5, 0.1, 0.4],
];
const T4_LABELS = [0, 1, 0, 0, 1, 2, 2, 2, 1, 2];
const KEYS = ['accuracy', 'ece', 'mce', 'rmsce', 'adaptiveEce', 'classwiseEce', 'debiasedL2', 'brier', 'nll', 'bins', 'rule', 'n'];

/** A .npy file (format 1.0) around raw little- or big-endian bytes. */
function npy(descr: string, shape: number[], bytes: Uint8Array, fortran = false): Buffer {
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeStr}, }`;
  const pad = (64 - ((10 + header.length + 1) % 64)) % 64;
  header += ' '.repeat(pad) + '\n';
  const len = Buffer.alloc(2);
  len.writeUInt16LE(header.length);
  return Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), len, Buffer.from(header, 'latin1'), Buffer.from(bytes)]);
}
const f32 = (rows: number[][]) => new Uint8Array(new Float32Array(rows.flat()).buffer);
const f64 = (rows: number[][]) => new Uint8Array(new Float64Array(rows.flat()).buffer);
const i64 = (xs: number[]) => new Uint8Array(new BigInt64Array(xs.map(BigInt)).buffer);

async function expectInputError(p: Promise<unknown>, message: string): Promise<void> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a HarnessInputError').to.be.instanceOf(HarnessInputError);
  expect((caught as Error).message).to.equal(message);
}

describe('calibration command', () => {
  let dir: string;
  const file = (name: string, content: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const run = (o: CalibrationCommandOptions) => runCalibrationCommand(o);
  const runJson = async (o: CalibrationCommandOptions) => {
    const out = await run({ ...o, json: true });
    expect(out.trim().split('\n')).to.have.length(1);
    return JSON.parse(out) as Record<string, any>;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'calibration-cmd-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints exactly one object with exactly the documented keys, in order', async () => {
    const f = file('t1.json', JSON.stringify({ probs: T1_PROBS, labels: T1_LABELS }));
    const r = await runJson({ predictions: f, bins: '3' });
    expect(Object.keys(r)).to.deep.equal(KEYS);
    expect(r.ece).to.be.closeTo(0.2, 1e-6);
    expect(r.rmsce).to.be.closeTo(0.208167, 1e-6);
    expect(r.mce).to.be.closeTo(0.233333, 1e-6);
    expect(r.brier).to.be.closeTo(0.63625, 1e-6);
    expect(r.nll).to.be.closeTo(1.249553, 1e-6);
    expect(r.n).to.equal(4);
    expect(r.rule).to.equal('right');
    expect(r.bins).to.have.length(3);
    expect(Object.keys(r.bins[0])).to.deep.equal(['lower', 'upper', 'count', 'meanConfidence', 'accuracy']);
  });

  it('JSON with "logits" gives the same numbers as the softmaxed probabilities', async () => {
    const z = [[2, 1, 0], [0, 3, -1], [1, 1, 1]];
    const probs = z.map((row) => {
      const e = row.map(Math.exp);
      const s = e[0] + e[1] + e[2];
      return e.map((v) => v / s);
    });
    const a = await runJson({ predictions: file('z.json', JSON.stringify({ logits: z, labels: [0, 1, 2] })) });
    const b = await runJson({ predictions: file('p.json', JSON.stringify({ probs, labels: [0, 1, 2] })) });
    for (const k of KEYS.filter((k) => typeof a[k] === 'number')) expect(a[k], k).to.be.closeTo(b[k], 1e-12);
    // --logits with a CSV of logits: same again.
    const csv = file('z.csv', z.map((r, i) => [...r, i].join(',')).join('\n'));
    const c = await runJson({ predictions: csv, logits: true });
    expect(c.ece).to.be.closeTo(b.ece, 1e-12);
  });

  it('CSV with a header line, label in the last column (T4 goldens, both rules)', async () => {
    const text = 'p0,p1,p2,label\n' + T4_PROBS.map((r, i) => [...r, T4_LABELS[i]].join(',')).join('\r\n') + '\n\n';
    const f = file('t4.csv', text);
    expect((await runJson({ predictions: f, bins: '5' })).ece).to.be.closeTo(0.206, 1e-6);
    expect((await runJson({ predictions: f, bins: '5' })).debiasedL2).to.be.closeTo(0.163768, 1e-6);
    expect((await runJson({ predictions: f, bins: '15', rule: 'left' })).ece).to.be.closeTo(0.394, 1e-6);
    const r = await runJson({ predictions: f });
    expect(r.ece).to.be.closeTo(0.326, 1e-6);
    expect(r.classwiseEce).to.be.closeTo(0.268667, 1e-6);
    expect(r.brier).to.be.closeTo(0.50584, 1e-6);
    expect(r.nll).to.be.closeTo(0.840595, 1e-6);
  });

  it('CSV of probabilities only, with --labels as text (one per line, header allowed)', async () => {
    const p = file('t1-probs.csv', T1_PROBS.map((r) => r.join(',')).join('\n'));
    const l = file('t1-labels.txt', 'label\n' + T1_LABELS.join('\n') + '\n');
    expect((await runJson({ predictions: p, labels: l, bins: '3' })).ece).to.be.closeTo(0.2, 1e-6);
  });

  it('.npy float64 and float32 (N, C) with .npy int64 / JSON labels', async () => {
    const p64 = file('t4.npy', npy('<f8', [10, 3], f64(T4_PROBS)));
    const l64 = file('t4-labels.npy', npy('<i8', [10], i64(T4_LABELS)));
    const r = await runJson({ predictions: p64, labels: l64 });
    expect(r.ece).to.be.closeTo(0.326, 1e-6);
    expect(r.n).to.equal(10);
    // float32 storage: T1 has no confidence on a 3-bin edge, so the golden holds to float32 precision.
    const p32 = file('t1.npy', npy('<f4', [4, 3], f32(T1_PROBS)));
    const lj = file('t1-labels.json', JSON.stringify(T1_LABELS));
    expect((await runJson({ predictions: p32, labels: lj, bins: '3' })).ece).to.be.closeTo(0.2, 1e-6);
    const lu8 = file('t1-labels-u1.npy', npy('|u1', [4], new Uint8Array(T1_LABELS)));
    expect((await runJson({ predictions: p32, labels: lu8, bins: '3' })).ece).to.be.closeTo(0.2, 1e-6);
  });

  it('parseNpy reads the header and refuses what it cannot read', () => {
    const a = parseNpy(npy('<f4', [2, 3], f32([[1, 2, 3], [4, 5, 6]])), 'a.npy');
    expect(a.shape).to.deep.equal([2, 3]);
    expect(Array.from(a.data as Float32Array)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    const be = new Uint8Array(16);
    new DataView(be.buffer).setFloat64(0, 0.5, false);
    new DataView(be.buffer).setFloat64(8, 0.5, false);
    expect(() => parseNpy(npy('>f8', [1, 2], be), 'be.npy')).to.throw(
      HarnessInputError,
      "be.npy: big-endian data ('>f8') is not supported; save it as little-endian, e.g. arr.astype('<f8')",
    );
    expect(() => parseNpy(npy('<f8', [2, 2], f64([[1, 0], [0, 1]]), true), 'f.npy')).to.throw(
      'f.npy: Fortran-order (column-major) arrays are not supported; save with np.ascontiguousarray(arr)',
    );
    expect(() => parseNpy(Buffer.from('not numpy at all'), 'x.npy')).to.throw('x.npy: not a .npy file (missing the \\x93NUMPY magic string)');
    expect(() => parseNpy(npy('<f8', [4, 3], f64([[1, 0, 0]])), 't.npy')).to.throw(
      't.npy: .npy data is truncated: shape (4, 3) needs 96 bytes, the file has 24',
    );
    expect(() => parseNpy(npy('<c16', [1], new Uint8Array(16)), 'c.npy')).to.throw(
      "c.npy: unsupported .npy dtype '<c16'; expected float32 ('<f4'), float64 ('<f8') or an integer type",
    );
  });

  it('bad input: clear HarnessInputError messages', async () => {
    const good = file('good.json', JSON.stringify({ probs: T1_PROBS, labels: T1_LABELS }));
    await expectInputError(run({}), 'calibration needs --predictions FILE');
    await expectInputError(run({ predictions: good, rule: 'center' }), "--rule: unknown binning rule 'center'. Allowed: right, left");
    await expectInputError(run({ predictions: good, bins: '0' }), '--bins must be an integer >= 1; got "0"');
    await expectInputError(run({ predictions: good, bins: 'ten' }), '--bins must be an integer >= 1; got "ten"');
    const missing = join(dir, 'missing.json');
    await expectInputError(run({ predictions: missing }), `${missing}: file not found`);
    const n = file('n.npy', npy('<f8', [4, 3], f64(T1_PROBS)));
    await expectInputError(run({ predictions: n }), `${n}: a .npy predictions file needs --labels FILE`);
    const oneD = file('oned.npy', npy('<f8', [3], f64([[0.2, 0.3, 0.5]])));
    await expectInputError(run({ predictions: oneD, labels: good }), `${oneD}: expected a 2-D array (N, C) of predictions; got shape (3)`);
    const ints = file('ints.npy', npy('<i8', [1, 2], i64([0, 1])));
    await expectInputError(run({ predictions: ints, labels: good }), `${ints}: predictions must be float32 ('<f4') or float64 ('<f8'); got '<i8'`);
    const l = file('l.json', JSON.stringify(T1_LABELS));
    await expectInputError(run({ predictions: good, labels: l }), `${good} has "labels" and --labels was given too; give one`);
    const badLabel = file('badlabel.csv', '0.5,0.5,0\n0.6,0.4,5\n');
    await expectInputError(run({ predictions: badLabel }), `${badLabel}: label at index 1 is 5; labels must be integers in [0, 1]`);
    const badSum = file('badsum.csv', '0.5,0.5,0\n0.6,0.3,1\n');
    await expectInputError(run({ predictions: badSum }), `${badSum}: probabilities in row 1 sum to 0.9; each row must sum to 1 (tolerance 0.001)`);
    const nan = file('nan.csv', '0.5,0.5,0\nnan,0.4,1\n');
    await expectInputError(run({ predictions: nan }), `${nan}: predictions contain NaN at row 1, class 0`);
    const ragged = file('ragged.csv', '0.5,0.5,0\n0.6,0.4\n');
    await expectInputError(run({ predictions: ragged }), `${ragged}: line 2 has 2 fields but line 1 has 3`);
    const word = file('word.csv', 'a,b,label\n0.5,0.5,0\n0.6,x,1\n');
    await expectInputError(run({ predictions: word }), `${word}: line 3, column 2: "x" is not a number`);
    const badJson = file('bad.json', '{"probs": [[0.5, 0.5]');
    const e = await run({ predictions: badJson }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(HarnessInputError);
    expect((e as Error).message).to.match(/^.*bad\.json: invalid JSON \(/);
    const labelsOnly = file('rows.json', JSON.stringify(T1_PROBS));
    await expectInputError(run({ predictions: labelsOnly }), `${labelsOnly}: has no "labels"; add them or pass --labels FILE`);
    const shortLabels = file('short.json', JSON.stringify([0, 1]));
    await expectInputError(
      run({ predictions: labelsOnly, labels: shortLabels }),
      `${shortLabels}: labels has 2 entries but predictions have 4 rows`,
    );
  });

  it('table output and --diagram', async () => {
    const f = file('t4b.json', JSON.stringify({ probs: T4_PROBS, labels: T4_LABELS }));
    const svgPath = join(dir, 'diagram.svg');
    const out = await run({ predictions: f, diagram: svgPath });
    expect(out).to.include('10 examples, 3 classes, probabilities');
    expect(out).to.include('15 equal-width bins, right-closed (lo, hi]');
    expect(out).to.match(/^ece\s+0\.326000 /m);
    expect(out).to.match(/^accuracy\s+0\.600000 /m);
    expect(out).to.include(`reliability diagram written to ${svgPath}`);
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg.startsWith('<svg')).to.equal(true);
    expect(svg).to.include('ECE = 0.3260');
  });

  it('registerCalibrationCommand wires the subcommand into commander', async () => {
    const program = new Command().exitOverride();
    registerCalibrationCommand(program);
    const f = file('t1c.json', JSON.stringify({ probs: T1_PROBS, labels: T1_LABELS }));
    const chunks: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((s: string | Uint8Array) => {
      chunks.push(String(s));
      return true;
    }) as typeof process.stdout.write;
    try {
      await program.parseAsync(['calibration', '--predictions', f, '--bins', '3', '--json'], { from: 'user' });
    } finally {
      process.stdout.write = original;
    }
    const r = JSON.parse(chunks.join(''));
    expect(Object.keys(r)).to.deep.equal(KEYS);
    expect(r.ece).to.be.closeTo(0.2, 1e-6);
  });
});
