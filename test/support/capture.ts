/** Helpers shared by the end-to-end tests: stderr captured in-process, scorecards compared without wall-clock fields. */
import * as fs from 'node:fs';

/** Collect what is written to stderr until restore(). */
export function captureStderr(): { text(): string; restore(): void } {
  const orig = process.stderr.write.bind(process.stderr);
  let buf = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  return { text: () => buf, restore: () => void (process.stderr.write = orig) };
}

/** Run f with stderr captured; returns its result and what it wrote (stderr restored whatever happens). */
export async function withStderrCaptured<T>(f: () => Promise<T>): Promise<{ out: T; text: string }> {
  const captured = captureStderr();
  try {
    return { out: await f(), text: captured.text() };
  } finally {
    captured.restore();
  }
}

/** The reproducible part of a scorecard file: everything but timing, provenance and the folder name. */
export function comparableScorecard(file: string): Record<string, unknown> {
  const card = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete card.timing;
  delete card.provenance;
  delete card.runId;
  return card;
}

/** The error a promise rejects with; a resolved promise fails the test. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** The error a function throws; one that returns fails the test. */
export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
