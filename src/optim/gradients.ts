/**
 * What is done to gradients before an update: the finiteness check a training loop runs before
 * applying them, and Keras' three kinds of clipping.
 * @module
 */
import { getBackend } from "../kernels/backend.js";
import { countNonFiniteF32 } from "../kernels/wasm/index.js";
import { describe, Tensor, Variable } from "../tensor/tensor.js";
import type { FloatArray } from "./state.js";

/**
 * The names of the variables whose gradient holds a NaN or an infinity, in the order given; empty
 * when every gradient is finite. Null gradients are skipped. A training loop calls this before
 * `applyGradients`, so that one bad batch cannot poison the weights and the optimizer's slots.
 *
 * @param pairs - `[gradient, variable]` pairs, as for `applyGradients`. Pass an array: a one-shot
 * iterator would be used up here.
 * @example
 * ```ts
 * const pairs = gt.zip(grads, model.trainableVariables);
 * const bad = gt.optim.nonFiniteGradients(pairs);
 * if (bad.length > 0) throw new Error(`non-finite gradients for ${bad.join(", ")}`);
 * optimizer.applyGradients(pairs);
 * ```
 */
export function nonFiniteGradients(pairs: Iterable<readonly [Tensor | null | undefined, Variable]>): string[] {
  if (pairs === null || typeof pairs !== "object" || typeof (pairs as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new Error(`nonFiniteGradients: expected an array of [gradient, variable] pairs, got ${describe(pairs)}`);
  }
  const names: string[] = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`nonFiniteGradients: each pair must be a [gradient, variable] array, got ${describe(pair)}`);
    const [g, v] = pair;
    if (!(g instanceof Tensor)) continue;
    const values = g.values();
    if (values instanceof Float32Array && values.length >= 1024 && getBackend() === "wasm") {
      if (countNonFiniteF32(values) > 0) names.push(v instanceof Variable ? v.name : String(v));
      continue;
    }
    for (let i = 0; i < values.length; i++) {
      // v - v is NaN exactly for NaN and ±Infinity, and cheaper than Number.isFinite in a loop.
      if (values[i] - values[i] !== 0) {
        names.push(v instanceof Variable ? v.name : String(v));
        break;
      }
    }
  }
  return names;
}

/** @internal The L2 norm of the values, accumulated in float64. */
export function l2Norm(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s);
}

/**
 * @internal The values scaled by `scale`, in a new array; the input is a tensor's buffer and must
 * not be written.
 */
export function scaled(values: FloatArray, scale: number): FloatArray {
  const out = values.slice();
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

/**
 * @internal Keras' `clipnorm`: `g · clipNorm / max(‖g‖, clipNorm)`. Returns the input itself when
 * the norm is within bounds, so unclipped steps copy nothing.
 */
export function clipByNorm(values: FloatArray, clipNorm: number): FloatArray {
  const norm = l2Norm(values);
  return norm > clipNorm ? scaled(values, clipNorm / norm) : values;
}

/** @internal Keras' `clipvalue`: each element clipped to `[-clipValue, clipValue]`, in a new array when any is. */
export function clipByValue(values: FloatArray, clipValue: number): FloatArray {
  let out: FloatArray | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > clipValue || v < -clipValue) {
      out ??= values.slice();
      out[i] = v > 0 ? clipValue : -clipValue;
    }
  }
  return out ?? values;
}

/**
 * @internal Keras' `global_clipnorm`: every gradient scaled by `clipNorm / max(‖all‖, clipNorm)`,
 * where `‖all‖` is the norm of all gradients taken together.
 */
export function clipByGlobalNorm(list: FloatArray[], clipNorm: number): FloatArray[] {
  let s = 0;
  for (const values of list) {
    const n = l2Norm(values);
    s += n * n;
  }
  const norm = Math.sqrt(s);
  return norm > clipNorm ? list.map((values) => scaled(values, clipNorm / norm)) : list;
}
