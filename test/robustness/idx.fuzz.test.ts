// Fuzzing the IDX reader (fast-check, fixed seed): valid files of random dtypes and shapes, then
// truncated, with bytes flipped, with absurd dimensions or ranks, with bytes appended, or
// gzipped and then corrupted. Every case must end in a parsed file no bigger than its bytes or in
// an IdxFormatError with a message and an offset inside the input: never a hang, a crash, or an
// allocation the file's size cannot justify.
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeIdx, IdxFormatError, parseIdx, type IdxDtype } from "../../src/data/idx.js";

const IDX_CASES = 1000;
const ELEMENT_BYTES: Record<IdxDtype, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };
const RANGES: Record<IdxDtype, [number, number]> = { uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], int32: [-2e9, 2e9], float32: [-1e6, 1e6], float64: [-1e9, 1e9] };
const LIMIT = 1 << 20;

const validFile = fc
  .record({ dtype: fc.constantFrom<IdxDtype>("uint8", "int8", "int16", "int32", "float32", "float64"), shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }) })
  .map(({ dtype, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const [lo, hi] = RANGES[dtype];
    const values = Array.from({ length: n }, (_, i) => Math.round(lo + ((i * 7919) % 1000) * ((hi - lo) / 1000)));
    return encodeIdx(values, shape, dtype);
  });

type Corruption = (bytes: Uint8Array) => Uint8Array;
const corruption: fc.Arbitrary<[string, Corruption]> = fc.oneof(
  fc.nat().map((n): [string, Corruption] => ["truncate", (b) => b.slice(0, n % Math.max(1, b.length))]),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips): [string, Corruption] => [
    "flip bytes",
    (b) => {
      const out = b.slice();
      for (const [at, x] of flips) out[at % out.length] ^= x;
      return out;
    },
  ]),
  fc.tuple(fc.nat(), fc.constantFrom(0xffffffff, 0x80000000, 0x7fffffff, 0x10000, 1_000_000_000, 3)).map(([i, d]): [string, Corruption] => [
    "absurd dimension",
    (b) => {
      const out = b.slice();
      const rank = out[3];
      if (rank === 0) out[3] = 1;
      else new DataView(out.buffer).setUint32(4 + 4 * (i % rank), d, false);
      return out;
    },
  ]),
  fc.integer({ min: 0, max: 255 }).map((rank): [string, Corruption] => ["absurd rank", (b) => Uint8Array.from(b, (v, i) => (i === 3 ? rank : v))]),
  fc.uint8Array({ minLength: 1, maxLength: 16 }).map((extra): [string, Corruption] => [
    "append",
    (b) => {
      const out = new Uint8Array(b.length + extra.length);
      out.set(b);
      out.set(extra, b.length);
      return out;
    },
  ]),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean()).map(([at, x, cut]): [string, Corruption] => [
    "gzip, then corrupt",
    (b) => {
      const z = new Uint8Array(gzipSync(b));
      if (cut) return z.slice(0, Math.max(2, at % z.length));
      z[2 + (at % (z.length - 2))] ^= x;
      return z;
    },
  ]),
  fc.uint8Array({ maxLength: 64 }).map((junk): [string, Corruption] => ["random bytes", () => junk]),
);

describe("IDX fuzzing", () => {
  it(`every corrupted file ends in a bounded result or an IdxFormatError (${IDX_CASES} cases)`, () => {
    const kinds = new Map<string, { ok: number; errors: number }>();
    let slowest = 0;
    fc.assert(
      fc.property(validFile, corruption, (file, [kind, corrupt]) => {
        const bytes = corrupt(file);
        const tally = kinds.get(kind) ?? { ok: 0, errors: 0 };
        kinds.set(kind, tally);
        const started = performance.now();
        try {
          const { dtype, shape, values } = parseIdx(bytes, { maxDecompressedBytes: LIMIT });
          tally.ok++;
          expect(values.length).toBe(shape.reduce((a, b) => a * b, 1));
          // What was allocated is what the (decompressed) bytes hold.
          const budget = bytes[0] === 0x1f && bytes[1] === 0x8b ? LIMIT : bytes.length;
          expect(values.length * ELEMENT_BYTES[dtype]).toBeLessThanOrEqual(budget);
        } catch (e) {
          tally.errors++;
          expect(e).toBeInstanceOf(IdxFormatError);
          const err = e as IdxFormatError;
          expect(err.message).toMatch(/^IDX: .{20,}/);
          expect(Number.isInteger(err.offset) && err.offset >= 0).toBe(true);
        }
        slowest = Math.max(slowest, performance.now() - started);
      }),
      { seed: 6061, numRuns: IDX_CASES },
    );
    expect(slowest).toBeLessThan(1000);
    console.log(`IDX fuzz: ${IDX_CASES} cases, ${JSON.stringify(Object.fromEntries(kinds))}, slowest ${slowest.toFixed(1)} ms`);
  });
});
