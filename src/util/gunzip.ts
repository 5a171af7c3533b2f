/**
 * gunzip (RFC 1952) and inflate (RFC 1951) in plain TypeScript, for runtimes without Node's
 * `zlib`. A browser has `DecompressionStream`, but only asynchronously, and `loadMnist` and
 * `readIdx` are synchronous. The decoder follows zlib's `puff.c` design: canonical Huffman codes
 * decoded a bit at a time, which is short and fast enough for a few megabytes.
 * @module
 */
import { crc32 } from "../io/crc32.js";

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order in which a dynamic block lists the code lengths of its code-length code. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const MAX_BITS = 15;

/** A canonical Huffman code: how many codes have each length, and the symbols in code order. */
interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
}

function huffman(lengths: ArrayLike<number>, what: string): Huffman {
  const count = new Uint16Array(MAX_BITS + 1);
  for (let s = 0; s < lengths.length; s++) count[lengths[s]]++;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = (left << 1) - count[len];
    if (left < 0) throw new Error(`gunzip: the ${what} code has more codes than its lengths allow`);
  }
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len] + count[len];
  const symbol = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) if (lengths[s] !== 0) symbol[offsets[lengths[s]]++] = s;
  return { count, symbol };
}

const FIXED_LITERALS = huffman(Array.from({ length: 288 }, (_, s) => (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8)), "fixed literal/length");
const FIXED_DISTANCES = huffman(new Array<number>(30).fill(5), "fixed distance");

/** Thrown inside the inflater once `stopAt` bytes are out: the caller wanted only a prefix. */
const ENOUGH = Symbol("enough");

/**
 * Reads a raw deflate stream from `input[pos]` on, appending to `out` after its first `length`
 * bytes (earlier gzip members), so several members share one buffer instead of being copied
 * together at the end.
 */
class Inflater {
  private bitBuf = 0;
  private bitCount = 0;
  /** Where this member's output starts: a match may not reach back before it. */
  readonly start: number;

  constructor(
    private readonly input: Uint8Array,
    public pos: number,
    public out: Uint8Array,
    public length: number,
    private readonly maxOutput: number,
    private readonly stopAt: number,
  ) {
    this.start = length;
  }

  private bits(n: number): number {
    let buf = this.bitBuf;
    while (this.bitCount < n) {
      if (this.pos >= this.input.length) throw new Error(`gunzip: the deflate stream is truncated at byte offset ${this.pos}`);
      buf |= this.input[this.pos++] << this.bitCount;
      this.bitCount += 8;
    }
    this.bitBuf = buf >>> n;
    this.bitCount -= n;
    return buf & ((1 << n) - 1);
  }

  private decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.count[len];
      if (code - first < count) return h.symbol[index + code - first];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Error(`gunzip: invalid Huffman code before byte offset ${this.pos}`);
  }

  private reserve(n: number): void {
    if (this.length >= this.stopAt) throw ENOUGH;
    const need = this.length + n;
    if (need > this.maxOutput) throw new RangeError(`gunzip: the output exceeds ${this.maxOutput} bytes; stopped after ${this.length}, at input byte offset ${this.pos}`);
    if (need <= this.out.length) return;
    const grown = new Uint8Array(Math.min(this.maxOutput, Math.max(need, this.out.length * 2)));
    grown.set(this.out.subarray(0, this.length));
    this.out = grown;
  }

  /** Inflates every block up to and including the final one. */
  run(): void {
    let last = 0;
    while (last === 0) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) this.codes(FIXED_LITERALS, FIXED_DISTANCES);
      else if (type === 2) this.dynamic();
      else throw new Error(`gunzip: invalid deflate block type 3 before byte offset ${this.pos}`);
    }
    // A stream ends on a byte boundary; the rest of the last byte is padding.
    this.bitBuf = 0;
    this.bitCount = 0;
  }

  private stored(): void {
    this.bitBuf = 0;
    this.bitCount = 0;
    const p = this.pos;
    if (p + 4 > this.input.length) throw new Error(`gunzip: the deflate stream is truncated at byte offset ${p}`);
    const len = this.input[p] | (this.input[p + 1] << 8);
    const nlen = this.input[p + 2] | (this.input[p + 3] << 8);
    if ((len ^ 0xffff) !== nlen) throw new Error(`gunzip: a stored block's length at byte offset ${p} fails its check`);
    if (p + 4 + len > this.input.length) throw new Error(`gunzip: the deflate stream is truncated at byte offset ${this.input.length}`);
    this.reserve(len);
    this.out.set(this.input.subarray(p + 4, p + 4 + len), this.length);
    this.length += len;
    this.pos = p + 4 + len;
  }

  private dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw new Error(`gunzip: a dynamic block declares too many codes before byte offset ${this.pos}`);
    const codeLengths = new Uint8Array(19);
    for (let i = 0; i < ncode; i++) codeLengths[CODE_LENGTH_ORDER[i]] = this.bits(3);
    const lencode = huffman(codeLengths, "code-length");
    const lengths = new Uint8Array(nlen + ndist);
    for (let i = 0; i < nlen + ndist;) {
      const sym = this.decode(lencode);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let value = 0;
      let repeat: number;
      if (sym === 16) {
        if (i === 0) throw new Error(`gunzip: a dynamic block repeats a length before the first, before byte offset ${this.pos}`);
        value = lengths[i - 1];
        repeat = 3 + this.bits(2);
      } else {
        repeat = sym === 17 ? 3 + this.bits(3) : 11 + this.bits(7);
      }
      if (i + repeat > nlen + ndist) throw new Error(`gunzip: a dynamic block's code lengths overrun before byte offset ${this.pos}`);
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    if (lengths[256] === 0) throw new Error(`gunzip: a dynamic block has no end-of-block code, before byte offset ${this.pos}`);
    this.codes(huffman(lengths.subarray(0, nlen), "literal/length"), huffman(lengths.subarray(nlen), "distance"));
  }

  private codes(literals: Huffman, distances: Huffman): void {
    for (;;) {
      const sym = this.decode(literals);
      if (sym < 256) {
        this.reserve(1);
        this.out[this.length++] = sym;
      } else if (sym === 256) {
        return;
      } else {
        const l = sym - 257;
        if (l >= 29) throw new Error(`gunzip: invalid length code ${sym} before byte offset ${this.pos}`);
        const len = LENGTH_BASE[l] + this.bits(LENGTH_EXTRA[l]);
        const d = this.decode(distances);
        if (d >= 30) throw new Error(`gunzip: invalid distance code ${d} before byte offset ${this.pos}`);
        const dist = DIST_BASE[d] + this.bits(DIST_EXTRA[d]);
        if (dist > this.length - this.start) throw new Error(`gunzip: a match reaches ${dist} bytes back, before the start of the output, before byte offset ${this.pos}`);
        this.reserve(len);
        // Byte by byte: a match may overlap the bytes it is producing (dist < len).
        const out = this.out;
        let to = this.length;
        for (let from = to - dist, k = 0; k < len; k++) out[to++] = out[from++];
        this.length = to;
      }
    }
  }
}

