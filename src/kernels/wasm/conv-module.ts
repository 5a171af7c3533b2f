/**
 * The convolution and pooling module (`assembly/conv.ts`), instantiated on the memory of the
 * shared matmul kernels so that an im2col and the product after it read and write one arena.
 * @internal
 * @module
 */
import type { WindowGeometry } from "../conv/geometry.js";
import { compileKernels, kernelImports } from "./common.js";
import { kernelsFor, type Kernels } from "./index.js";
import { wasmConvBase64, wasmConvThreadsBase64 } from "./kernels.generated.js";

/** The raw exports of `assembly/conv.ts` (pointers are byte offsets into the shared memory). */
export interface ConvExports {
  im2colF32(x: number, col: number, g: number, b0: number, b1: number): void;
  col2imAddF32(col: number, dx: number, g: number, b0: number, b1: number): void;
  maxPoolF32(x: number, values: number, argmax: number, g: number, batch: number): void;
  scatterAddF32(values: number, index: number, out: number, n: number, size: number): void;
  avgPoolF32(x: number, values: number, g: number, batch: number): void;
  avgPoolBackwardF32(dy: number, dx: number, g: number, batch: number): void;
}

/**
 * Floats of slack after every output region: the kernels write whole vectors past a run's end
 * (see assembly/conv.ts), at most three floats beyond the last element.
 */
export const SLACK = 4;

let instance: { kernels: Kernels; conv: ConvExports } | undefined;

/** The shared matmul kernels and the conv module on their memory, or an error naming `fn`. */
export function convKernels(fn: string): { kernels: Kernels; conv: ConvExports } {
  const kernels = kernelsFor(fn);
  if (instance?.kernels !== kernels) {
    // No multiply-adds here, so the plain build serves the relaxed matmul build as well.
    // A shared memory is only accepted by a module that declares its import shared.
    const build = kernels.resident ? wasmConvThreadsBase64 : wasmConvBase64;
    const { module } = compileKernels(build, build, false);
    const conv = new WebAssembly.Instance(module, kernelImports(kernels.memory)).exports as unknown as ConvExports;
    instance = { kernels, conv };
  }
  return instance;
}

/** The geometry as the i32 block assembly/conv.ts reads. */
export function geometryBlock(g: WindowGeometry): Int32Array {
  return Int32Array.of(g.inH, g.inW, g.channels, g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.outH, g.outW);
}
