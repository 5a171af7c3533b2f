import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodeIdx, IdxFormatError, parseIdx, type IdxDtype } from "../../src/data/idx.js";

const SAMPLES: Record<IdxDtype, number[]> = {
  uint8: [0, 1, 127, 128, 254, 255],
  int8: [-128, -1, 0, 1, 100, 127],
  int16: [-32768, -2, 0, 258, 1000, 32767],
  int32: [-2147483648, -65536, 0, 16909060, 7, 2147483647],
  float32: [0, -1.5, 3.25, Math.fround(1e-20), Infinity, Math.fround(Math.PI)],
  float64: [0, -1.5, Math.PI, 1e-300, -Infinity, Number.MAX_VALUE],
};

const ARRAY_TYPE: Record<IdxDtype, Function> = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** Builds raw bytes by hand so malformed files can be described byte by byte. */
function bytes(...parts: number[]): Uint8Array {
  return Uint8Array.from(parts);
}

function expectIdxError(input: Uint8Array, ...fragments: (string | RegExp)[]): IdxFormatError {
  let caught: unknown;
  try {
    parseIdx(input);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(IdxFormatError);
  expect(caught).toBeInstanceOf(Error);
  const message = (caught as Error).message;
  for (const f of fragments) expect(message).toMatch(f);
  return caught as IdxFormatError;
}

describe("parseIdx / encodeIdx round trip", () => {
  for (const dtype of Object.keys(SAMPLES) as IdxDtype[]) {
    for (const gz of [false, true]) {
      it(`${dtype}${gz ? " (gzipped)" : ""}, shape [2, 3]`, () => {
        const values = SAMPLES[dtype];
        let file = encodeIdx(values, [2, 3], dtype);
        if (gz) file = gzipSync(file);
        const out = parseIdx(file);
        expect(out.dtype).toBe(dtype);
        expect(out.shape).toEqual([2, 3]);
        expect(out.values).toBeInstanceOf(ARRAY_TYPE[dtype]);
        expect(Array.from(out.values)).toEqual(values);
      });
    }
  }

  it("preserves NaN in float types", () => {
    const out = parseIdx(encodeIdx([NaN, 1], [2], "float64"));
    expect(Number.isNaN(out.values[0])).toBe(true);
  });

  it("handles higher rank and an MNIST-like image header", () => {
    const values = Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 256);
    const out = parseIdx(encodeIdx(values, [2, 28, 28], "uint8"));
    expect(out.shape).toEqual([2, 28, 28]);
    expect(out.values.length).toBe(1568);
    expect(out.values[1567]).toBe(1567 % 256);
  });

  it("treats a 0-dimensional file as a scalar with one element", () => {
    const file = encodeIdx([-7], [], "int32");
    expect(Array.from(file)).toEqual([0, 0, 0x0c, 0, 0xff, 0xff, 0xff, 0xf9]);
    const out = parseIdx(file);
    expect(out.shape).toEqual([]);
    expect(Array.from(out.values)).toEqual([-7]);
  });

  it("accepts zero-sized dimensions", () => {
    const out = parseIdx(encodeIdx([], [3, 0], "float32"));
    expect(out.shape).toEqual([3, 0]);
    expect(out.values.length).toBe(0);
  });

  it("accepts an ArrayBuffer, and a subarray at an odd byte offset", () => {
    const file = encodeIdx([1, -2, 3], [3], "float64");
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    const view = padded.subarray(3);
    expect(Array.from(parseIdx(view).values)).toEqual([1, -2, 3]);
    expect(Array.from(parseIdx(file.slice().buffer).values)).toEqual([1, -2, 3]);
  });

  it("returns values that do not alias the input", () => {
    const file = encodeIdx([1, 2, 3], [3], "uint8");
    const out = parseIdx(file);
    out.values[0] = 99;
    expect(file[8]).toBe(1);
  });
});

