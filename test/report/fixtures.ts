/**
 * The committed sample run (test/report/fixtures/smoke-run: `topk-harness run --preset smoke`, checkpoints removed):
 * a real version-1 scorecard, the calibration suite's record and its two SVGs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SMOKE_RUN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'smoke-run');
export const SMOKE_SCORECARD = path.join(SMOKE_RUN, 'scorecard.json');

/** A fresh parse of the sample scorecard, to modify in a test. */
export function sampleScorecard(): Record<string, any> {
  return JSON.parse(fs.readFileSync(SMOKE_SCORECARD, 'utf8'));
}

/** A temporary copy of the sample run folder; remove it with fs.rmSync(dir, { recursive: true }). */
export function copySampleRun(prefix = 'topk-report-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(SMOKE_RUN, dir, { recursive: true });
  return dir;
}
