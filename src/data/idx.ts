/**
 * Reader and writer for the IDX binary format used by the MNIST files
 * (`train-images-idx3-ubyte` etc.).
 *
 * Layout: two zero bytes, one element-type byte, one dimension-count byte,
 * then each dimension as a big-endian uint32, then the elements in row-major
 * order, big-endian. Files may also be gzip-compressed as a whole.
 *
 * This module has no static Node imports so that it loads in a browser; gzip
 * input is decompressed with Node's zlib where there is one, and with gradtape's own
 * gunzip elsewhere.
 *
 * @module
 */
import { gunzip } from "../util/gunzip.js";
import { checkOptionNames, optionNames } from "../util/options.js";
import { tryBuiltin } from "../util/node.js";

/** Element types an IDX file can hold. */
export type IdxDtype = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

/** The typed array used for each {@link IdxDtype}. */
export interface IdxArrayMap {
  /** Type code `0x08`: unsigned bytes, such as MNIST's pixels and labels. */
  uint8: Uint8Array;
  /** Type code `0x09`: signed bytes. */
  int8: Int8Array;
  /** Type code `0x0B`: 16-bit integers, big-endian in the file. */
  int16: Int16Array;
  /** Type code `0x0C`: 32-bit integers, big-endian in the file. */
  int32: Int32Array;
  /** Type code `0x0D`: 32-bit floats, big-endian in the file. */
  float32: Float32Array;
  /** Type code `0x0E`: 64-bit floats, big-endian in the file. */
  float64: Float64Array;
}

/**
 * A decoded IDX file. The union is discriminated on `dtype`, so checking
 * `dtype === "uint8"` narrows `values` to `Uint8Array`.
 */
export type IdxData = {
  [D in IdxDtype]: {
    /** Element type read from the header. */
    dtype: D;
    /** Dimension sizes, outermost first; `[]` for a scalar. */
    shape: number[];
    /** Elements in row-major order, converted to host byte order. Never aliases the input. */
    values: IdxArrayMap[D];
  };
}[IdxDtype];

/** Options for {@link parseIdx}. */
export interface ParseIdxOptions {
  /**
   * Synchronous gzip decompressor used when the input starts with the gzip
   * magic bytes. When omitted, Node's `zlib.gunzipSync` is used if the runtime
   * exposes it through `process.getBuiltinModule` (Node >= 20.16), and
   * gradtape's own (slower) gunzip elsewhere, such as in a browser.
   */
  gunzip?: (compressed: Uint8Array) => Uint8Array;
  /**
   * Upper bound on the decompressed size when no `gunzip` is given, so a
   * small malicious gzip stream cannot expand into gigabytes. Default 2^30 (1 GiB).
   */
  maxDecompressedBytes?: number;
}

/** @internal The names {@link ParseIdxOptions} holds. */
export const IDX_OPTIONS = optionNames<ParseIdxOptions>({ gunzip: true, maxDecompressedBytes: true });

/**
 * Error thrown for malformed IDX input. `offset` is the byte offset the
 * problem was detected at (in the decompressed stream if the input was gzipped).
 *
 * @throws Never (constructing it does not throw).
 * @example
 * ```ts
 * try { parseIdx(bytes); } catch (e) {
 *   if (e instanceof IdxFormatError) console.error(`bad IDX at byte ${e.offset}: ${e.message}`);
 * }
 * ```
 */
export class IdxFormatError extends Error {
  /** Byte offset of the problem within the (decompressed) IDX bytes. */
  readonly offset: number;

  /**
   * @param message - Full description, already including the offset.
   * @param offset - Byte offset of the problem.
   */
  constructor(message: string, offset: number) {
    super(message);
    this.name = "IdxFormatError";
    this.offset = offset;
  }
}

interface DtypeInfo {
  readonly code: number;
  readonly size: number;
}

const DTYPES: Readonly<Record<IdxDtype, DtypeInfo>> = {
  uint8: { code: 0x08, size: 1 },
  int8: { code: 0x09, size: 1 },
  int16: { code: 0x0b, size: 2 },
  int32: { code: 0x0c, size: 4 },
  float32: { code: 0x0d, size: 4 },
  float64: { code: 0x0e, size: 8 },
};

