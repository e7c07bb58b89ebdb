/**
 * Checkpoints: one file per model holding the weights, the AdamW state and the training position, written
 * atomically and verified when read. Our own format because tfjs's `file://` IO needs tfjs-node.
 *
 * Layout of version 2 (written since issue 17), all integers little-endian:
 *
 *   offset 0   8 bytes   magic "TKHCKPT2"
 *   offset 8   32 bytes  SHA-256 of every byte from offset 40 to the end of the file
 *   offset 40  uint32    header length H
 *   offset 44  H bytes   UTF-8 JSON header (CheckpointHeader: state, identity, identitySha256, tensor list)
 *   then       float32 tensor data in header order; the file ends exactly there
 *
 * Version 1 ("TKHCKPT1", uint32 H, header, tensors) had no checksum. It is still read, unverified (see
 * loadCheckpoint), so that a run interrupted before the upgrade can be resumed.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core'; // types only: reading a checkpoint loads no tfjs
import { DataFileError } from '../errors.js';
import { stableStringify, writeFileAtomic } from '../util/atomic.js';

const MAGIC_V1 = 'TKHCKPT1';
const MAGIC_V2 = 'TKHCKPT2';
/** Bytes before the JSON header: magic + uint32 length (v1); magic + SHA-256 + uint32 length (v2). */
const PREFIX_V1 = 12;
const PREFIX_V2 = 44;
/** Where the v2 checksum starts covering: the header length field, the header and the tensors. */
const CHECKED_FROM = 40;

export interface CheckpointTensor {
  /** 'param', 'adam.m' or 'adam.v'. */
  kind: string;
  name: string;
  shape: number[];
}

export interface CheckpointHeader<S> {
  format: 'topk-harness-checkpoint';
  /** 1: no checksum (read only); 2: checksummed. */
  version: 1 | 2;
  /** Training position and history (TrainState), opaque to this module. */
  state: S;
  /** Anything that must match for a resume to be valid (model config, train config, seed, data fingerprint). */
  identity: unknown;
  /** identityHash(identity), hex; absent in version 1. */
  identitySha256?: string;
  tensors: CheckpointTensor[];
}

export interface TensorEntry extends CheckpointTensor {
  tensor: tf.Tensor;
}

/**
 * A checkpoint that cannot be used: one line naming the file, what is wrong and how to retrain that model. A
 * HarnessInputError (through DataFileError): the CLI prints it and exits 2.
 */
export class CheckpointError extends DataFileError {
  constructor(file: string, problem: string) {
    super(file, `${problem}; ${retrainHint(file)}`);
    this.name = 'CheckpointError';
  }
}

/**
 * The folder to pass to `--resume` for a file at <run>/<sub>/<file>: the run folder, or the multi-seed run above a
 * seed-<n> folder. '<run-dir>' when the file is not inside a run folder's subfolder.
 */
export function resumeFolderOf(file: string, sub: string): string {
  const parent = path.dirname(file);
  if (path.basename(parent) !== sub) return '<run-dir>';
  const run = path.dirname(parent);
  return /^seed-\d+$/.test(path.basename(run)) ? path.dirname(run) : run;
}

/** What to do about a checkpoint that cannot be resumed: the commands that retrain its model or the whole run. */
export function retrainHint(file: string): string {
  return (
    `delete it (rm ${file}) and rerun with --resume ${resumeFolderOf(file, 'checkpoints')} to retrain only that model, ` +
    `or rerun with --fresh to retrain from scratch`
  );
}

/** SHA-256 (hex) of an identity's JSON with sorted keys: equal for equal identities, whatever their key order. */
export function identityHash(identity: unknown): string {
  return createHash('sha256').update(stableStringify(identity ?? null)).digest('hex');
}

