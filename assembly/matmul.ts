// Single-precision GEMM kernels for WebAssembly SIMD128, in the GotoBLAS/BLIS
// style: A and B are repacked into panels laid out in exactly the order the
// micro-kernel reads them, so all four transpose variants run the same
// contiguous inner loop and only the packing routines differ.
//
// Memory is managed by the host (JS): it copies A and B into the arena, asks
// for `workspaceBytes(m, k, n)` of scratch, and passes raw byte pointers.
// Nothing here allocates, so the module is built with `--runtime stub`.

// Register tile: 4 rows x 8 columns = 8 f32x4 accumulators.
//
// Why not the 6x8 or 6x16 tiles native BLAS uses: V8's TurboFan (checked on
// V8 11.3 / Node 20) schedules every load of a loop body ahead of the
// arithmetic, so all of an iteration's loaded vectors are live at once next
// to the accumulators. x64 gives V8 15 usable XMM registers; 4x8 needs
// 8 accumulators + 2 B vectors + 4 A vectors + 1 product temporary = 15.
// 6x8 (12 + 2 + 6 + 1) or unrolling k in one block (two sets of loads)
// spill to the stack on every iteration and measured 20-35% slower. The loop
// is still unrolled by two, but with an exit test between the halves: that
// makes each half its own basic block, which TurboFan schedules separately,
// so no half holds more than one set of loads (see kernel4x8). With FMA
// (relaxed SIMD) the product temporary goes, but 5x8 (10 + 2 + 5) or 3x16
// (12 + 4 + 3) still don't fit, and 4x8 already runs at ~47 GFLOP/s, near
// the two FMA units' 8 fused ops per 4 cycles.
//
// Without FMA one k step is 6 vector loads + 8 mul + 8 add for 64 flops, and
// that instruction count, not the FP units, sets the speed (26 instructions
// per step with the loop's own; ~37 GFLOP/s with everything in L1 before the
// unrolling, ~30-35 in the training products after it).
// Hence A is packed pre-broadcast: each A value is stored as a full f32x4, so
// the kernel reads it with a plain v128.load, whose constant offset V8 folds
// into the addressing mode; load32_splat with an offset costs V8 an extra
// `lea` per row (measured ~32 vs ~37 GFLOP/s for the L1-resident kernel).
const MR: i32 = 4;
const NR: i32 = 8;

// Bytes one packed (pre-broadcast) A value takes.
const A_STRIDE: i32 = 16;

// Cache blocking (sized for 32 KiB L1d / 512 KiB L2 / 32 MiB L3, Zen 3). A B
// micro-panel (KC x NR floats = 12 KiB) stays in L1 while the A micro-panels
// (MR x KC x 16 B = 24 KiB each) stream past it from L2, where the packed A
// block (MC x KC x 16 B = 192 KiB) lives; the packed B panel (KC x NC) lives
// in L3. Measured against KC 128..512 and MC 32..128: all within ~3% at
// 512^3, MC = 32 was clearly best at 1024^3; MC 8, 16 and 64 measured within
// ±3% of 32 on the training products too (scripts/gemm-steps.mjs). These are
// upper bounds: actual blocks are balanced so the last one isn't a sliver.
// KC also fixes the results' bits (each KC block is summed from zero, then
// added to C), so it must not change; MC and NC only partition the work.
// NC = 4096 covers every n the MLPs use, so A is packed once per KC block of
// a product already: no per-NC repacking to save.
const KC: i32 = 384;
const MC: i32 = 32; // multiple of MR
const NC: i32 = 4096; // multiple of NR

// Bytes reserved at the end of the workspace for one edge tile, so partial
// tiles can run the same full-size micro-kernel and be clipped afterwards.
const TILE_BYTES: i32 = MR * NR * 4;

// ---------------------------------------------------------------------------
// Arena
// ---------------------------------------------------------------------------

/** First 64-byte-aligned byte after the module's static data; the host owns everything from here on. */
export function arenaBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

/**
 * Makes sure bytes [arenaBase(), arenaBase() + bytes) are addressable,
 * growing memory by at least 50% when it has to grow so that a sequence of
 * slowly increasing requests doesn't grow (and detach JS views) every call.
 * Returns false if the engine refuses to grow.
 */
export function ensureArena(bytes: usize): bool {
  const end: u64 = <u64>arenaBase() + <u64>bytes;
  if (end > 0x1_0000_0000) return false;
  const havePages = memory.size();
  const needPages = <i32>((end + 0xffff) >> 16);
  if (needPages <= havePages) return true;
  let want = max(needPages, havePages + (havePages >> 1));
  if (want > 65536) want = 65536;
  if (memory.grow(want - havePages) >= 0) return true;
  // The geometric step may exceed the engine's limit while the exact need does not.
  return memory.grow(needPages - havePages) >= 0;
}

