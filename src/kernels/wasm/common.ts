/**
 * Pieces shared by the single-threaded loader (`index.ts`) and the worker-thread
 * prototype (`parallel.ts`). Not part of the public API.
 *
 * @internal
 * @module
 */

/** The raw exports of the AssemblyScript module (all pointers are byte offsets into `memory`). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  arenaBase(): number;
  /** Returns 1 if [arenaBase(), arenaBase() + bytes) is addressable afterwards, 0 if memory can't grow. */
  ensureArena(bytes: number): number;
  workspaceBytes(m: number, k: number, n: number): number;
  matmul(
    a: number, b: number, c: number,
    m: number, k: number, n: number,
    transA: number, transB: number,
    work: number,
  ): void;
  sgdMomentumF32(
    w: number, g: number, v: number, outW: number, outV: number, n: number,
    lr: number, m: number, keep: number, wd: number, nesterov: number, first: number,
  ): void;
  countNonFiniteF32(p: number, n: number): number;
  denseForwardF32(
    a: number, b: number, bias: number, c: number,
    m: number, k: number, n: number,
    transA: number, transB: number, relu: number,
    work: number,
    lda?: number, ldb?: number, ldc?: number,
  ): void;
  denseBackwardF32(
    dz: number, y: number, a: number, b: number,
    m: number, k: number, n: number,
    transA: number, transB: number,
    dbias: number, da: number, db: number,
    work: number,
  ): void;
  gemm(
    a: number, lda: number,
    b: number, ldb: number,
    c: number, ldc: number,
    m: number, k: number, n: number,
    transA: number, transB: number,
    work: number,
  ): void;
}

/** Whether to use the relaxed-SIMD (FMA) build: always, never, or where the engine accepts it. */
export type RelaxedSimdOption = boolean | "auto";

export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  // atob is in browsers, workers and Node >= 16, so no Buffer dependency.
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Compiles the plain SIMD build or the relaxed-SIMD one, per `relaxed`.
 * Each binary only validates where its features are supported, so
 * `WebAssembly.validate` doubles as the feature test.
 */
export function compileKernels(
  plainBase64: string,
  relaxedBase64: string,
  relaxed: RelaxedSimdOption,
): { module: WebAssembly.Module; relaxedSimd: boolean } {
  if (typeof WebAssembly !== "object") throw new Error("WebAssembly is not available in this environment");
  if (relaxed !== false) {
    const bytes = decodeBase64(relaxedBase64);
    if (WebAssembly.validate(bytes)) return { module: new WebAssembly.Module(bytes), relaxedSimd: true };
    if (relaxed === true) throw new Error("this engine does not support WebAssembly relaxed SIMD");
  }
  const bytes = decodeBase64(plainBase64);
  if (!WebAssembly.validate(bytes)) {
    throw new Error("this engine rejects the kernel module (WebAssembly SIMD128 unsupported?)");
  }
  // Synchronous compile keeps the API synchronous. Chrome caps synchronous
  // compilation on its main thread at 4 KiB; each build is below that.
  return { module: new WebAssembly.Module(bytes), relaxedSimd: false };
}

/** Imports every build accepts; `--runtime stub` only needs `abort` if an assertion were compiled in. */
export function kernelImports(memory?: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      ...(memory ? { memory } : {}),
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`gradtape wasm kernel aborted at ${line}:${column}`);
      },
    },
  };
}

/** Pages of a shared memory: it must declare a maximum, as the threads build's import does (see scripts/build-wasm.mjs). */
export const SHARED_MAX_PAGES = 16384;

export const align64 = (x: number): number => Math.ceil(x / 64) * 64;

function checkDim(fn: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${fn}: ${name} must be a non-negative integer, got ${value}`);
  }
}

/** Validates matmul arguments, naming expected and actual sizes in errors. */
export function checkMatmulArgs(
  fn: string,
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
  out: Float32Array | undefined,
): void {
  checkDim(fn, "m", m);
  checkDim(fn, "k", k);
  checkDim(fn, "n", n);
  if (a.length !== m * k) {
    const shape = transposeA ? `[k, m] = [${k}, ${m}]` : `[m, k] = [${m}, ${k}]`;
    throw new RangeError(`${fn}: a must have ${m * k} elements (${shape}), got ${a.length}`);
  }
  if (b.length !== k * n) {
    const shape = transposeB ? `[n, k] = [${n}, ${k}]` : `[k, n] = [${k}, ${n}]`;
    throw new RangeError(`${fn}: b must have ${k * n} elements (${shape}), got ${b.length}`);
  }
  if (out !== undefined && out.length !== m * n) {
    throw new RangeError(`${fn}: out must have ${m * n} elements ([m, n] = [${m}, ${n}]), got ${out.length}`);
  }
}

/** Validates `denseForwardF32`'s arguments with the single-thread kernels' messages. */
export function checkDenseForwardArgs(
  a: Float32Array, b: Float32Array, bias: Float32Array | undefined,
  m: number, k: number, n: number, transposeA: boolean, transposeB: boolean,
): void {
  checkMatmulArgs("denseForwardF32", a, b, m, k, n, transposeA, transposeB, undefined);
  if (bias !== undefined && bias.length !== n) throw new RangeError(`denseForwardF32: bias must have ${n} elements (one per output column), got ${bias.length}`);
}

/** Validates `denseBackwardF32`'s arguments with the single-thread kernels' messages. */
export function checkDenseBackwardArgs(
  dy: Float32Array, y: Float32Array | undefined, a: Float32Array, b: Float32Array,
  m: number, k: number, n: number, transposeA: boolean, transposeB: boolean,
): void {
  checkMatmulArgs("denseBackwardF32", a, b, m, k, n, transposeA, transposeB, undefined);
  for (const [name, t] of [["dy", dy], ["y", y]] as const) {
    if (t !== undefined && t.length !== m * n) throw new RangeError(`denseBackwardF32: ${name} must have ${m * n} elements ([m, n] = [${m}, ${n}]), got ${t.length}`);
  }
}

export function growError(fn: string, bytes: number): RangeError {
  return new RangeError(`${fn}: cannot grow WebAssembly memory to hold ${bytes} bytes of operands and workspace`);
}

/**
 * The destination of a matmul after {@link checkMatmulArgs}: `out` or a new array, and whether it
 * is already the answer (an empty result, or zeros for an empty sum over k = 0) so that no kernel
 * need run.
 */
export function matmulDestination(
  a: Float32Array, b: Float32Array, m: number, k: number, n: number,
  transposeA: boolean, transposeB: boolean, out: Float32Array | undefined,
): { result: Float32Array; done: boolean } {
  checkMatmulArgs("matmulF32", a, b, m, k, n, transposeA, transposeB, out);
  const result = out ?? new Float32Array(m * n);
  if (m === 0 || n === 0) return { result, done: true };
  if (k === 0) return { result: result.fill(0), done: true };
  return { result, done: false };
}
