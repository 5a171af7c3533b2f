import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { parseIdx, encodeIdx } from "../../src/data/idx.js";
import { gunzip } from "../../src/util/gunzip.js";

const MiB = 1 << 20;
/** An IDX header declaring MNIST's training images, [60000, 28, 28] uint8: 47,040,016 bytes in all. */
const header = encodeIdx(new Uint8Array(0), [0, 28, 28], "uint8");
new DataView(header.buffer).setUint32(4, 60000, false);
const DECLARED = 16 + 60000 * 784;

/** `members` gzip members of 1 MiB of zeros each, the first starting with the header: gzip readers concatenate members. */
function bomb(members: number): Buffer {
  const first = new Uint8Array(MiB);
  first.set(header);
  const zeros = gzipSync(new Uint8Array(MiB), { level: 9 });
  return Buffer.concat([gzipSync(first, { level: 9 }), ...new Array<Buffer>(members - 1).fill(zeros)]);
}

function growth(f: () => void): { rss: number; arrayBuffers: number } {
  const before = process.memoryUsage();
  f();
  const after = process.memoryUsage();
  return { rss: after.rss - before.rss, arrayBuffers: after.arrayBuffers - before.arrayBuffers };
}

describe("gzip bombs are stopped at the size the IDX header declares", () => {
  it("a 4 MB gzip that inflates to 4 GiB, declaring 47 MB, is refused within ~declared bytes of memory", () => {
    const gz = bomb(4096);
    expect(gz.length).toBeLessThan(4.5 * MiB);
    let message = "";
    const grew = growth(() => {
      try {
        parseIdx(gz);
      } catch (e) {
        message = (e as Error).message;
      }
    });
    console.log(`4 GiB bomb (${gz.length} bytes gzipped): rss +${(grew.rss / MiB).toFixed(1)} MiB, arrayBuffers +${(grew.arrayBuffers / MiB).toFixed(1)} MiB`);
    expect(message).toMatch(/header declares \[60000, 28, 28\] uint8, 47040016 bytes/);
    expect(message).toMatch(/tried to inflate to more than 47105552 bytes and was stopped there/);
    expect(grew.arrayBuffers).toBeLessThan(DECLARED + 16 * MiB);
    expect(grew.rss).toBeLessThan(DECLARED + 24 * MiB);
  });

  it("gradtape's own gunzip (the browser path) stops at its bound too", () => {
    const gz = bomb(200);
    let message = "";
    const grew = growth(() => {
      try {
        gunzip(gz, DECLARED);
      } catch (e) {
        message = (e as Error).message;
      }
    });
    console.log(`200 MiB bomb through own gunzip: arrayBuffers +${(grew.arrayBuffers / MiB).toFixed(1)} MiB`);
    expect(message).toMatch(/output exceeds 47040016 bytes; stopped after/);
    expect(grew.arrayBuffers).toBeLessThan(2 * DECLARED + 8 * MiB);
  });

  it("a header declaring more than the limit is refused before inflating", () => {
    const gz = gzipSync(encodeIdx(new Uint8Array(5000), [5000], "uint8"));
    expect(() => parseIdx(gz, { maxDecompressedBytes: 1000 })).toThrow(/decompresses to 5008 bytes, more than 1000 bytes/);
  });

  it("a truncated gzip is refused naming the byte offsets", () => {
    const full = gzipSync(encodeIdx(Uint8Array.from({ length: 20000 }, (_, i) => (i * 7919) % 251), [20000], "uint8"));
    const cut = full.subarray(0, Math.floor(full.length / 2));
    expect(() => parseIdx(cut)).toThrow(new RegExp(`data truncated: the header declares \\[20000\\] uint8, 20008 bytes with the header, but the gzip stream ends at byte offset ${cut.length} before its end, after inflating to \\d+ bytes`));
    // Far too short to hold what the header declares, by deflate's best ratio.
    const claim = encodeIdx(new Uint8Array(0), [0], "uint8");
    new DataView(claim.buffer).setUint32(4, 50 * MiB, false);
    expect(() => parseIdx(gzipSync(claim))).toThrow(/ends at byte offset \d+, and \d+ compressed bytes inflate to at most \d+/);
  });
});

describe("loadMnist with a gzip bomb", () => {
  it("a 0.9 MB gzip declaring 47 MB that inflates to 900 MiB is refused, naming the file, within ~60 MB", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { loadMnist } = await import("../../src/data/mnist.js");
    const dir = mkdtempSync(join(tmpdir(), "gt-bomb-"));
    try {
      const gz = bomb(900);
      expect(gz.length).toBeLessThan(1 * MiB);
      writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), gz);
      let message = "";
      const grew = growth(() => {
        try {
          loadMnist({ dir });
        } catch (e) {
          message = (e as Error).message;
        }
      });
      console.log(`loadMnist, 900 MiB bomb (${gz.length} bytes): rss +${(grew.rss / MiB).toFixed(1)} MiB, arrayBuffers +${(grew.arrayBuffers / MiB).toFixed(1)} MiB`);
      expect(message).toContain(`loadMnist: ${join(dir, "train-images-idx3-ubyte.gz")}: IDX: the header declares [60000, 28, 28] uint8, 47040016 bytes`);
      expect(message).toMatch(/tried to inflate to more than 47105552 bytes/);
      expect(grew.rss).toBeLessThan(60 * 1e6);
      expect(grew.arrayBuffers).toBeLessThan(60 * 1e6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