// ---------------------------------------------------------------------------
// Blocking helpers
// ---------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function ceilDiv(a: i32, b: i32): i32 {
  return (a + b - 1) / b;
}

// @ts-ignore: decorator
@inline function roundUp(a: i32, b: i32): i32 {
  return ceilDiv(a, b) * b;
}

// Splits `total` into equal-ish blocks no larger than `limit`, rounded up to
// `multiple`: k = 784 becomes 3 x 262 rather than 384+384+16, so no block is
// a sliver whose packing and kernel-call overhead isn't amortised.
function balancedBlock(total: i32, limit: i32, multiple: i32): i32 {
  if (total <= limit) return total;
  const blocks = ceilDiv(total, limit);
  return min(limit, roundUp(ceilDiv(total, blocks), multiple));
}

// Narrow products (n < 2·NR, e.g. a 10-class output layer and its weight gradient) are computed
// as Cᵀ = op(B)ᵀ·op(A)ᵀ, written back transposed. With n = 10 the tile's 8 columns would cover
// 16 (a 2-wide edge panel costs a full kernel call) and every A value would be packed
// pre-broadcast at 16 bytes for just two panels; swapped, the 10 rows cover 12 and the large
// operand is packed at 4 bytes a value. Every element still sums the same products in the same
// order (products commute exactly, with or without FMA), so the bits do not change.
// Not below k = 16: swapped, every tile goes through `tile` and is scattered into C one value at a
// time, which costs more than a kernel call of a few k steps (6272x9x8, an im2col product,
// measured 0.6x swapped; 6272x32x8 1.0x, 6272x64x8 1.2x, 128x256x10 1.5-1.6x).
// @ts-ignore: decorator
@inline function swapped(m: i32, k: i32, n: i32): bool {
  return n < 2 * NR && m > n && k >= 2 * NR;
}

// The blocks of the last `plan` call and the packed-B offset in its workspace. gemm gets its
// blocking from the same function as workspaceBytes instead of repeating it: the three
// balancedBlock computations, inlined twice, cost ~100 bytes of the 4 KiB budget. Globals are per
// instance, and every thread has its own instance.
let mcBlock: i32 = 0, kcBlock: i32 = 0, ncBlock: i32 = 0;
let bPackOffset: usize = 0;

function plan(m: i32, k: i32, n: i32): usize {
  mcBlock = balancedBlock(m, MC, MR);
  kcBlock = balancedBlock(k, KC, 1);
  ncBlock = balancedBlock(n, NC, NR);
  bPackOffset = <usize>roundUp(mcBlock, MR) * <usize>kcBlock * A_STRIDE;
  return bPackOffset + <usize>kcBlock * <usize>roundUp(ncBlock, NR) * 4 + <usize>TILE_BYTES + 64;
}

/** Scratch bytes `matmul` needs for these dimensions (packed A block, packed B panel and one edge tile). */
export function workspaceBytes(m: i32, k: i32, n: i32): usize {
  return swapped(m, k, n) ? plan(n, k, m) : plan(m, k, n);
}

// ---------------------------------------------------------------------------
// Micro-kernel
// ---------------------------------------------------------------------------

