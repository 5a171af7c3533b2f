/**
 * The weights file's layout: typed arrays back to back, each starting at a multiple of 8 bytes,
 * little-endian whatever the host, so a file written on one machine reads on any other.
 * @module
 */
import type { DType, TypedArray } from "../tensor/dtype.js";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes per element of each dtype. */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4 };

/** Where an array lies in the weights bytes. */
export interface ByteRange {
  /** Offset of the first byte. */
  byteOffset: number;
  /** Number of bytes. */
  byteLength: number;
}

/** @internal Lays typed arrays out one after the other, 8-byte aligned, little-endian. */
export class ByteWriter {
  private readonly parts: { at: number; values: TypedArray }[] = [];
  private length = 0;

  /** Appends `values`; returns where they will lie. */
  add(values: TypedArray): ByteRange {
    const byteOffset = Math.ceil(this.length / 8) * 8;
    this.parts.push({ at: byteOffset, values });
    this.length = byteOffset + values.byteLength;
    return { byteOffset, byteLength: values.byteLength };
  }

  /** All arrays in one buffer of exactly the bytes written (padding is zero). */
  finish(): ArrayBuffer {
    const out = new Uint8Array(this.length);
    for (const { at, values } of this.parts) {
      if (LITTLE_ENDIAN) out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
      else writeSwapped(new DataView(out.buffer), at, values);
    }
    return out.buffer;
  }
}

function writeSwapped(view: DataView, at: number, values: TypedArray): void {
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float64Array) view.setFloat64(at + 8 * i, values[i], true);
    else if (values instanceof Float32Array) view.setFloat32(at + 4 * i, values[i], true);
    else view.setInt32(at + 4 * i, values[i], true);
  }
}

/** @internal A fresh typed array of `dtype` from `range` of `bytes`; the caller has checked the range. */
export function readArray(bytes: Uint8Array, dtype: DType, range: ByteRange): TypedArray {
  const size = range.byteLength / BYTES_PER_ELEMENT[dtype];
  const copy = bytes.slice(range.byteOffset, range.byteOffset + range.byteLength);
  if (LITTLE_ENDIAN) {
    if (dtype === "float64") return new Float64Array(copy.buffer, 0, size);
    if (dtype === "float32") return new Float32Array(copy.buffer, 0, size);
    return new Int32Array(copy.buffer, 0, size);
  }
  const view = new DataView(copy.buffer);
  if (dtype === "float64") return Float64Array.from({ length: size }, (_, i) => view.getFloat64(8 * i, true));
  if (dtype === "float32") return Float32Array.from({ length: size }, (_, i) => view.getFloat32(4 * i, true));
  return Int32Array.from({ length: size }, (_, i) => view.getInt32(4 * i, true));
}