const DTYPE_BY_CODE = new Map<number, IdxDtype>(
  (Object.keys(DTYPES) as IdxDtype[]).map((d) => [DTYPES[d].code, d]),
);

const KNOWN_CODES = (Object.keys(DTYPES) as IdxDtype[])
  .map((d) => `${hex(DTYPES[d].code)} ${d}`)
  .join(", ");

const HEADER_BYTES = 4;
const MAX_DIM = 0xffffffff;
const MAX_RANK = 255;
const DEFAULT_MAX_DECOMPRESSED = 2 ** 30;

function hex(b: number): string {
  return "0x" + b.toString(16).padStart(2, "0");
}

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Number of elements for `shape`, or `undefined` if it exceeds 2^53 and so
 * cannot be represented exactly. A zero anywhere makes the product 0 even if
 * an earlier prefix would overflow.
 */
function safeProduct(shape: readonly number[]): number | undefined {
  if (shape.includes(0)) return 0;
  let n = 1;
  for (const d of shape) {
    if (n > Number.MAX_SAFE_INTEGER / d) return undefined;
    n *= d;
  }
  return n;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

type GunzipSync = (buf: Uint8Array, opts?: { maxOutputLength?: number; finishFlush?: number }) => Uint8Array;
type Zlib = { gunzipSync?: GunzipSync; constants?: { Z_SYNC_FLUSH?: number } };

/**
 * Finds Node's zlib without a static import: a static `node:zlib`
 * import would make this module fail to load in browsers.
 */
function builtinZlib(): (Zlib & { gunzipSync: GunzipSync }) | undefined {
  const zlib = tryBuiltin<Zlib>("node:zlib");
  return typeof zlib?.gunzipSync === "function" ? (zlib as Zlib & { gunzipSync: GunzipSync }) : undefined;
}

/**
 * How far past its declared size a stream may inflate before it is stopped: enough that a few
 * stray trailing bytes are still reported as such (with their offset), not as a bomb.
 */
const INFLATE_SLACK = 1 << 16;
/** Deflate's best ratio: each 258-byte match costs at least two bits. */
const DEFLATE_MAX_RATIO = 1032;

/** What a header (possibly only a prefix of the file) declares, or undefined if it is not a whole, valid header. */
function declaredSize(head: Uint8Array): { shape: number[]; dtype: IdxDtype; bytes: number } | undefined {
  if (head.length < HEADER_BYTES || head[0] !== 0 || head[1] !== 0) return undefined;
  const dtype = DTYPE_BY_CODE.get(head[2]!);
  const dataStart = HEADER_BYTES + 4 * head[3]!;
  if (dtype === undefined || head.length < dataStart) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const shape = Array.from({ length: head[3]! }, (_, i) => view.getUint32(HEADER_BYTES + 4 * i, false));
  const count = safeProduct(shape);
  return count === undefined ? undefined : { shape, dtype, bytes: dataStart + count * DTYPES[dtype].size };
}

/**
 * Inflates a gzipped IDX file within the size its header declares: the header is inflated
 * first (a few hundred bytes at most), then the whole stream with that size, plus a little, as
 * the limit. A stream that would go on past it is stopped there, so a bomb costs at most the
 * declared size in memory, never what it would expand to.
 */
function decompress(bytes: Uint8Array, options: ParseIdxOptions): Uint8Array {
  if (options.gunzip) {
    try {
      return options.gunzip(bytes);
    } catch (e) {
      throw new IdxFormatError(
        `IDX: gzip stream starting at byte offset 0 could not be decompressed by options.gunzip: ${errText(e)}`,
        0,
      );
    }
  }
  const limit = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED;
  const corrupt = (e: unknown): IdxFormatError =>
    new IdxFormatError(`IDX: gzip stream starting at byte offset 0 (${bytes.length} bytes) is corrupt or truncated: ${errText(e)}`, 0);
  let head: Uint8Array;
  try {
    // Two steps, each inflating exactly what it needs: the rank, then the dimension sizes.
    head = gunzip(bytes, 2 ** 53, HEADER_BYTES);
    if (head.length === HEADER_BYTES) head = gunzip(bytes, 2 ** 53, HEADER_BYTES + 4 * head[3]!);
  } catch (e) {
    if (e instanceof RangeError) throw tooLarge(`more than ${limit} bytes`, limit);
    throw corrupt(e);
  }
  const declared = declaredSize(head);
  // A header that is broken, or a stream that ends inside it: the prefix already holds
  // everything parseIdx needs to say what is wrong.
  if (declared === undefined) return head;
  const what = `the header declares ${shapeStr(declared.shape)} ${declared.dtype}, ${declared.bytes} bytes with the header`;
  if (declared.bytes > limit) throw tooLarge(`${declared.bytes} bytes, more than ${limit} bytes (options.maxDecompressedBytes)`, limit);
  if (declared.bytes > DEFLATE_MAX_RATIO * bytes.length + INFLATE_SLACK) {
    throw new IdxFormatError(
      `IDX: data truncated: ${what}, but the gzip stream ends at byte offset ${bytes.length}, and ${bytes.length} ` +
        `compressed bytes inflate to at most ${DEFLATE_MAX_RATIO * bytes.length} (deflate's best ratio is ${DEFLATE_MAX_RATIO}:1)`,
      bytes.length,
    );
  }
  const bound = declared.bytes + INFLATE_SLACK;
  const bomb = (): IdxFormatError =>
    new IdxFormatError(
      `IDX: ${what}, but the gzip stream tried to inflate to more than ${bound} bytes and was stopped there ` +
        `(compressed ${bytes.length} bytes); the file is corrupt or a decompression bomb`,
      bound,
    );
  const zlib = builtinZlib();
  if (zlib === undefined) {
    try {
      return gunzip(bytes, bound);
    } catch (e) {
      throw e instanceof RangeError ? bomb() : corrupt(e);
    }
  }
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: bound });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") throw bomb();
    if (code === "Z_BUF_ERROR" && zlib.constants?.Z_SYNC_FLUSH !== undefined) {
      // The stream stops before its end: inflate what there is to say how far it got.
      const got = zlib.gunzipSync(bytes, { maxOutputLength: bound, finishFlush: zlib.constants.Z_SYNC_FLUSH }).length;
      throw new IdxFormatError(
        `IDX: data truncated: ${what}, but the gzip stream ends at byte offset ${bytes.length} before its end, ` +
          `after inflating to ${got} bytes (the decompressed stream stops at byte offset ${got})`,
        got,
      );
    }
    throw corrupt(e);
  }
}

