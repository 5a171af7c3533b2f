// The PNG writer and the image grid: a PNG that zlib and the CRCs accept and whose pixels read
// back, an SVG that embeds one image per cell with its caption, and errors for bad images.
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { crc32 } from "../../src/io/crc32.js";

function chunks(png: Uint8Array): { type: string; data: Uint8Array; crcOk: boolean }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out = [];
  for (let o = 8; o < png.length;) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const data = png.subarray(o + 8, o + 8 + len);
    out.push({ type, data, crcOk: view.getUint32(o + 8 + len) === crc32(png.subarray(o + 4, o + 8 + len)) });
    o += 12 + len;
  }
  return out;
}

describe("plot.grayscalePng", () => {
  it("writes the signature, IHDR, an IDAT that inflates to the filtered rows, IEND, all CRCs right", () => {
    const pixels = Uint8Array.from({ length: 7 * 5 }, (_, i) => (i * 37) % 256);
    const png = gt.plot.grayscalePng(pixels, 7, 5);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const cs = chunks(png);
    expect(cs.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"]);
    expect(cs.every((c) => c.crcOk)).toBe(true);
    const ihdr = new DataView(cs[0].data.buffer, cs[0].data.byteOffset);
    expect([ihdr.getUint32(0), ihdr.getUint32(4), cs[0].data[8], cs[0].data[9]]).toEqual([7, 5, 8, 0]);
    const raw = inflateSync(cs[1].data); // also checks the Adler-32
    for (let y = 0; y < 5; y++) {
      expect(raw[y * 8]).toBe(0);
      expect(Array.from(raw.subarray(y * 8 + 1, y * 8 + 8))).toEqual(Array.from(pixels.subarray(y * 7, y * 7 + 7)));
    }
  });
  it("splits rows over several stored blocks when they exceed 65535 bytes", () => {
    const pixels = Uint8Array.from({ length: 300 * 300 }, (_, i) => i % 251);
    const idat = chunks(gt.plot.grayscalePng(pixels, 300, 300))[1].data;
    expect(inflateSync(idat).length).toBe(300 * 301);
  });
  it("names a size that does not match the pixels", () => {
    expect(() => gt.plot.grayscalePng(new Uint8Array(10), 3, 3)).toThrow(/grayscalePng: expected 3×3 = 9 pixels, got 10/);
  });
});

describe("plot.imageGrid", () => {
  it("embeds one PNG per image, scaled to its own range, with captions, as well-formed SVG", () => {
    const svg = gt.plot.imageGrid({
      title: "maps & digits",
      images: [{ values: [0, 1, 2, 3], label: "a<b" }, { values: [5, 5, 5, 5], label: "flat" }, { values: new Array(9).fill(0).map((_, i) => i), width: 3, height: 3 }],
      width: 2, height: 2, columns: 2,
    });
    expect(svg).toMatch(/^<\?xml[\s\S]*<\/svg>\n$/);
    const hrefs = [...svg.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) => Uint8Array.from(Buffer.from(m[1], "base64")));
    expect(hrefs.length).toBe(3);
    const pixelsOf = (png: Uint8Array, w: number) => {
      const raw = inflateSync(chunks(png)[1].data);
      return Array.from(raw).filter((_, i) => i % (w + 1) !== 0);
    };
    expect(pixelsOf(hrefs[0], 2)).toEqual([0, 85, 170, 255]);
    expect(pixelsOf(hrefs[1], 2)).toEqual([0, 0, 0, 0]);
    expect(pixelsOf(hrefs[2], 3)).toEqual([0, 32, 64, 96, 128, 159, 191, 223, 255]);
    expect(svg).toContain("a&lt;b");
    expect(svg).toContain("maps &amp; digits");
  });
  it("names an image of the wrong size or with a non-finite value", () => {
    expect(() => gt.plot.imageGrid({ images: [{ values: [1, 2, 3] }], width: 2, height: 2 })).toThrow(/imageGrid: image 0 has 3 values, expected 4/);
    expect(() => gt.plot.imageGrid({ images: [{ values: [1, NaN, 3, 4] }], width: 2, height: 2 })).toThrow(/imageGrid: image 0 has a non-finite value NaN at 1/);
    expect(() => gt.plot.imageGrid({ images: [], width: 2, height: 2 })).toThrow(/imageGrid: images must be a non-empty array/);
  });
});
