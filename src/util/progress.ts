/**
 * Progress lines on stderr. On a TTY one line is rewritten in place; otherwise (CI, pipes, log files) plain lines
 * are printed at most every `intervalMs`, plus the final one, so logs stay readable.
 */
export interface ProgressSink {
  /** Report progress of a task: done of total units, with a short status text. */
  update(done: number, total: number, status: string): void;
  /** Print a line that stays (ends any in-place line first). */
  line(text: string): void;
}

export class StderrProgress implements ProgressSink {
  private lastPrint = 0;
  private inPlace = false;
  constructor(
    private readonly label: string,
    private readonly intervalMs = process.stderr.isTTY ? 200 : 10_000,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number, status: string): void {
    const now = Date.now();
    const final = done >= total;
    if (!final && now - this.lastPrint < this.intervalMs) return;
    this.lastPrint = now;
    const pct = total > 0 ? ((100 * done) / total).toFixed(0).padStart(3) : '  ?';
    const text = `[${this.label}] ${pct}% ${done}/${total} ${status}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.inPlace = !final;
      if (final) this.stream.write('\n');
    } else {
      this.stream.write(text + '\n');
    }
  }

  line(text: string): void {
    if (this.inPlace) this.stream.write('\n');
    this.inPlace = false;
    this.stream.write(`[${this.label}] ${text}\n`);
  }
}

/** A sink that prints nothing (tests, library use). */
export const silentProgress: ProgressSink = { update() {}, line() {} };
