/**
 * Durable writes (issue 17, items 1 and 6): a full disk, a read-only mount, a directory or a file in the way, a
 * missing permission each give one FileWriteError line naming the path and the cause, leave no temporary file, and
 * keep the previous content of the target. Faults come through the injected WriteFs layer; where this machine lets
 * us mount a small tmpfs (root, no container limits) the full disk and the read-only mount are also real.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HarnessInputError } from '../../src/errors.js';
import { checkWritableDir, checkWritableFile, ensureDirectory, writeFileAtomic, writeJsonAtomic } from '../../src/util/atomic.js';
import { errnoError, FileWriteError } from '../../src/util/file-errors.js';
import { failingWriteFs, limitedWriteFs, realWriteFs, withWriteFs, writeFs, type WriteFs } from '../../src/util/write-fs.js';

const FULL = '(free some space, then run the command again)';

/** Runs `fn`, expecting a FileWriteError; returns it. */
function writeError(fn: () => void): FileWriteError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(FileWriteError);
    expect(e).to.be.instanceOf(HarnessInputError);
    expect((e as Error).message).to.not.include('\n');
    return e as FileWriteError;
  }
  throw new Error('expected a FileWriteError, but nothing was thrown');
}

function bytes(n: number, fill = 'x'): string {
  return fill.repeat(n);
}

/** A layer that records the files it opens for writing. */
function spyingWriteFs(opened: string[]): WriteFs {
  return { ...realWriteFs, openSync: (file, flags, mode) => (flags !== 'r' && opened.push(file), realWriteFs.openSync(file, flags, mode)) };
}