// a * b + c. Built with `--enable relaxed-simd` this is relaxed_madd, which
// engines lower to a hardware FMA where there is one (V8 on x64 with FMA3:
// vfmadd231ps): half the arithmetic instructions and one register fewer, and
// about 1.5x the speed here. Whether it rounds once or twice is up to the
// engine, so results may differ in the last bit between machines.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// C[0:4, 0:8] (=|+=) Ap[4 x kc] * Bp[kc x 8]. For every p, Ap holds the 4
// values of column p, each pre-broadcast to an f32x4 (64 bytes), and Bp the
// 8 values of row p (32 bytes). `ldc` is C's row stride in bytes; kc >= 1.
//
// Read with `node --print-wasm-code` (V8 11.3, x64), the loop was 31
// instructions per k step for 22 of arithmetic and loads: 2 pointer bumps, the
// loop's stack check (cmp + branch), the exit test (cmp + branch), a `movl`
// per pointer to zero-extend it for addressing, and a spill store of one
// accumulator. Two changes bring it to 26 (measured 1.1-1.25x on the training
// shapes, scripts/gemm-steps.mjs):
// - The pointers are formed by an i32.add here (aBase + aOff) rather than
//   passed in: V8 then knows their upper 32 bits are zero, through the loop
//   phi too, and drops the `movl`s.
// - Two k steps per iteration, the second reading at constant offsets, with
//   `bp == bLast` tested in between (which also handles odd kc): the stack
//   check, pointer bumps and spill are paid once per two steps. Each half is
//   its own block, so its loads stay with its arithmetic.
// Each accumulator still adds its products in order p = 0, 1, ..., kc-1
// starting from zero, so results are bit for bit those of the one-step loop.
function kernel4x8(kc: i32, aBase: usize, aOff: usize, bBase: usize, bOff: usize, c: usize, ldc: usize, accumulate: bool): void {
  let ap = aBase + aOff;
  let bp = bBase + bOff;
  let c00 = f32x4.splat(0), c01 = c00;
  let c10 = c00, c11 = c00;
  let c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00;
  // Comparing a pointer instead of counting p saves an instruction in a
  // loop whose speed is set by instruction count.
  const bEnd = bp + (<usize>kc << 5);
  const bLast = bEnd - 32;
  while (true) {
    let b0 = v128.load(bp);
    let b1 = v128.load(bp, 16);
    let a0 = v128.load(ap);
    let a1 = v128.load(ap, 16);
    let a2 = v128.load(ap, 32);
    let a3 = v128.load(ap, 48);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    if (bp == bLast) break;
    b0 = v128.load(bp, 32);
    b1 = v128.load(bp, 48);
    a0 = v128.load(ap, 64);
    a1 = v128.load(ap, 80);
    a2 = v128.load(ap, 96);
    a3 = v128.load(ap, 112);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    ap += 128;
    bp += 64;
    if (bp == bEnd) break;
  }
  const c1 = c + ldc, c2 = c + 2 * ldc, c3 = c + 3 * ldc;
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c1));
    c11 = f32x4.add(c11, v128.load(c1, 16));
    c20 = f32x4.add(c20, v128.load(c2));
    c21 = f32x4.add(c21, v128.load(c2, 16));
    c30 = f32x4.add(c30, v128.load(c3));
    c31 = f32x4.add(c31, v128.load(c3, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c1, c10);
  v128.store(c1, c11, 16);
  v128.store(c2, c20);
  v128.store(c2, c21, 16);
  v128.store(c3, c30);
  v128.store(c3, c31, 16);
}

// ---------------------------------------------------------------------------
// Packing
// ---------------------------------------------------------------------------

// Packs the logical block A[i0:i0+mc, p0:p0+kc] into MR-row micro-panels:
// panel s holds, for p = 0..kc-1, A[i0+s*MR+r, p0+p] for r = 0..MR-1, each
// splatted to 16 bytes (see A_STRIDE). Rows past the edge are zero so the
// micro-kernel never needs a ragged variant. Either storage order packs with
// one load32_splat + store per value, so transposed A costs nothing extra.
// Storage: transA ? a is [k, m] (element (i,p) at p*lda+i) : a is [m, k] (at i*lda+p).
function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  const ldaB = <usize>lda << 2;
  // Byte distance between consecutive p (pStep) and consecutive i (iStep) in the source.
  const pStep: usize = transA ? ldaB : 4;
  const iStep: usize = transA ? 4 : ldaB;
  let out = dst;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    let src = a + <usize>(i0 + ir) * iStep + <usize>p0 * pStep;
    if (mr == MR) {
      for (let p = 0; p < kc; p++) {
        v128.store(out, v128.load32_splat(src));
        v128.store(out, v128.load32_splat(src + iStep), 16);
        v128.store(out, v128.load32_splat(src + 2 * iStep), 32);
        v128.store(out, v128.load32_splat(src + 3 * iStep), 48);
        src += pStep;
        out += 64;
      }
    } else {
      // Zero the panel, then write the rows that exist: no load is ever issued
      // past the edge of A, even speculatively as a select.
      memory.fill(out, 0, <usize>kc << 6);
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < mr; r++) v128.store(out + (<usize>r << 4), v128.load32_splat(src + <usize>r * iStep));
        src += pStep;
        out += 64;
      }
    }
  }
}

// Packs the logical block B[p0:p0+kc, j0:j0+nc] into NR-column micro-panels:
// panel s holds, for p = 0..kc-1, B[p0+p, j0+s*NR+0..NR-1], zero-padded.
// Storage: transB ? b is [n, k] (element (p,j) at j*ldb+p) : b is [k, n] (at p*ldb+j).
function packB(b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const ldbB = <usize>ldb << 2;
  // Byte distance between consecutive p (pStep) and consecutive j (jStep) in the source.
  const pStep: usize = transB ? 4 : ldbB;
  const jStep: usize = transB ? ldbB : 4;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const panel = dst + <usize>(jr * kc) * 4;
    const src = b + <usize>p0 * pStep + <usize>(j0 + jr) * jStep;
    let p = 0;
    if (nr == NR) {
      if (!transB) {
        for (; p < kc; p++) {
          const s = src + <usize>p * pStep;
          const out = panel + (<usize>p << 5);
          v128.store(out, v128.load(s));
          v128.store(out, v128.load(s, 16), 16);
        }
      } else {
        // Stored rows are columns of B: read 4 consecutive p from each of the
        // 8 columns and transpose two 4x4 blocks so the output is row-major.
        for (; p + 4 <= kc; p += 4) {
          const s = src + (<usize>p << 2);
          const out = panel + (<usize>p << 5);
          transpose4x4Store(s, ldbB, out, 32);
          transpose4x4Store(s + 4 * ldbB, ldbB, out + 16, 32);
        }
      }
    }
    // Ragged panels (zeroed first) and the transposed tail, one value at a time.
    if (nr < NR) memory.fill(panel, 0, <usize>kc << 5);
    for (; p < kc; p++) {
      const out = panel + (<usize>p << 5);
      const s = src + <usize>p * pStep;
      for (let c = 0; c < nr; c++) store<f32>(out + (<usize>c << 2), load<f32>(s + <usize>c * jStep));
    }
  }
}