function skipZeroTerminated(bytes: Uint8Array, p: number): number {
  while (p < bytes.length && bytes[p] !== 0) p++;
  if (p >= bytes.length) throw new Error("gunzip: the gzip header is truncated");
  return p + 1;
}

const readU32 = (b: Uint8Array, p: number): number => (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;

/**
 * @internal Decompresses gzip data (one member or several concatenated), checking each member's
 * CRC-32 and length. Memory stays within `maxOutput` (plus one block while growing the buffer),
 * so a caller that knows how large the output should be can refuse a bomb at that size.
 * @param maxOutput - Largest output accepted; more throws a `RangeError` before it is produced.
 * @param stopAt - Return once this many bytes are out (without checking the rest of the stream),
 *   for reading a header before deciding how much the whole may inflate to.
 * @throws Error saying what is malformed (header, a deflate block, a checksum) and where.
 */
export function gunzip(bytes: Uint8Array, maxOutput = 2 ** 30, stopAt = Infinity): Uint8Array {
  // The trailer's size (mod 2^32) sizes the output buffer, so it rarely grows; capped by
  // deflate's best ratio (1032:1), so that a forged trailer cannot make it allocate a gigabyte.
  const hint = bytes.length >= 4 ? Math.min(readU32(bytes, bytes.length - 4), 1032 * bytes.length) : 0;
  let out: Uint8Array = new Uint8Array(Math.max(1024, Math.min(hint, maxOutput, stopAt === Infinity ? Infinity : stopAt + 1024)));
  let length = 0;
  let p = 0;
  do {
    if (bytes.length - p < 18 || bytes[p] !== 0x1f || bytes[p + 1] !== 0x8b) {
      throw new Error(`gunzip: no gzip header (1f 8b) at byte offset ${p}`);
    }
    if (bytes[p + 2] !== 8) throw new Error(`gunzip: compression method ${bytes[p + 2]} at byte offset ${p + 2}; only 8 (deflate) exists`);
    const flags = bytes[p + 3];
    if (flags & 0xe0) throw new Error(`gunzip: reserved header flags set at byte offset ${p + 3}`);
    let q = p + 10;
    if (flags & 4) q += 2 + (bytes[q] | (bytes[q + 1] << 8));
    if (flags & 8) q = skipZeroTerminated(bytes, q);
    if (flags & 16) q = skipZeroTerminated(bytes, q);
    if (flags & 2) q += 2;
    const inflater = new Inflater(bytes, q, out, length, maxOutput, stopAt);
    try {
      inflater.run();
    } catch (e) {
      if (e === ENOUGH) return inflater.out.slice(0, stopAt);
      throw e;
    }
    q = inflater.pos;
    out = inflater.out;
    if (q + 8 > bytes.length) throw new Error(`gunzip: the gzip trailer is truncated at byte offset ${q}`);
    const member = out.subarray(length, inflater.length);
    if (readU32(bytes, q) !== crc32(member)) throw new Error(`gunzip: CRC-32 mismatch at byte offset ${q}: the data is corrupt`);
    if (readU32(bytes, q + 4) !== member.length % 2 ** 32) throw new Error(`gunzip: length mismatch at byte offset ${q + 4}: the data is corrupt`);
    length = inflater.length;
    if (length >= stopAt) return out.slice(0, stopAt);
    p = q + 8;
  } while (p < bytes.length);
  return out.subarray(0, length);
}
