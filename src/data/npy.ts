/**
 * numpy's .npy format (versions 1.0, 2.0, 3.0), read without numpy: a magic string, a header dict literal
 * ({'descr': '<f4', 'fortran_order': False, 'shape': (N, C)}), then the raw array in C order.
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { endianness } from 'node:os';
import { DataFileError } from '../errors.js';

/** A parsed .npy array. */
export interface NpyArray {
  /** numpy dtype string as stored, e.g. '<f4'. */
  descr: string;
  shape: number[];
  data: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
}

/** The first six bytes of every .npy file. */
export const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

const NPY_TYPES: Record<string, { size: number; make: (b: ArrayBuffer) => NpyArray['data'] }> = {
  f4: { size: 4, make: (b) => new Float32Array(b) },
  f8: { size: 8, make: (b) => new Float64Array(b) },
  i1: { size: 1, make: (b) => new Int8Array(b) },
  u1: { size: 1, make: (b) => new Uint8Array(b) },
  i2: { size: 2, make: (b) => new Int16Array(b) },
  u2: { size: 2, make: (b) => new Uint16Array(b) },
  i4: { size: 4, make: (b) => new Int32Array(b) },
  u4: { size: 4, make: (b) => new Uint32Array(b) },
  i8: { size: 8, make: (b) => new BigInt64Array(b) },
  u8: { size: 8, make: (b) => new BigUint64Array(b) },
};

/**
 * Parse a .npy file (format versions 1.0, 2.0, 3.0): little-endian ('<' or '|') numeric dtypes in C order.
 * Big-endian data, Fortran order (for 2-D and up), structured or object dtypes are refused with a clear error.
 */
export function parseNpy(buf: Buffer, file: string): NpyArray {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(NPY_MAGIC)) {
    throw new DataFileError(file, 'not a .npy file (missing the \\x93NUMPY magic string)');
  }
  const major = buf[6];
  let headerStart: number;
  let headerLen: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new DataFileError(file, '.npy header is truncated');
    headerLen = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    throw new DataFileError(file, `unsupported .npy format version ${major}.${buf[7]}; expected 1.0, 2.0 or 3.0`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > buf.length) throw new DataFileError(file, '.npy header is truncated');
  const header = buf.subarray(headerStart, dataStart).toString(major === 3 ? 'utf8' : 'latin1');
  const descrMatch = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrMatch || !fortranMatch || !shapeMatch) {
    throw new DataFileError(file, `cannot read the .npy header ${JSON.stringify(header.trim())}; structured dtypes are not supported`);
  }
  const descr = descrMatch[1];
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new DataFileError(file, `bad shape (${shapeMatch[1]}) in the .npy header`);
  }
  const order = descr[0];
  const kind = descr.slice(1);
  if (order === '>') {
    throw new DataFileError(file, `big-endian data ('${descr}') is not supported; save it as little-endian, e.g. arr.astype('<${kind}')`);
  }
  const type = NPY_TYPES[kind];
  if ((order !== '<' && order !== '|' && order !== '=') || !type) {
    throw new DataFileError(
      file,
      `unsupported .npy dtype '${descr}'; expected float32 ('<f4'), float64 ('<f8') or an integer type`,
    );
  }
  if (order === '=' && endianness() !== 'LE') {
    throw new DataFileError(file, `native-order dtype '${descr}' on a big-endian host is not supported`);
  }
  if (fortranMatch[1] === 'True' && shape.filter((d) => d !== 1).length > 1) {
    throw new DataFileError(file, 'Fortran-order (column-major) arrays are not supported; save with np.ascontiguousarray(arr)');
  }
  if (endianness() !== 'LE') throw new DataFileError(file, 'reading .npy files needs a little-endian host');
  const count = shape.reduce((a, b) => a * b, 1);
  const nbytes = count * type.size;
  if (buf.length - dataStart < nbytes) {
    throw new DataFileError(
      file,
      `.npy data is truncated: shape (${shape.join(', ')}) needs ${nbytes} bytes, the file has ${buf.length - dataStart}`,
    );
  }
  // Copy into a fresh, aligned ArrayBuffer (a Buffer's byteOffset need not be a multiple of the item size).
  const ab = new ArrayBuffer(nbytes);
  new Uint8Array(ab).set(buf.subarray(dataStart, dataStart + nbytes));
  return { descr, shape, data: type.make(ab) };
}
