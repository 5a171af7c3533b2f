import { constants, deflateRawSync, gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import seedrandom from "seedrandom";
import { digitImagesIdxGz } from "../../src/data/mnist-digits.generated.js";
import { gunzip } from "../../src/util/gunzip.js";

/** Bytes with long runs and repeats (like images) mixed with noise, so every block type and code shows up. */
function sample(n: number, seed: string): Uint8Array {
  const rng = seedrandom(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n;) {
    const kind = rng();
    const run = 1 + Math.floor(rng() * 300);
    for (let k = 0; k < run && i < n; k++, i++) out[i] = kind < 0.4 ? 0 : kind < 0.7 ? Math.floor(rng() * 256) : out[Math.max(0, i - 1 - Math.floor(rng() * 5000))];
  }
  return out;
}

describe("gunzip", () => {
  it("matches zlib's output at every level and strategy, stored, fixed and dynamic blocks alike", () => {
    for (const [n, level, strategy] of [
      [0, 6, constants.Z_DEFAULT_STRATEGY], [1, 6, constants.Z_DEFAULT_STRATEGY], [70_000, 0, constants.Z_DEFAULT_STRATEGY],
      [200_000, 1, constants.Z_DEFAULT_STRATEGY], [300_000, 9, constants.Z_DEFAULT_STRATEGY],
      [100_000, 6, constants.Z_FIXED], [100_000, 6, constants.Z_HUFFMAN_ONLY], [100_000, 6, constants.Z_RLE],
    ] as const) {
      const data = sample(n, `gz-${n}-${level}-${strategy}`);
      const out = gunzip(gzipSync(data, { level, strategy }));
      expect(out.length).toBe(n);
      expect(Buffer.from(out).equals(Buffer.from(data))).toBe(true);
    }
  });

  it("decodes the bundled digits as zlib does (what a browser runs)", () => {
    const gz = Buffer.from(digitImagesIdxGz, "base64");
    expect(Buffer.from(gunzip(gz)).equals(gunzipSync(gz))).toBe(true);
  });

  it("reads concatenated members and header fields (a file name)", () => {
    const a = sample(1000, "a");
    const b = sample(2000, "b");
    const named = Buffer.from(gzipSync(a));
    // Set FNAME and splice "x.idx\0" after the 10-byte header: what `gzip x.idx` writes.
    const withName = Buffer.concat([named.subarray(0, 3), Buffer.from([named[3]! | 8]), named.subarray(4, 10), Buffer.from("x.idx\0"), named.subarray(10)]);
    const out = gunzip(Buffer.concat([withName, gzipSync(b)]));
    expect(Buffer.from(out).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it("says what is wrong with damaged input", () => {
    const gz = Buffer.from(gzipSync(sample(5000, "c")));
    expect(() => gunzip(gz.subarray(0, gz.length - 20))).toThrow(/gunzip: .*truncated/);
    const flipped = Buffer.from(gz);
    flipped[gz.length - 8]! ^= 1;
    expect(() => gunzip(flipped)).toThrow(/CRC-32 mismatch/);
    expect(() => gunzip(deflateRawSync(Buffer.from("abc")))).toThrow(/no gzip header \(1f 8b\) at byte offset 0/);
    expect(() => gunzip(gzipSync(new Uint8Array(10_000)), 1000)).toThrow(RangeError);
  });
});
