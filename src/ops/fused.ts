/**
 * Fused ops: several steps in one kernel pass and one tape node, for the hot path of training.
 * Their gradients are the same compositions of public ops that the unfused steps would record, so
 * they stay differentiable to any order; only the forward pass and the bookkeeping are shared.
 * The one exception is first-order training of a float32 dense layer on the `"wasm"` backend:
 * when no tape would record the backward's ops, the whole backward step runs in one WebAssembly
 * call, with the same bits as the composition.
 * @module
 */
import { checkOptionNames, optionNames } from "../util/options.js";
import { isRecording } from "../autograd/tape.js";
import { fromValues } from "../tensor/create.js";
import { fmt } from "../tensor/shape.js";
import { describe, type Tensor, type TensorLike } from "../tensor/tensor.js";
import { denseKernels } from "../kernels/dense.js";
import { ACTIVATION_FORWARD, biasActivation, type FusedActivation } from "../kernels/epilogue.js";
import { output, toTensor } from "./lift.js";
import { matmulGrads, matmulOperands, matmulValues } from "./matrix.js";
import { mul, square, sub } from "./arithmetic.js";
import { greater } from "./compare.js";

/** Activations a fused product can apply; each has a derivative written in terms of its output. */
export type { FusedActivation } from "../kernels/epilogue.js";

/** Arguments of {@link matMul}, as in TensorFlow.js' `tf.fused.matMul`. */
export interface FusedMatMulArgs {
  /** The left matrix, `[m, k]` (or `[k, m]` with `transposeA`). */
  a: TensorLike;
  /** The right matrix, `[k, n]` (or `[n, k]` with `transposeB`). */
  b: TensorLike;
  /** Multiply by the transpose of `a` (default false). */
  transposeA?: boolean;
  /** Multiply by the transpose of `b` (default false). */
  transposeB?: boolean;
  /** Added to each row of the product: shape `[n]` or `[1, n]`. */
  bias?: TensorLike;
  /** Applied last (default `'linear'`). */
  activation?: FusedActivation;
}

const MATMUL_ARGS = optionNames<FusedMatMulArgs>({ a: true, b: true, transposeA: true, transposeB: true, bias: true, activation: true });

/** Whether `name` is an activation {@link matMul} can apply in its own pass. */
export function isFusedActivation(name: string): name is FusedActivation {
  return Object.hasOwn(ACTIVATION_FORWARD, name);
}

/** @internal dL/dz from dL/dy and y = act(z), with public ops so that it can be differentiated again. */
export const BACKWARD: Record<FusedActivation, (dy: Tensor, y: Tensor) => Tensor> = {
  linear: (dy) => dy,
  relu: (dy, y) => mul(dy, greater(y, 0)),
  sigmoid: (dy, y) => mul(dy, mul(y, sub(1, y))),
  tanh: (dy, y) => mul(dy, sub(1, square(y))),
};

/**
 * `activation(op(a) · op(b) + bias)` in one pass: the dense layer's forward step. Same result and
 * gradients as the three ops apart, with one output array instead of three and one tape node.
 * @throws Error naming the shapes when the product's inner dimensions differ or the bias does not
 * have one value per output column, and for an unknown activation.
 * @example `gt.fused.matMul({ a: x, b: kernel, bias, activation: "relu" })`
 */
export function matMul(args: FusedMatMulArgs): Tensor {
  if (args === null || typeof args !== "object") throw new Error(`fused.matMul: expected { a, b, bias?, activation? }, got ${describe(args)}`);
  checkOptionNames("fused.matMul", args, MATMUL_ARGS);
  const { transposeA = false, transposeB = false, activation = "linear" } = args;
  if (!isFusedActivation(activation)) throw new Error(`fused.matMul: unknown activation ${JSON.stringify(activation)}; known: ${Object.keys(ACTIVATION_FORWARD).join(", ")}`);
  const { x, y, m, k, n } = matmulOperands("fused.matMul", args.a, args.b, transposeA, transposeB);
  const bias = args.bias === undefined ? undefined : toTensor("fused.matMul", args.bias, x.dtype, "bias");
  const perColumn = (t: Tensor) => t.rank >= 1 && t.rank <= 2 && t.shape[t.rank - 1] === n && t.size === n;
  if (bias !== undefined && (!perColumn(bias) || bias.dtype !== x.dtype)) {
    throw new Error(`fused.matMul: bias must be ${x.dtype} of shape [${n}] (one value per output column of the ${fmt([m, n])} product), got ${describe(bias)}`);
  }
  const kernels = denseKernels(x.dtype, activation, m, k, n);
  const values = kernels !== null
    ? kernels.denseForwardF32(f32(x), f32(y), bias && f32(bias), m, k, n, transposeA, transposeB, activation === "relu")
    : biasActivation(matmulValues(x, y, m, k, n, transposeA, transposeB), bias?.values(), activation, m, n);
  const inputs = bias === undefined ? [x, y] : [x, y, bias];
  let out: Tensor;
  out = output("fused.matMul", inputs, values, [m, n], x.dtype, (dy, needs) => {
    // Ops run here are recorded by any tape that is recording (a tape computing gradients of
    // gradients); only when none is may the backward skip them for the WebAssembly kernel.
    // Chosen again: setThreads may have closed the pool the forward ran on since.
    const backward = isRecording() || dy.dtype !== "float32" ? null : denseKernels(x.dtype, activation, m, k, n);
    if (backward !== null) {
      const wanted = { a: needs[0], b: needs[1], bias: bias !== undefined && needs[2] };
      const g = backward.denseBackwardF32(f32(dy), activation === "relu" ? f32(out) : undefined, f32(x), f32(y), m, k, n, transposeA, transposeB, wanted);
      const grad = (v: Float32Array | undefined, like: Tensor) => (v === undefined ? null : fromValues(v, like.shape, "float32"));
      return bias === undefined ? [grad(g.da, x), grad(g.db, y)] : [grad(g.da, x), grad(g.db, y), grad(g.dbias, bias)];
    }
    const dz = BACKWARD[activation](dy, out);
    const [da, db] = matmulGrads(dz, x, y, transposeA, transposeB, needs);
    // The bias' gradient is dz itself: the tape sums it down to the bias' shape.
    return bias === undefined ? [da, db] : [da, db, dz];
  });
  return out;
}

/** A float32 tensor's elements in row-major order (a view unless the tensor is a strided view). */
function f32(t: Tensor): Float32Array {
  return t.values() as Float32Array;
}
