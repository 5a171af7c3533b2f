/**
 * CRC-32 (IEEE 802.3, the checksum of gzip, zip and PNG), which guards saved weights and
 * manifests against torn writes and flipped bits.
 * @module
 */

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * @internal The CRC-32 of `bytes` as an unsigned 32-bit integer: `crc32(utf8("123456789"))` is
 * `0xcbf43926`, the standard check value.
 */
export function crc32(bytes: Uint8Array): number {
  const t = crcTable();
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** @internal `"crc32:"` and eight lowercase hex digits: how manifests store a checksum. */
export function crc32Tag(bytes: Uint8Array): string {
  return `crc32:${crc32(bytes).toString(16).padStart(8, "0")}`;
}