function tooLarge(size: string, limit: number): IdxFormatError {
  return new IdxFormatError(
    `IDX: gzip stream starting at byte offset 0 decompresses to ${size}; raise options.maxDecompressedBytes if the file is genuinely that large`,
    limit,
  );
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Decodes an IDX file (optionally gzip-compressed) into a typed array and shape.
 *
 * A dimension count of 0 is accepted and means a scalar: `shape` is `[]` and
 * `values` holds exactly one element, matching the convention that an empty
 * product is 1. Dimensions of size 0 are allowed and give an empty array.
 *
 * All lengths are checked against the bytes actually present before anything
 * is allocated, so a header claiming billions of elements in a tiny file fails
 * immediately instead of attempting a huge allocation.
 *
 * @param input - The file contents. Buffers and subarrays with a non-zero
 *   `byteOffset` are handled; the input is never modified or aliased.
 * @param options - Gzip decompressor and size limit, see {@link ParseIdxOptions}.
 * @returns The element type, shape and a fresh typed array of the elements.
 * @throws {@link IdxFormatError} (an `Error`) whose message gives the byte offset
 *   and what was expected, when: the input is shorter than the 4-byte header;
 *   the first two bytes are not zero; the type code is unknown; the dimension
 *   list is truncated; the element count exceeds 2^53; the data section is
 *   shorter or longer than the shape requires; or a gzip stream is corrupt,
 *   too large, or cannot be decompressed in this environment.
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * const { dtype, shape, values } = parseIdx(readFileSync("train-images-idx3-ubyte.gz"));
 * // dtype "uint8", shape [60000, 28, 28], values.length 47040000
 * ```
 */
export function parseIdx(input: Uint8Array | ArrayBuffer, options: ParseIdxOptions = {}): IdxData {
  checkOptionNames("parseIdx", options, IDX_OPTIONS);
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) {
    const what = typeof input === "string" ? `the string ${JSON.stringify(input)} (read the file first, e.g. fs.readFileSync(path))` : input === null ? "null" : typeof input;
    throw new IdxFormatError(`IDX: expected the file's bytes as a Uint8Array or ArrayBuffer, got ${what}`, 0);
  }
  let bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const gzipped = isGzip(bytes);
  if (gzipped) bytes = decompress(bytes, options);
  const where = gzipped ? " of the decompressed stream" : "";

  if (bytes.length < HEADER_BYTES) {
    throw new IdxFormatError(
      `IDX: input is ${bytes.length} bytes long${gzipped ? " after decompression" : ""}, shorter than ` +
        "the 4-byte header (0x00 0x00, type code, dimension count) that starts at byte offset 0",
      bytes.length,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(
      `IDX: bad magic at byte offset 0${where}: expected 0x00 0x00, found ${hex(bytes[0]!)} ${hex(bytes[1]!)}`,
      0,
    );
  }
  const code = bytes[2]!;
  const dtype = DTYPE_BY_CODE.get(code);
  if (dtype === undefined) {
    throw new IdxFormatError(
      `IDX: unknown element type code ${hex(code)} at byte offset 2${where}; known codes: ${KNOWN_CODES}`,
      2,
    );
  }
  const rank = bytes[3]!;
  const dataStart = HEADER_BYTES + 4 * rank;
  if (bytes.length < dataStart) {
    const complete = Math.floor((bytes.length - HEADER_BYTES) / 4);
    throw new IdxFormatError(
      `IDX: dimension list truncated: byte 3 declares ${rank} dimensions, so sizes occupy byte offsets ` +
        `4..${dataStart - 1}${where}, but the input ends at byte offset ${bytes.length} ` +
        `(only ${complete} complete dimension size${complete === 1 ? "" : "s"}; dimension ${complete} ` +
        `starts at byte offset ${HEADER_BYTES + 4 * complete})`,
      HEADER_BYTES + 4 * complete,
    );
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(HEADER_BYTES + 4 * i, false));

  const count = safeProduct(shape);
  if (count === undefined) {
    throw new IdxFormatError(
      `IDX: shape ${shapeStr(shape)} declared at byte offset 4${where} has more than 2^53 elements; ` +
        "no real file can hold that",
      HEADER_BYTES,
    );
  }
  const elemSize = DTYPES[dtype].size;
  const present = bytes.length - dataStart;
  // count * elemSize may lose precision past 2^53, but then it is far above
  // any real byte length, which is all the comparison needs.
  const expected = count * elemSize;
  if (expected !== present) {
    const detail =
      `shape ${shapeStr(shape)} of ${dtype} (${elemSize} byte${elemSize === 1 ? "" : "s"} each) needs ` +
      `${expected} data bytes starting at byte offset ${dataStart}${where}, but ${present} bytes are present`;
    if (present < expected) {
      throw new IdxFormatError(
        `IDX: data truncated: ${detail} (input is ${bytes.length} bytes, expected ${dataStart + expected})`,
        bytes.length,
      );
    }
    throw new IdxFormatError(
      `IDX: ${present - expected} unexpected trailing bytes from byte offset ${dataStart + expected}: ${detail}`,
      dataStart + expected,
    );
  }

  return { dtype, shape, values: readValues(dtype, view, bytes, dataStart, count) } as IdxData;
}