describe("big-endian layout, checked against bytes written by hand", () => {
  it("decodes int16 and int32", () => {
    const i16 = bytes(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe);
    expect(Array.from(parseIdx(i16).values)).toEqual([0x0102, -2]);
    const i32 = bytes(0, 0, 0x0c, 1, 0, 0, 0, 1, 0x01, 0x02, 0x03, 0x04);
    expect(Array.from(parseIdx(i32).values)).toEqual([0x01020304]);
  });

  it("decodes float32 and float64", () => {
    // 1.0f = 3f 80 00 00, -2.5 (double) = c0 04 00 00 00 00 00 00
    const f32 = bytes(0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0);
    expect(Array.from(parseIdx(f32).values)).toEqual([1]);
    const f64 = bytes(0, 0, 0x0e, 1, 0, 0, 0, 1, 0xc0, 0x04, 0, 0, 0, 0, 0, 0);
    expect(Array.from(parseIdx(f64).values)).toEqual([-2.5]);
  });

  it("reads dimension sizes as big-endian uint32", () => {
    // dims [258, 1]: 00 00 01 02 | 00 00 00 01
    const file = new Uint8Array(12 + 258);
    file.set([0, 0, 0x08, 2, 0, 0, 1, 2, 0, 0, 0, 1]);
    expect(parseIdx(file).shape).toEqual([258, 1]);
  });

  it("encodes the same bytes", () => {
    expect(Array.from(encodeIdx(new Int16Array([0x0102, -2]), [2], "int16"))).toEqual([
      0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe,
    ]);
    expect(Array.from(encodeIdx([1], [1], "float32"))).toEqual([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0]);
  });
});