export function saveCheckpoint<S>(file: string, state: S, identity: unknown, entries: TensorEntry[]): void {
  const header: CheckpointHeader<S> = {
    format: 'topk-harness-checkpoint',
    version: 2,
    state,
    identity,
    identitySha256: identityHash(identity),
    tensors: entries.map(({ kind, name, shape }) => ({ kind, name, shape })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const datas = entries.map((e) => e.tensor.dataSync() as Float32Array);
  const total = PREFIX_V2 + json.length + datas.reduce((s, d) => s + d.byteLength, 0);
  const buf = Buffer.alloc(total);
  buf.write(MAGIC_V2, 0, 'latin1');
  buf.writeUInt32LE(json.length, CHECKED_FROM);
  json.copy(buf, PREFIX_V2);
  let off = PREFIX_V2 + json.length;
  for (const d of datas) {
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(buf, off);
    off += d.byteLength;
  }
  createHash('sha256').update(buf.subarray(CHECKED_FROM)).digest().copy(buf, 8);
  writeFileAtomic(file, buf);
}

/**
 * True when a checkpoint exists at `file` and holds a finished training of `epochs` epochs (a TrainState's `epoch`).
 * The file is read and verified whole: a damaged one throws its one-line CheckpointError.
 */
export function checkpointComplete(file: string, epochs: number): boolean {
  if (!fs.existsSync(file)) return false;
  return loadCheckpoint<{ epoch: number }>(file).header.state.epoch >= epochs;
}

export interface LoadedCheckpoint<S> {
  header: CheckpointHeader<S>;
  /** Values by `${kind}:${name}`. */
  values: Map<string, Float32Array>;
  /** True when the checksum was checked (version 2); false for a version-1 file, which has none. */
  verified: boolean;
}

/**
 * Read and verify a checkpoint: magic, header length, header JSON, format and version, tensor list, file length,
 * then (version 2) the checksum and the identity hash. Any failure is a CheckpointError. Whether the identity is the
 * one the caller expects is the caller's check (the trainer compares it field by field to name the difference).
 */
export function loadCheckpoint<S>(file: string): LoadedCheckpoint<S> {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new DataFileError(file, `cannot read checkpoint: ${(e as Error).message}`);
  }
  const fail = (problem: string) => new CheckpointError(file, problem);
  const magic = buf.toString('latin1', 0, Math.min(8, buf.length));
  if (buf.length < 8 && MAGIC_V2.startsWith(magic)) {
    throw fail(buf.length === 0 ? 'checkpoint is empty (0 bytes; the file is damaged)' : `truncated checkpoint (${buf.length} bytes)`);
  }
  if (magic !== MAGIC_V1 && magic !== MAGIC_V2) {
    if (/^TKHCKPT\d$/.test(magic)) throw fail(`checkpoint format ${magic} is newer than this harness reads (${MAGIC_V1}, ${MAGIC_V2}); upgrade topk-harness to resume it`);
    throw fail(`not a topk-harness checkpoint (it does not start with ${MAGIC_V2}; the file is damaged)`);
  }
  const version = magic === MAGIC_V2 ? 2 : 1;
  const prefix = version === 2 ? PREFIX_V2 : PREFIX_V1;
  if (buf.length < prefix) throw fail(`truncated checkpoint (${buf.length} bytes, shorter than its ${prefix}-byte prefix)`);
  const hlen = buf.readUInt32LE(prefix - 4);
  if (prefix + hlen > buf.length) throw fail(`truncated checkpoint (the header declares ${hlen} bytes of JSON, ${buf.length - prefix} bytes follow)`);

  let header: CheckpointHeader<S>;
  try {
    header = JSON.parse(buf.toString('utf8', prefix, prefix + hlen)) as CheckpointHeader<S>;
  } catch {
    throw fail('checkpoint header is not valid JSON (the file is damaged)');
  }
  if (header === null || typeof header !== 'object' || header.format !== 'topk-harness-checkpoint' || header.version !== version) {
    const h = (header ?? {}) as Partial<CheckpointHeader<S>>;
    throw fail(`checkpoint header says format ${JSON.stringify(h.format)} version ${JSON.stringify(h.version)}, its magic ${magic} (the file is damaged)`);
  }
  const sizes = tensorByteSizes(header.tensors);
  if (sizes === null) throw fail('checkpoint header has no valid tensor list (the file is damaged)');
  const expected = prefix + hlen + sizes.reduce((a, b) => a + b, 0);
  if (buf.length < expected) throw fail(`truncated checkpoint (${buf.length} of the ${expected} bytes its header declares)`);
  if (buf.length > expected) throw fail(`checkpoint has ${buf.length - expected} bytes after its last tensor (the file is damaged)`);

  if (version === 2) {
    const sum = createHash('sha256').update(buf.subarray(CHECKED_FROM)).digest();
    if (!sum.equals(buf.subarray(8, CHECKED_FROM))) throw fail('checksum mismatch: the file is damaged');
    // covered by the checksum; a mismatch here means the writer and the reader disagree on the identity's JSON
    if (header.identitySha256 !== identityHash(header.identity)) throw fail('identity hash mismatch: the header does not match its own identity');
  }
  // Version 1 has no checksum: a damaged v1 file that still parses is accepted unverified (its next save is v2).

  const values = new Map<string, Float32Array>();
  let off = prefix + hlen;
  header.tensors.forEach((t, i) => {
    const arr = new Float32Array(sizes[i] / 4);
    Buffer.from(arr.buffer).set(buf.subarray(off, off + sizes[i]));
    values.set(`${t.kind}:${t.name}`, arr);
    off += sizes[i];
  });
  return { header, values, verified: version === 2 };
}

/** Byte size of each listed tensor (float32), or null when the list is not an array of {kind, name, shape}. */
function tensorByteSizes(tensors: unknown): number[] | null {
  if (!Array.isArray(tensors)) return null;
  const sizes: number[] = [];
  for (const t of tensors as Partial<CheckpointTensor>[]) {
    if (t === null || typeof t !== 'object' || typeof t.kind !== 'string' || typeof t.name !== 'string' || !Array.isArray(t.shape)) return null;
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return null;
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(4 * n)) return null;
    sizes.push(4 * n);
  }
  return sizes;
}