describe('durable writes (util/atomic)', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-atomic-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('a full disk', () => {
    it('refuses a write that does not fit, keeping the previous content and no temporary file (ENOSPC)', () => {
      const file = path.join(tmp, 'checkpoints', 'vanilla.ckpt');
      const disk = limitedWriteFs({ capacityBytes: 1000 });
      withWriteFs(disk, () => writeFileAtomic(file, bytes(500, 'a')));
      const e = writeError(() => withWriteFs(disk, () => writeFileAtomic(file, bytes(2000, 'b'))));
      expect(e.message).to.equal(`no space left on device while writing ${file} ${FULL}`);
      expect(e.code).to.equal('ENOSPC');
      expect(e.isDiskFull).to.equal(true);
      expect(e.path).to.equal(file);
      expect(fs.readFileSync(file, 'utf8')).to.equal(bytes(500, 'a'));
      expect(fs.readdirSync(path.dirname(file))).to.deep.equal(['vanilla.ckpt']);
      expect(disk.bytesUsed()).to.equal(500); // the partial temporary file gave its bytes back
    });

    it('treats short writes followed by a write of 0 bytes as a full disk', () => {
      const file = path.join(tmp, 'suites', 'sparsity.json');
      const disk = limitedWriteFs({ capacityBytes: 1000, maxBytesPerWrite: 100, whenFull: 'zero' });
      withWriteFs(disk, () => writeJsonAtomic(file, { v: 1 }));
      const e = writeError(() => withWriteFs(disk, () => writeJsonAtomic(file, { v: bytes(5000) })));
      expect(e.message).to.equal(`no space left on device while writing ${file} ${FULL}`);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).to.deep.equal({ v: 1 });
      expect(fs.readdirSync(path.dirname(file))).to.deep.equal(['sparsity.json']);
    });

    it('a used-up quota (EDQUOT) reads like a full disk; withDiskFullAdvice changes what it advises', () => {
      const file = path.join(tmp, 'scorecard.json');
      const e = writeError(() => withWriteFs(failingWriteFs('writeSync', 'EDQUOT'), () => writeFileAtomic(file, 'x')));
      expect(e.message).to.equal(`disk quota exceeded while writing ${file} ${FULL}`);
      expect(e.isDiskFull).to.equal(true);
      const resumable = e.withDiskFullAdvice(`free some space, then resume with: topk-harness run --resume ${tmp}`);
      expect(resumable.message).to.equal(`disk quota exceeded while writing ${file} (free some space, then resume with: topk-harness run --resume ${tmp})`);
      expect(resumable.code).to.equal('EDQUOT');
      expect(fs.readdirSync(tmp)).to.deep.equal([]);
    });
  });

  describe('short writes', () => {
    it('continues a write that takes 1 byte per call until the whole file is written', () => {
      const file = path.join(tmp, 'a.bin');
      const data = new Uint8Array(3000).map((_, i) => (i * 7) & 255);
      withWriteFs(limitedWriteFs({ capacityBytes: Infinity, maxBytesPerWrite: 1 }), () => writeFileAtomic(file, data));
      expect(new Uint8Array(fs.readFileSync(file))).to.deep.equal(data);
      expect(fs.readdirSync(tmp)).to.deep.equal(['a.bin']);
    });

    it('writes a Uint8Array view at its own offset, not its buffer from the start', () => {
      const file = path.join(tmp, 'view.bin');
      const whole = new Uint8Array([1, 2, 3, 4, 5, 6]);
      withWriteFs(limitedWriteFs({ capacityBytes: Infinity, maxBytesPerWrite: 2 }), () => writeFileAtomic(file, whole.subarray(2, 5)));
      expect([...fs.readFileSync(file)]).to.deep.equal([3, 4, 5]);
    });
  });

  describe('unwritable targets', () => {
    it('a directory where the file should go (EISDIR) is named, and left as it was', () => {
      const out = path.join(tmp, 'out');
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'keep.txt'), 'k');
      const e = writeError(() => writeFileAtomic(out, 'data'));
      expect(e.message).to.equal(`${out} is a directory; give a file name`);
      expect(e.code).to.equal('EISDIR');
      expect(fs.readdirSync(tmp)).to.deep.equal(['out']);
      expect(fs.readdirSync(out)).to.deep.equal(['keep.txt']);
      const slash = writeError(() => writeFileAtomic(path.join(tmp, 'new') + '/', 'data'));
      expect(slash.message).to.equal(`${path.join(tmp, 'new')}/ is a directory; give a file name`);
      expect(fs.readdirSync(tmp)).to.deep.equal(['out']);
    });

    it('a file where a folder should be (ENOTDIR/EEXIST) names the file in the way', () => {
      const blocker = path.join(tmp, 'reports');
      fs.writeFileSync(blocker, 'a file');
      const direct = path.join(blocker, 'x.json');
      expect(writeError(() => writeFileAtomic(direct, '{}')).message).to.equal(`cannot write ${direct}: ${blocker} is a file, not a directory`);
      const deep = path.join(blocker, 'run', 'suites', 'x.json');
      expect(writeError(() => writeFileAtomic(deep, '{}')).message).to.equal(`cannot write ${deep}: ${blocker} is a file, not a directory`);
      expect(fs.readFileSync(blocker, 'utf8')).to.equal('a file');
      expect(fs.readdirSync(tmp)).to.deep.equal(['reports']);
    });

    it('a read-only file system (EROFS) and a missing permission (EACCES, EPERM) are named in words', () => {
      const file = path.join(tmp, 'out.json');
      const cases: Array<[WriteFs, string]> = [
        [failingWriteFs('openSync', 'EROFS'), `read-only file system: cannot write ${file}`],
        [failingWriteFs('openSync', 'EACCES'), `permission denied writing ${file}`],
        // an immutable target (chattr +i): the temporary file is written, the rename over the target fails
        [failingWriteFs('renameSync', 'EPERM'), `permission denied writing ${file}`],
      ];
      for (const [layer, message] of cases) {
        expect(writeError(() => withWriteFs(layer, () => writeFileAtomic(file, 'v2'))).message).to.equal(message);
        expect(fs.readdirSync(tmp)).to.deep.equal([]);
      }
      const nested = path.join(tmp, 'run', 'suites', 'out.json'); // its folders are to be made
      const roMkdir = failingWriteFs('mkdirSync', 'EROFS');
      expect(writeError(() => withWriteFs(roMkdir, () => writeFileAtomic(nested, 'v2'))).message).to.equal(`read-only file system: cannot write ${nested}`);
      expect(fs.readdirSync(tmp)).to.deep.equal([]);
    });

    it('other failures at any step remove the temporary file and keep the old content', () => {
      const file = path.join(tmp, 'model.ckpt');
      writeFileAtomic(file, 'v1');
      const cases: Array<[WriteFs, string]> = [
        [failingWriteFs('fsyncSync', 'EIO'), `input/output error while writing ${file} (the disk or network file system may be failing)`],
        [failingWriteFs('closeSync', 'ENOSPC'), `no space left on device while writing ${file} ${FULL}`],
        [failingWriteFs('openSync', 'EMFILE'), `too many open files while writing ${file} (close other programs or raise the limit with ulimit -n)`],
        [failingWriteFs('renameSync', 'EXDEV'), `${file}: EXDEV (cross-device link not permitted)`],
      ];
      for (const [layer, message] of cases) {
        expect(writeError(() => withWriteFs(layer, () => writeFileAtomic(file, 'v2'))).message).to.equal(message);
        expect(fs.readdirSync(tmp)).to.deep.equal(['model.ckpt']);
        expect(fs.readFileSync(file, 'utf8')).to.equal('v1');
      }
    });

    it('words from a real system error make the fallback message', () => {
      const file = path.join(tmp, 'x');
      const real = Object.assign(new Error("EXDEV: cross-device link not permitted, rename 'a' -> 'b'"), { code: 'EXDEV' });
      expect(new FileWriteError(file, real).message).to.equal(`${file}: EXDEV (cross-device link not permitted)`);
    });

    it('a name too long for the file system (ENAMETOOLONG) leaves no shortened temporary file behind', () => {
      const file = path.join(tmp, 'n'.repeat(300) + '.json');
      expect(writeError(() => writeFileAtomic(file, '{}')).message).to.equal(`file name too long: ${file}`);
      expect(fs.readdirSync(tmp)).to.deep.equal([]);
      const longest = path.join(tmp, 'n'.repeat(255));
      writeFileAtomic(longest, 'ok'); // its temporary name is shortened to fit, the final name is kept
      expect(fs.readFileSync(longest, 'utf8')).to.equal('ok');
    });

    it('a bug (an error without an errno code) is rethrown as it is, after the cleanup', () => {
      const file = path.join(tmp, 'x');
      const buggy: WriteFs = { ...realWriteFs, fsyncSync: () => { throw new TypeError('boom'); } };
      expect(() => withWriteFs(buggy, () => writeFileAtomic(file, 'x'))).to.throw(TypeError, 'boom');
      expect(fs.readdirSync(tmp)).to.deep.equal([]);
    });
  });

  describe('durability and temporary names', () => {
    it('fsyncs the file and then the folder after the rename', () => {
      const calls: string[] = [];
      const fds = new Map<number, string>();
      const layer: WriteFs = {
        ...realWriteFs,
        openSync: (f, flags, mode) => { const fd = realWriteFs.openSync(f, flags, mode); fds.set(fd, f); return fd; },
        fsyncSync: (fd) => (calls.push(`fsync ${path.basename(fds.get(fd)!)}`), realWriteFs.fsyncSync(fd)),
        renameSync: (a, b) => (calls.push('rename'), realWriteFs.renameSync(a, b)),
      };
      const file = path.join(tmp, 'sub', 'f.json');
      withWriteFs(layer, () => writeFileAtomic(file, '{}'));
      expect(calls).to.have.length(3);
      expect(calls[0]).to.match(/^fsync f\.json\.\d+\.\d+\.tmp$/);
      expect(calls.slice(1)).to.deep.equal(['rename', 'fsync sub']);
    });

    it('a folder that cannot be fsynced (EINVAL, EISDIR, EPERM) does not fail the write', () => {
      for (const code of ['EINVAL', 'EISDIR', 'EPERM']) {
        const file = path.join(tmp, `${code}.json`);
        const layer: WriteFs = { ...realWriteFs, fsyncSync: (fd) => { if (fs.fstatSync(fd).isDirectory()) throw errnoError(code, 'fsync'); realWriteFs.fsyncSync(fd); } };
        withWriteFs(layer, () => writeFileAtomic(file, code));
        expect(fs.readFileSync(file, 'utf8')).to.equal(code);
      }
    });

    it('two writes in one process use different temporary names with the pid, ending in .tmp', () => {
      const opened: string[] = [];
      const file = path.join(tmp, 'f');
      withWriteFs(spyingWriteFs(opened), () => (writeFileAtomic(file, '1'), writeFileAtomic(file, '2')));
      expect(opened).to.have.length(2);
      expect(opened[0]).to.not.equal(opened[1]);
      for (const name of opened) expect(name.startsWith(`${file}.${process.pid}.`) && name.endsWith('.tmp')).to.equal(true);
    });

    it('a temporary file left by a crashed process with the same pid is never reused or clobbered', () => {
      const file = path.join(tmp, 'f');
      let first = true;
      const layer = failingWriteFs('openSync', 'EEXIST', ([, flags]) => flags === 'wx' && first && !(first = false));
      withWriteFs(layer, () => writeFileAtomic(file, 'new'));
      expect(fs.readFileSync(file, 'utf8')).to.equal('new');
      expect(fs.readdirSync(tmp)).to.deep.equal(['f']);
    });

    it('withWriteFs puts the previous layer back after a throw and after an async function settles', async () => {
      const layer = limitedWriteFs({ capacityBytes: 1 });
      expect(() => withWriteFs(layer, () => { throw new Error('x'); })).to.throw('x');
      expect(writeFs()).to.equal(realWriteFs);
      const seen = await withWriteFs(layer, async () => { await new Promise((r) => setTimeout(r, 1)); return writeFs(); });
      expect(seen).to.equal(layer);
      expect(writeFs()).to.equal(realWriteFs);
    });
  });

  describe('ensureDirectory', () => {
    it('makes the missing folders, and names a file in the way or a read-only file system', () => {
      const dir = path.join(tmp, 'a', 'b', 'c');
      ensureDirectory(dir);
      ensureDirectory(dir);
      expect(fs.statSync(dir).isDirectory()).to.equal(true);
      const f = path.join(tmp, 'file');
      fs.writeFileSync(f, 'x');
      expect(writeError(() => ensureDirectory(f)).message).to.equal(`${f} is a file, not a directory`);
      expect(writeError(() => ensureDirectory(path.join(f, 'sub'))).message).to.equal(`cannot write in ${f}/sub: ${f} is a file, not a directory`);
      const ro = path.join(tmp, 'ro', 'x');
      expect(writeError(() => withWriteFs(failingWriteFs('mkdirSync', 'EROFS'), () => ensureDirectory(ro))).message).to.equal(`read-only file system: cannot write in ${ro}`);
      expect(fs.readdirSync(tmp).sort()).to.deep.equal(['a', 'file']);
    });
  });

  describe('checkWritableDir / checkWritableFile', () => {
    it('accept an existing folder and a missing one under a folder, creating nothing', () => {
      checkWritableDir(tmp);
      checkWritableDir(path.join(tmp, 'a', 'b', 'c'));
      checkWritableFile(path.join(tmp, 'a', 'b', 'out.json'));
      fs.writeFileSync(path.join(tmp, 'existing.json'), '{}');
      checkWritableFile(path.join(tmp, 'existing.json'));
      expect(fs.readdirSync(tmp)).to.deep.equal(['existing.json']);
    });

    it('refuse a file used as a folder, directly or as an ancestor', () => {
      const f = path.join(tmp, 'file');
      fs.writeFileSync(f, 'x');
      expect(writeError(() => checkWritableDir(f)).message).to.equal(`${f} is a file, not a directory`);
      expect(writeError(() => checkWritableDir(path.join(f, 'sub'))).message).to.equal(`cannot write in ${f}/sub: ${f} is a file, not a directory`);
      expect(writeError(() => checkWritableDir(path.join(f, 'sub', 'deeper'))).message).to.equal(`cannot write in ${f}/sub/deeper: ${f} is a file, not a directory`);
      expect(writeError(() => checkWritableFile(path.join(f, 'out.json'))).message).to.equal(`cannot write ${f}/out.json: ${f} is a file, not a directory`);
      expect(writeError(() => checkWritableFile(path.join(f, 'run', 'out.json'))).message).to.equal(`cannot write ${f}/run/out.json: ${f} is a file, not a directory`);
      expect(fs.readdirSync(tmp)).to.deep.equal(['file']);
    });

    it('refuse a directory given as a file', () => {
      expect(writeError(() => checkWritableFile(tmp)).message).to.equal(`${tmp} is a directory; give a file name`);
      expect(writeError(() => checkWritableFile(tmp + '/')).message).to.equal(`${tmp}/ is a directory; give a file name`);
    });

    it('refuse a read-only, unwritable, full or immutable place, naming it, and leave no probe file', () => {
      const dir = path.join(tmp, 'new-run');
      const file = path.join(tmp, 'out.json');
      const cases: Array<[WriteFs, () => void, string]> = [
        [failingWriteFs('openSync', 'EROFS'), () => checkWritableDir(dir), `read-only file system: cannot write in ${dir}`],
        [failingWriteFs('openSync', 'EACCES'), () => checkWritableDir(tmp), `permission denied writing in ${tmp}`],
        [failingWriteFs('writeSync', 'ENOSPC'), () => checkWritableDir(dir), `no space left on device while writing in ${dir} ${FULL}`],
        [failingWriteFs('openSync', 'EROFS'), () => checkWritableFile(file), `read-only file system: cannot write ${file}`],
        [limitedWriteFs({ capacityBytes: 0 }), () => checkWritableFile(file), `no space left on device while writing ${file} ${FULL}`],
      ];
      for (const [layer, check, message] of cases) {
        expect(writeError(() => withWriteFs(layer, check)).message).to.equal(message);
        expect(fs.readdirSync(tmp)).to.deep.equal([]);
      }
      fs.writeFileSync(file, '{}');
      const immutable = failingWriteFs('accessSync', 'EPERM');
      expect(writeError(() => withWriteFs(immutable, () => checkWritableFile(file))).message).to.equal(`permission denied writing ${file}`);
      expect(fs.readdirSync(tmp)).to.deep.equal(['out.json']);
    });
  });
});

