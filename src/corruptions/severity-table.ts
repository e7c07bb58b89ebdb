/**
 * Which severity table a run uses for its images: the config's `corruption.table`, or with 'auto' the table
 * severityTableFor (define.ts) picks for the image size. Shared by the corruption suite and the `corruptions` CLI.
 */
import type { RunConfig } from '../config/run-config.js';
import { severityTableFor, type SeverityTable } from './define.js';

/** The table a config gives for images of this size. */
export function tableFor(setting: RunConfig['corruption']['table'], height: number, width: number): { table: SeverityTable; reason: string } {
  if (setting !== 'auto') return { table: setting, reason: `corruption.table = '${setting}'` };
  const table = severityTableFor(height, width);
  return {
    table,
    reason: table === 'cifar'
      ? `auto: ${height}x${width} px images (<= 64 px) get the CIFAR-10-C table`
      : `auto: ${height}x${width} px images (> 64 px) get the ImageNet-C table`,
  };
}