// Reads a 4x4 block at `src` (row stride srcStride bytes) and writes its
// transpose at `dst` (row stride dstStride bytes).
// @ts-ignore: decorator
@inline function transpose4x4Store(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + srcStride);
  const r2 = v128.load(src + 2 * srcStride);
  const r3 = v128.load(src + 3 * srcStride);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + dstStride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

// ---------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------

/**
 * C = op(A) * op(B) for row-major float32 matrices, op(A) being m x k and
 * op(B) k x n; C (m x n, row-major, contiguous) is overwritten.
 * `a` is stored [m, k] or, when transA, [k, m]; `b` is [k, n] or, when transB, [n, k].
 * `work` must point at `workspaceBytes(m, k, n)` bytes that don't overlap a, b or c.
 * All pointers are byte offsets into this module's memory.
 */
export function matmul(
  a: usize, b: usize, c: usize,
  m: i32, k: i32, n: i32,
  transA: bool, transB: bool,
  work: usize,
): void {
  gemm(a, transA ? m : k, b, transB ? k : n, c, n, m, k, n, transA, transB, work);
}

/**
 * General strided form of `matmul`: the leading dimensions lda, ldb, ldc are
 * the row lengths (in elements) of the arrays as stored, so a caller can
 * multiply sub-blocks in place. Splitting C into row or column blocks this
 * way lets several threads share A, B and C without write conflicts, each
 * with its own `work` of `workspaceBytes(m, k, n)` bytes for its block.
 */
export function gemm(
  a: usize, lda: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  m: i32, k: i32, n: i32,
  transA: bool, transB: bool,
  work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const ldcB = <usize>ldc << 2;
  if (k <= 0) {
    // An empty sum is zero; the packing loops would otherwise never write C.
    for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcB, 0, <usize>n << 2);
    return;
  }
  // C's element (i, j) is at c + i·rs + j·cs: rows and columns trade places when swapped.
  let rs = ldcB, cs: usize = 4;
  const swap = swapped(m, k, n);
  if (swap) {
    const t = a; a = b; b = t;
    const tl = lda; lda = ldb; ldb = tl;
    const tm = m; m = n; n = tm;
    const ta = transA; transA = !transB; transB = !ta;
    rs = 4;
    cs = ldcB;
  }
  const base = (work + 63) & ~(<usize>63);
  const tile = base + plan(m, k, n) - <usize>TILE_BYTES - 64;
  const MCb = mcBlock, KCb = kcBlock, NCb = ncBlock;
  const aPack = base;
  const bPack = aPack + bPackOffset;

  for (let jc = 0; jc < n; jc += NCb) {
    const nc = min(NCb, n - jc);
    for (let pc = 0; pc < k; pc += KCb) {
      const kc = min(KCb, k - pc);
      const accumulate = pc > 0;
      packB(b, ldb, transB, pc, kc, jc, nc, bPack);
      for (let ic = 0; ic < m; ic += MCb) {
        const mc = min(MCb, m - ic);
        packA(a, lda, transA, ic, mc, pc, kc, aPack);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const cp = c + <usize>(ic + ir) * rs + <usize>(jc + jr) * cs;
            // Edge tiles and swapped products run the same kernel into `tile`, which is then
            // clipped (or transposed) into C.
            const full = mr == MR && nr == NR && !swap;
            kernel4x8(kc, aPack, <usize>(ir * kc) * A_STRIDE, bPack, <usize>(jr * kc) * 4, full ? cp : tile, full ? ldcB : <usize>(NR * 4), full && accumulate);
            if (!full) {
              for (let r = 0; r < mr; r++) {
                const dstRow = cp + <usize>r * rs;
                const srcRow = tile + <usize>(r * NR) * 4;
                for (let q = 0; q < nr; q++) {
                  const v = load<f32>(srcRow + (<usize>q << 2));
                  const dst = dstRow + <usize>q * cs;
                  store<f32>(dst, accumulate ? load<f32>(dst) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}
