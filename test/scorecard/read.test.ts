/** Reading scorecards and run folders back: every failure has one clear message (exact text asserted). */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HarnessInputError } from '../../src/errors.js';
import { parseScorecard, readRunFolder, readScorecard } from '../../src/scorecard/read.js';
import { copySampleRun, sampleScorecard, SMOKE_RUN, SMOKE_SCORECARD } from '../report/fixtures.js';

function thrown(f: () => unknown): HarnessInputError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(HarnessInputError);
    return e as HarnessInputError;
  }
  throw new Error('expected a HarnessInputError');
}

describe('readScorecard', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-read-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, value: unknown) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  it('returns the validated scorecard', () => {
    const card = readScorecard(SMOKE_SCORECARD);
    expect(card.schemaVersion).to.equal(1);
    expect(card.baseline).to.equal('vanilla');
    expect(Object.keys(card.models)).to.have.members(['vanilla', 'topk']);
  });

  it('says when the file is missing, or is a run folder', () => {
    const missing = path.join(tmp, 'nope.json');
    expect(thrown(() => readScorecard(missing)).message).to.equal(`scorecard ${missing} does not exist`);
    expect(thrown(() => readScorecard(SMOKE_RUN)).message).to.equal(`scorecard ${SMOKE_RUN} is a directory, not a JSON file; did you mean ${SMOKE_SCORECARD}?`);
  });

  it('says when the file is not JSON', () => {
    const file = write('bad.json', '{"schemaVersion": 1,');
    expect(thrown(() => readScorecard(file)).message).to.match(new RegExp(`^scorecard ${file} is not valid JSON: `));
  });

  it('refuses another schema version, or none', () => {
    const v2 = write('v2.json', { ...sampleScorecard(), schemaVersion: 2 });
    expect(thrown(() => readScorecard(v2)).message).to.equal(
      `scorecard ${v2} has schemaVersion 2; this harness reads version 1; it was written by a newer topk-harness: upgrade this one to read it`,
    );
    const text = write('text.json', { ...sampleScorecard(), schemaVersion: '1' });
    expect(thrown(() => readScorecard(text)).message).to.equal(`scorecard ${text} has schemaVersion "1"; this harness reads version 1`);
    const { schemaVersion: _v, ...rest } = sampleScorecard();
    const none = write('none.json', rest);
    expect(thrown(() => readScorecard(none)).message).to.equal(`scorecard ${none} has no schemaVersion; this harness reads version 1 (is it a topk-harness scorecard.json?)`);
    expect(thrown(() => readScorecard(write('array.json', [1])))).to.have.property('message').that.matches(/is not a JSON object$/);
  });

  it('lists each bad field with its path', () => {
    const card = sampleScorecard();
    card.models.topk.test.ece = -0.1;
    card.data.testCount = 'many';
    const file = write('fields.json', card);
    const err = thrown(() => readScorecard(file));
    expect(err.message).to.equal(
      `scorecard ${file} does not match scorecard schema version 1:\n` +
        '  data.testCount: Invalid input: expected number, received string (got "many")\n' +
        '  models.topk.test.ece: Too small: expected number to be >=0 (got -0.1)',
    );
    expect(err.path).to.equal(`${file}: data.testCount`);
  });

  it('reads a version-1 file from before later additions (no seeds, suite config sections or statistics)', () => {
    const card = sampleScorecard();
    delete card.config.seeds;
    delete card.config.labelNoise;
    delete card.config.corruption;
    expect(() => parseScorecard(card, 'old.json')).not.to.throw();
  });

  it('accepts keys a newer version-1 writer added', () => {
    const card = sampleScorecard();
    card.provenance.gpu = 'H200';
    card.newTopLevel = { any: 1 };
    expect(parseScorecard(card, 'newer.json').provenance).to.have.property('gpu', 'H200');
  });
});

describe('readRunFolder', () => {
  let dir: string;
  beforeEach(() => (dir = copySampleRun('topk-runfolder-')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the scorecard and every suite record in config order', () => {
    const run = readRunFolder(dir);
    expect(run.suites.map((s) => s.name)).to.deep.equal(['calibration', 'sparsity']);
    expect(run.suites[0].record.files).to.deep.equal(['calibration/reliability.svg', 'calibration/reliability-temperature-scaled.svg']);
  });

  it('says which suite record is missing', () => {
    fs.rmSync(path.join(dir, 'suites', 'sparsity.json'));
    expect(thrown(() => readRunFolder(dir)).message).to.equal(`run folder ${dir}: scorecard.json has suite 'sparsity' but ${path.join(dir, 'suites', 'sparsity.json')} is missing`);
  });

  it('says when the run has no scorecard yet', () => {
    fs.rmSync(path.join(dir, 'scorecard.json'));
    expect(thrown(() => readRunFolder(dir)).message).to.equal(`run folder ${dir} has no scorecard.json (the run has not finished: evaluate it with \`topk-harness eval ${dir}\`)`);
    const nowhere = path.join(dir, 'nowhere');
    expect(thrown(() => readRunFolder(nowhere)).message).to.equal(`run folder ${nowhere} does not exist`);
  });

  it('says when a suite record is malformed', () => {
    fs.writeFileSync(path.join(dir, 'suites', 'calibration.json'), JSON.stringify({ result: {}, files: 'x' }));
    expect(thrown(() => readRunFolder(dir)).message).to.match(/suite record .*calibration\.json is not a suite's output \(\{result, markdown, files, seconds\}\):\n {2}markdown: /);
  });
});
