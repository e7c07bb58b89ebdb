/**
 * The tfjs backend 'libtorch': a KernelBackend whose tensors live in the addon as libtorch tensors. Each tfjs dataId
 * maps to one addon handle (plus tfjs's reference count, as the cpu backend keeps it). Kernels (kernels.ts) call the
 * addon with the handles of their inputs and wrap the outputs it reports into TensorInfos.
 */
import * as tf from '@tensorflow/tfjs-core';
import { LibtorchAddon } from './native.js';

type DataId = object;
export const BACKEND_NAME = 'libtorch';

/** tfjs dtype ↔ addon dtype code (native/src/store.h). */
export const DTYPE_CODE: Record<string, number> = { float32: 0, int32: 1, bool: 2 };
const CODE_DTYPE: tf.DataType[] = ['float32', 'int32', 'bool'];

interface TensorData {
  h: number;
  dtype: tf.DataType;
  refCount: number;
}

export class LibtorchBackend extends tf.KernelBackend {
  readonly data: tf.DataStorage<TensorData>;
  /** The return register shared with the addon. */
  readonly reg = new Float64Array(1024);

  constructor(readonly native: LibtorchAddon) {
    super();
    this.data = new tf.DataStorage(this, tf.engine());
    native.init(this.reg);
  }

  private newData(h: number, dtype: tf.DataType, refCount = 1): DataId {
    const dataId = {};
    this.data.set(dataId, { h, dtype, refCount });
    return dataId;
  }

  /** The addon handle behind a tensor (moving it here first if it lives on another backend). */
  handle(t: tf.TensorInfo): number {
    return this.data.get(t.dataId).h;
  }

  /** The i-th output the last addon call wrote to the register (i counted from 0), as a TensorInfo. */
  outputs(): tf.TensorInfo[] {
    const r = this.reg;
    const n = r[0];
    const out: tf.TensorInfo[] = [];
    let p = 1;
    for (let i = 0; i < n; i++) {
      const h = r[p];
      const dtype = CODE_DTYPE[r[p + 1]];
      const rank = r[p + 2];
      const shape = new Array<number>(rank);
      for (let d = 0; d < rank; d++) shape[d] = r[p + 3 + d];
      p += 3 + rank;
      out.push({ dataId: this.newData(h, dtype), shape, dtype });
    }
    return out;
  }

  /** The single output of the last addon call. */
  output(): tf.TensorInfo {
    const r = this.reg;
    const h = r[1];
    const dtype = CODE_DTYPE[r[2]];
    const rank = r[3];
    const shape = new Array<number>(rank);
    for (let d = 0; d < rank; d++) shape[d] = r[4 + d];
    return { dataId: this.newData(h, dtype), shape, dtype };
  }

  private upload(values: tf.backend_util.BackendValues | null, shape: number[], dtype: tf.DataType): number {
    if (!(dtype in DTYPE_CODE)) throw new Error(`libtorch backend: ${dtype} tensors are not supported`);
    const size = shape.reduce((a, b) => a * b, 1);
    const vals = values ?? (dtype === 'float32' ? new Float32Array(size) : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size));
    this.native.fromArray(vals as Float32Array, shape, DTYPE_CODE[dtype]);
    return this.reg[1];
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): DataId {
    return this.newData(this.upload(values, shape, dtype), dtype);
  }

  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo {
    return { dataId: this.write(values ?? (null as unknown as tf.backend_util.BackendValues), shape, dtype), shape, dtype };
  }

  override move(dataId: DataId, values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.data.set(dataId, { h: this.upload(values, shape, dtype), dtype, refCount });
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  decRef(dataId: DataId): void {
    if (this.data.has(dataId)) this.data.get(dataId).refCount--;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override readSync(dataId: DataId): tf.backend_util.BackendValues {
    return this.native.read(this.data.get(dataId).h);
  }

  override async read(dataId: DataId): Promise<tf.backend_util.BackendValues> {
    return this.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (this.data.has(dataId)) {
      const d = this.data.get(dataId);
      d.refCount--;
      if (!force && d.refCount > 0) return false;
      this.native.dispose(d.h);
      this.data.delete(dataId);
    }
    return true;
  }

  disposeIntermediateTensorInfo(t: tf.TensorInfo): void {
    this.disposeData(t.dataId);
  }

  override timerAvailable(): boolean {
    return true;
  }

  override async time(f: () => void): Promise<tf.BackendTimingInfo> {
    const t0 = performance.now();
    f();
    return { kernelMs: performance.now() - t0 };
  }

  /** tf.memory() adds these fields: live addon handles and the bytes of their libtorch storages. */
  override memory(): { unreliable: boolean; nativeTensors: number; nativeBytes: number } {
    const s = this.native.stats();
    return { unreliable: false, nativeTensors: s.tensors, nativeBytes: s.bytes };
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return super.epsilon();
  }

  override dispose(): void {
    // Handles are freed by disposeData; the addon's table is process-wide.
  }
}