/** Real file systems: a 64 KiB tmpfs (full disk, read-only mount) and chattr +i; skipped where not allowed. */
describe('durable writes on real file systems (needs root and mount)', () => {
  let mnt: string;
  let mounted: string[] = [];
  function mount(dir: string, options: string): string | undefined {
    fs.mkdirSync(dir, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
      mounted.push(dir);
      return undefined;
    } catch (e) {
      return `mount -t tmpfs -o ${options} failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim() || 'no permission'}`;
    }
  }
  before(() => (mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-atomic-mnt-'))));
  after(() => {
    for (const dir of mounted.reverse()) {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
    }
    mounted = [];
    fs.rmSync(mnt, { recursive: true, force: true });
  });

  it('a full 64 KiB tmpfs: ENOSPC in one line, the old file kept, no temporary file; then the check refuses it', function () {
    const dir = path.join(mnt, 'small');
    const why = mount(dir, 'size=64k');
    if (why !== undefined) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    const file = path.join(dir, 'vanilla.ckpt');
    writeFileAtomic(file, bytes(10_000, 'a'));
    const e = writeError(() => writeFileAtomic(file, bytes(200_000, 'b')));
    expect(e.message).to.equal(`no space left on device while writing ${file} ${FULL}`);
    expect(fs.readFileSync(file, 'utf8')).to.equal(bytes(10_000, 'a'));
    expect(fs.readdirSync(dir)).to.deep.equal(['vanilla.ckpt']);
    // fill what is left, then the early check sees the full disk too
    const fd = fs.openSync(path.join(dir, 'filler'), 'w');
    try {
      for (;;) fs.writeSync(fd, Buffer.alloc(4096));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).to.equal('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    expect(writeError(() => checkWritableDir(dir)).message).to.equal(`no space left on device while writing in ${dir} ${FULL}`);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['filler', 'vanilla.ckpt']);
  });

  it('a read-only tmpfs: EROFS in one line for the write and for the checks', function () {
    const dir = path.join(mnt, 'ro');
    const why = mount(dir, 'ro,size=64k');
    if (why !== undefined) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    const file = path.join(dir, 'out.json');
    expect(writeError(() => writeFileAtomic(file, '{}')).message).to.equal(`read-only file system: cannot write ${file}`);
    expect(writeError(() => writeFileAtomic(path.join(dir, 'run', 'x.json'), '{}')).message).to.equal(`read-only file system: cannot write ${path.join(dir, 'run', 'x.json')}`);
    expect(writeError(() => checkWritableDir(path.join(dir, 'run'))).message).to.equal(`read-only file system: cannot write in ${path.join(dir, 'run')}`);
    expect(writeError(() => checkWritableFile(file)).message).to.equal(`read-only file system: cannot write ${file}`);
    // node's own fs.mkdirSync(..., { recursive: true }) says ENOENT here (nodejs/node#47098)
    expect(writeError(() => ensureDirectory(path.join(dir, 'run', 'suites'))).message).to.equal(`read-only file system: cannot write in ${path.join(dir, 'run', 'suites')}`);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('an immutable file (chattr +i): EPERM in one line, the file kept, no temporary file', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-atomic-immutable-'));
    const file = path.join(dir, 'scorecard.json');
    fs.writeFileSync(file, 'v1');
    try {
      try {
        execFileSync('chattr', ['+i', file], { stdio: 'pipe' });
      } catch (e) {
        console.log(`      skipped: chattr +i failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
        this.skip();
      }
      expect(writeError(() => checkWritableFile(file)).message).to.equal(`permission denied writing ${file}`);
      expect(writeError(() => writeFileAtomic(file, 'v2')).message).to.equal(`permission denied writing ${file}`);
      expect(fs.readFileSync(file, 'utf8')).to.equal('v1');
      expect(fs.readdirSync(dir)).to.deep.equal(['scorecard.json']);
    } finally {
      try {
        execFileSync('chattr', ['-i', file], { stdio: 'pipe' });
      } catch {
        // never made immutable
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