function readValues(
  dtype: IdxDtype,
  view: DataView,
  bytes: Uint8Array,
  start: number,
  n: number,
): IdxArrayMap[IdxDtype] {
  switch (dtype) {
    case "uint8": {
      // Copy rather than subarray so callers may mutate the result freely.
      const out = new Uint8Array(n);
      out.set(bytes.subarray(start, start + n));
      return out;
    }
    case "int8": {
      const out = new Int8Array(n);
      out.set(new Int8Array(bytes.buffer, bytes.byteOffset + start, n));
      return out;
    }
    case "int16": {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(start + 2 * i, false);
      return out;
    }
    case "int32": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(start + 4 * i, false);
      return out;
    }
    case "float32": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(start + 4 * i, false);
      return out;
    }
    case "float64": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(start + 8 * i, false);
      return out;
    }
  }
}

const INT_RANGE: Partial<Record<IdxDtype, readonly [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/**
 * Encodes values as an uncompressed IDX file (the inverse of {@link parseIdx}).
 *
 * Integer types are checked rather than silently wrapped, so a value that does
 * not fit is reported instead of being written as a different number. Float
 * types accept any number, including NaN and infinities (float32 rounds).
 *
 * @param values - Elements in row-major order; a typed array or plain array.
 * @param shape - Dimension sizes, at most 255 of them, each an integer in
 *   [0, 2^32 - 1]; `[]` writes a scalar (one element).
 * @param dtype - Element type to store.
 * @returns The encoded bytes: 4 header bytes, 4 per dimension, then the data.
 * @throws Error if `dtype` is unknown, the shape is invalid, `values.length`
 *   differs from the product of `shape`, or an integer-typed value is not an
 *   integer in range (the message names the index and value).
 * @example
 * ```ts
 * const bytes = encodeIdx(new Int16Array([1, -2]), [2], "int16");
 * // bytes: 00 00 0b 01 | 00 00 00 02 | 00 01 ff fe
 * ```
 */
export function encodeIdx(values: ArrayLike<number>, shape: readonly number[], dtype: IdxDtype): Uint8Array {
  const info = (DTYPES as Record<string, DtypeInfo | undefined>)[dtype];
  if (info === undefined) {
    throw new Error(`encodeIdx: unknown dtype "${String(dtype)}"; expected one of ${Object.keys(DTYPES).join(", ")}`);
  }
  if (shape.length > MAX_RANK) {
    throw new Error(`encodeIdx: shape has ${shape.length} dimensions; IDX stores at most ${MAX_RANK}`);
  }
  shape.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0 || d > MAX_DIM) {
      throw new Error(`encodeIdx: shape[${i}] = ${d} is not an integer in [0, ${MAX_DIM}]`);
    }
  });
  const count = safeProduct(shape);
  if (count !== values.length) {
    throw new Error(
      `encodeIdx: shape ${shapeStr(shape)} needs ${count ?? "more than 2^53"} values, got ${values.length}`,
    );
  }
  const range = INT_RANGE[dtype];
  if (range) {
    for (let i = 0; i < count; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
        throw new Error(`encodeIdx: values[${i}] = ${v} is not a ${dtype} (integer in [${range[0]}, ${range[1]}])`);
      }
    }
  }

  const dataStart = HEADER_BYTES + 4 * shape.length;
  const out = new Uint8Array(dataStart + count * info.size);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(HEADER_BYTES + 4 * i, d, false));
  const s = info.size;
  switch (dtype) {
    case "uint8":
    case "int8":
      // Masking maps int8 -1 to 0xff; the range check above already ran.
      for (let i = 0; i < count; i++) out[dataStart + i] = values[i]! & 0xff;
      break;
    case "int16":
      for (let i = 0; i < count; i++) view.setInt16(dataStart + s * i, values[i]!, false);
      break;
    case "int32":
      for (let i = 0; i < count; i++) view.setInt32(dataStart + s * i, values[i]!, false);
      break;
    case "float32":
      for (let i = 0; i < count; i++) view.setFloat32(dataStart + s * i, values[i]!, false);
      break;
    case "float64":
      for (let i = 0; i < count; i++) view.setFloat64(dataStart + s * i, values[i]!, false);
      break;
  }
  return out;
}
