import { expect } from 'chai';
import { formatDuration, StderrProgress } from '../../src/util/progress.js';

describe('progress lines', () => {
  it('formats durations people plan around', () => {
    expect([0, 42.4, 60, 185, 3599, 3600, 3725].map(formatDuration)).to.deep.equal(['0s', '42s', '1m00s', '3m05s', '59m59s', '1h00m', '1h02m']);
  });

  it('adds an ETA from the rate since the task began (from where it resumed), none before 2 s or on the last line', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
    const p = new StderrProgress('vanilla', 0, stream);
    const realNow = Date.now;
    let now = 1_000_000;
    Date.now = () => now;
    try {
      p.update(100, 1100, 'epoch 1'); // resumed at step 100: the rate counts from here
      now += 1_000;
      p.update(150, 1100, 'epoch 1'); // 1 s in: too early for an ETA
      now += 9_000;
      p.update(600, 1100, 'epoch 2'); // 500 steps in 10 s: 50/s, 500 to go: 10 s
      now += 10_000;
      p.update(1100, 1100, 'epoch 3');
    } finally {
      Date.now = realNow;
    }
    expect(lines).to.deep.equal([
      '[vanilla]   9% 100/1100 epoch 1\n',
      '[vanilla]  14% 150/1100 epoch 1\n',
      '[vanilla]  55% 600/1100 epoch 2 ETA 10s\n',
      '[vanilla] 100% 1100/1100 epoch 3\n',
    ]);
  });
});