describe("malformed files", () => {
  it("rejects input shorter than the 4-byte header", () => {
    const err = expectIdxError(bytes(0, 0, 8), /3 bytes long/, /4-byte header/);
    expect(err.offset).toBe(3);
    expectIdxError(bytes(), /0 bytes long/);
  });

  it("rejects a wrong magic, naming offset and bytes found", () => {
    const err = expectIdxError(bytes(0x12, 0x34, 8, 1, 0, 0, 0, 0), /byte offset 0/, /expected 0x00 0x00/, /found 0x12 0x34/);
    expect(err.offset).toBe(0);
  });

  it("rejects an unknown type code, listing known ones", () => {
    const err = expectIdxError(
      bytes(0, 0, 0x0a, 1, 0, 0, 0, 0),
      /unknown element type code 0x0a at byte offset 2/,
      /0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64/,
    );
    expect(err.offset).toBe(2);
  });

  it("rejects a truncated dimension list", () => {
    // 3 dims declared, only 1.5 sizes present (10 bytes total)
    const err = expectIdxError(
      bytes(0, 0, 8, 3, 0, 0, 0, 1, 0, 0),
      /declares 3 dimensions/,
      /byte offsets 4\.\.15/,
      /ends at byte offset 10/,
      /dimension 1 starts at byte offset 8/,
    );
    expect(err.offset).toBe(8);
  });

  it("rejects truncated data with expected vs present bytes and data offset", () => {
    // int16 [2, 3] needs 12 data bytes from offset 12; give 10
    const full = encodeIdx([1, 2, 3, 4, 5, 6], [2, 3], "int16");
    const err = expectIdxError(
      full.subarray(0, full.length - 2),
      /data truncated/,
      /shape \[2, 3\] of int16/,
      /needs 12 data bytes starting at byte offset 12/,
      /but 10 bytes are present/,
    );
    expect(err.offset).toBe(22);
  });

  it("rejects trailing extra bytes", () => {
    const full = encodeIdx([1, 2, 3], [3], "uint8");
    const longer = new Uint8Array(full.length + 3);
    longer.set(full);
    const err = expectIdxError(longer, /3 unexpected trailing bytes from byte offset 11/, /needs 3 data bytes/, /6 bytes are present/);
    expect(err.offset).toBe(11);
  });

  it("rejects a header claiming 2^31 items in a 20-byte file quickly, without allocating", () => {
    const file = new Uint8Array(20);
    file.set([0, 0, 0x08, 1, 0x80, 0, 0, 0]); // uint8, shape [2^31]
    const heapBefore = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    expectIdxError(file, /needs 2147483648 data bytes starting at byte offset 8/, /but 12 bytes are present/);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(1 << 20);
  });

  it("same for float64 [2^16, 2^15]: 16 GiB claimed by a 20-byte file", () => {
    const file = bytes(0, 0, 0x0e, 2, 0, 1, 0, 0, 0, 0, 0x80, 0, 1, 2, 3, 4, 5, 6, 7, 8);
    expectIdxError(file, /data truncated/, /needs 17179869184 data bytes/, /8 bytes are present/);
  });

  it("rejects element counts beyond 2^53 instead of computing a wrong product", () => {
    // shape [2^32-1, 2^32-1]: ~1.8e19 elements
    const file = bytes(0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 9, 9);
    expectIdxError(file, /more than 2\^53 elements/, /byte offset 4/);
  });

  it("a zero dimension wins over an overflowing prefix", () => {
    const file = bytes(0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);
    expect(parseIdx(file).values.length).toBe(0);
  });

  it("reports a corrupt gzip stream", () => {
    const gz = gzipSync(encodeIdx(new Array(1000).fill(7), [1000], "uint8"));
    expectIdxError(gz.subarray(0, 12), /gzip stream starting at byte offset 0/, /corrupt or truncated/);
    const flipped = Uint8Array.from(gz);
    flipped[12] = flipped[12]! ^ 0xff;
    expectIdxError(flipped, /gzip/, /corrupt or truncated/);
  });

  it("errors inside a gzipped file say the offset is in the decompressed stream", () => {
    expectIdxError(gzipSync(bytes(0, 0, 0x0a, 0)), /byte offset 2 of the decompressed stream/);
  });

  it("caps decompressed size", () => {
    // The header is read first, so the bomb needs a valid one to get as far as the limit.
    const bomb = gzipSync(encodeIdx(new Uint8Array(1 << 20), [1 << 20], "uint8"));
    expect(() => parseIdx(bomb, { maxDecompressedBytes: 1000 })).toThrow(/more than 1000 bytes/);
  });

  it("uses an injected gunzip, and its own where there is no zlib (a browser)", () => {
    const file = encodeIdx([5, 6], [2], "uint8");
    const gz = gzipSync(file);
    let called = 0;
    const out = parseIdx(gz, {
      gunzip: () => {
        called++;
        return file;
      },
    });
    expect(called).toBe(1);
    expect(Array.from(out.values)).toEqual([5, 6]);

    // Simulate a browser: no process.getBuiltinModule.
    const proc = globalThis.process as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      expect(Array.from(parseIdx(gz).values)).toEqual([5, 6]);
      expect(() => parseIdx(gzipSync(encodeIdx(new Uint8Array(1 << 16), [1 << 16], "uint8")), { maxDecompressedBytes: 1000 })).toThrow(/more than 1000 bytes/);
      expect(() => parseIdx(gz.subarray(0, gz.length - 4))).toThrow(/gzip stream starting at byte offset 0 .* is corrupt or truncated: gunzip: /);
    } finally {
      proc.getBuiltinModule = saved;
    }
  });
});

describe("encodeIdx validation", () => {
  it("rejects values that do not fit the integer type", () => {
    expect(() => encodeIdx([1, 256], [2], "uint8")).toThrow(/values\[1\] = 256 is not a uint8/);
    expect(() => encodeIdx([0.5], [1], "int32")).toThrow(/values\[0\] = 0.5/);
    expect(() => encodeIdx([-129], [1], "int8")).toThrow(/int8/);
  });

  it("rejects a length / shape mismatch and bad shapes", () => {
    expect(() => encodeIdx([1, 2, 3], [2, 2], "uint8")).toThrow(/shape \[2, 2\] needs 4 values, got 3/);
    expect(() => encodeIdx([], [-1], "uint8")).toThrow(/shape\[0\] = -1/);
    expect(() => encodeIdx([], new Array(256).fill(0), "uint8")).toThrow(/at most 255/);
    expect(() => encodeIdx([], [0], "uint16" as IdxDtype)).toThrow(/unknown dtype "uint16"/);
  });
});
