/**
 * Checkpoints: one file per model holding the weights, the AdamW state and the training position, written
 * atomically. Layout: 8-byte magic "TKHCKPT1", uint32 LE header length, UTF-8 JSON header, then float32 LE tensor
 * data in header order. Our own format because tfjs's `file://` IO needs tfjs-node.
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { DataFileError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';

const MAGIC = 'TKHCKPT1';

export interface CheckpointTensor {
  /** 'param', 'adam.m' or 'adam.v'. */
  kind: string;
  name: string;
  shape: number[];
}

export interface CheckpointHeader<S> {
  format: 'topk-harness-checkpoint';
  version: 1;
  /** Training position and history (TrainState), opaque to this module. */
  state: S;
  /** Anything that must match for a resume to be valid (model config, train config, seed, data fingerprint). */
  identity: unknown;
  tensors: CheckpointTensor[];
}

export interface TensorEntry extends CheckpointTensor {
  tensor: tf.Tensor;
}

export function saveCheckpoint<S>(file: string, state: S, identity: unknown, entries: TensorEntry[]): void {
  const header: CheckpointHeader<S> = {
    format: 'topk-harness-checkpoint',
    version: 1,
    state,
    identity,
    tensors: entries.map(({ kind, name, shape }) => ({ kind, name, shape })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const datas = entries.map((e) => e.tensor.dataSync() as Float32Array);
  const total = 12 + json.length + datas.reduce((s, d) => s + d.byteLength, 0);
  const buf = Buffer.alloc(total);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(json.length, 8);
  json.copy(buf, 12);
  let off = 12 + json.length;
  for (const d of datas) {
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(buf, off);
    off += d.byteLength;
  }
  writeFileAtomic(file, buf);
}

export interface LoadedCheckpoint<S> {
  header: CheckpointHeader<S>;
  /** Values by `${kind}:${name}`. */
  values: Map<string, Float32Array>;
}

export function loadCheckpoint<S>(file: string): LoadedCheckpoint<S> {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new DataFileError(file, `cannot read checkpoint: ${(e as Error).message}`);
  }
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) {
    throw new DataFileError(file, `not a topk-harness checkpoint (expected magic ${MAGIC})`);
  }
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw new DataFileError(file, `truncated checkpoint header (${hlen} bytes declared, ${buf.length - 12} present)`);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + hlen)) as CheckpointHeader<S>;
  if (header.format !== 'topk-harness-checkpoint' || header.version !== 1) {
    throw new DataFileError(file, `unsupported checkpoint format ${header.format} version ${header.version} (this harness reads version 1)`);
  }
  const values = new Map<string, Float32Array>();
  let off = 12 + hlen;
  for (const t of header.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (off + 4 * n > buf.length) throw new DataFileError(file, `truncated checkpoint: tensor ${t.kind}:${t.name} needs ${4 * n} bytes at offset ${off}, file has ${buf.length}`);
    const arr = new Float32Array(n);
    Buffer.from(arr.buffer).set(buf.subarray(off, off + 4 * n));
    values.set(`${t.kind}:${t.name}`, arr);
    off += 4 * n;
  }
  return { header, values };
}
