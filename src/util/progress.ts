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

/** "42s", "3m05s", "1h02m": a duration to plan around. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class StderrProgress implements ProgressSink {
  private lastPrint = 0;
  private inPlace = false;
  /** When this task's progress began (first update with done = 0 or more), and how much was done then. */
  private start?: { at: number; done: number; total: number };
  constructor(
    private readonly label: string,
    private readonly intervalMs = process.stderr.isTTY ? 200 : 10_000,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number, status: string): void {
    const now = Date.now();
    const final = done >= total;
    if (this.start === undefined || done < this.start.done || total !== this.start.total) this.start = { at: now, done, total };
    if (!final && now - this.lastPrint < this.intervalMs) return;
    this.lastPrint = now;
    const pct = total > 0 ? ((100 * done) / total).toFixed(0).padStart(3) : '  ?';
    const text = `[${this.label}] ${pct}% ${done}/${total} ${status}${final ? '' : this.eta(now, done, total)}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.inPlace = !final;
      if (final) this.stream.write('\n');
    } else {
      this.stream.write(text + '\n');
    }
  }

  /** " ETA 1m05s" from the rate since this task began (resumed work counts from where it resumed); '' too early. */
  private eta(now: number, done: number, total: number): string {
    const s = this.start!;
    const seconds = (now - s.at) / 1000;
    const rate = (done - s.done) / seconds;
    if (seconds < 2 || !(rate > 0)) return '';
    return ` ETA ${formatDuration((total - done) / rate)}`;
  }

  line(text: string): void {
    if (this.inPlace) this.stream.write('\n');
    this.inPlace = false;
    this.stream.write(`[${this.label}] ${text}\n`);
  }
}

/** A sink that prints nothing (tests, library use). */
export const silentProgress: ProgressSink = { update() {}, line() {} };

/** A run's progress sinks by task label: on stderr, or silent when progress is off. */
export function progressSinks(enabled: boolean): (label: string) => ProgressSink {
  return (label) => (enabled ? new StderrProgress(label) : silentProgress);
}

/** A run's log lines: on stderr, or dropped when progress is off. */
export function progressLog(enabled: boolean): (line: string) => void {
  return (line) => {
    if (enabled) process.stderr.write(line + '\n');
  };
}
