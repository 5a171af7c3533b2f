/**
 * A minimal PNG writer for 8-bit grayscale images, so that SVG figures can carry pixel images
 * (feature maps, digits) as `data:` URIs without a compression library: the zlib stream uses
 * stored (uncompressed) blocks, which every PNG reader accepts. Works in Node and browsers.
 * @module
 */
import { describe } from "../tensor/tensor.js";
import { crc32 } from "../io/crc32.js";

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const STORED_MAX = 65535;

function u32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

function chunk(type: string, data: Uint8Array): number[] {
  const typed = new Uint8Array(4 + data.length);
  for (let i = 0; i < 4; i++) typed[i] = type.charCodeAt(i);
  typed.set(data, 4);
  return [...u32(data.length), ...typed, ...u32(crc32(typed))];
}

/** The zlib stream (RFC 1950) of `raw` in stored deflate blocks, with its Adler-32. */
function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / STORED_MAX));
  const out = new Uint8Array(2 + blocks * 5 + raw.length + 4);
  out[0] = 0x78; out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const part = raw.subarray(b * STORED_MAX, Math.min(raw.length, (b + 1) * STORED_MAX));
    out[o++] = b === blocks - 1 ? 1 : 0;
    out[o++] = part.length & 255; out[o++] = part.length >>> 8;
    out[o++] = ~part.length & 255; out[o++] = (~part.length >>> 8) & 255;
    out.set(part, o);
    o += part.length;
  }
  let a = 1, s = 0;
  for (const v of raw) {
    a = (a + v) % 65521;
    s = (s + a) % 65521;
  }
  out.set(u32(((s << 16) | a) >>> 0), o);
  return out;
}

/**
 * A grayscale PNG of `width × height` pixels, row-major, 0 = black, 255 = white.
 * @throws Error when the pixel count does not match the size.
 */
export function grayscalePng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  if (!(pixels instanceof Uint8Array)) throw new Error(`grayscalePng: pixels must be a Uint8Array of width × height bytes, got ${describe(pixels)}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || pixels.length !== width * height) {
    throw new Error(`grayscalePng: expected ${width}×${height} = ${width * height} pixels, got ${pixels.length}`);
  }
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1); // filter byte 0: none
  const header = new Uint8Array([...u32(width), ...u32(height), 8, 0, 0, 0, 0]);
  return new Uint8Array([...SIGNATURE, ...chunk("IHDR", header), ...chunk("IDAT", zlibStored(raw)), ...chunk("IEND", new Uint8Array(0))]);
}

/** Base64 of bytes, without Buffer (browsers) or btoa's string limits. */
export function base64(bytes: Uint8Array): string {
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += abc[(n >> 18) & 63] + abc[(n >> 12) & 63] + (i + 1 < bytes.length ? abc[(n >> 6) & 63] : "=") + (i + 2 < bytes.length ? abc[n & 63] : "=");
  }
  return out;
}
