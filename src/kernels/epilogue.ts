/**
 * What fused products do around their matrix product: the bias and activation applied in place
 * to each `[m, n]` row-major result, and, for a first-order backward pass, the activation's
 * derivative and the bias' gradient in one sweep each. relu and linear get loops of their own:
 * they are the common case and a function call per element would cost more than the arithmetic.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../tensor/dtype.js";

/** The activations a fused product applies. */
export type FusedActivation = "linear" | "relu" | "sigmoid" | "tanh";

/** The activations' forwards, elementwise. */
export const ACTIVATION_FORWARD: Record<FusedActivation, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => (v < 0 ? 0 : v),
  sigmoid: (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
  tanh: Math.tanh,
};

/** Adds `bias` (one value per column) to the `[m, n]` product and applies `activation`, in place. */
export function biasActivation(values: TypedArray, bias: TypedArray | undefined, activation: FusedActivation, m: number, n: number): TypedArray {
  if (bias === undefined && activation === "linear") return values;
  const f = ACTIVATION_FORWARD[activation];
  for (let r = 0; r < m; r++) {
    const base = r * n;
    if (activation === "relu") {
      for (let j = 0; j < n; j++) {
        const z = bias === undefined ? values[base + j] : values[base + j] + bias[j];
        values[base + j] = z < 0 ? 0 : z;
      }
    } else if (activation === "linear") {
      for (let j = 0; j < n; j++) values[base + j] += bias![j];
    } else {
      for (let j = 0; j < n; j++) values[base + j] = f(bias === undefined ? values[base + j] : values[base + j] + bias[j]);
    }
  }
  return values;
}

/** dL/dz from dL/dy and the activation's output y, elementwise (a new array). */
export function activationBackward(dy: TypedArray, y: TypedArray, activation: FusedActivation, dtype: DType): TypedArray {
  const dz = allocate(dtype, dy.length);
  switch (activation) {
    case "linear": dz.set(dy); break;
    case "relu": for (let i = 0; i < dy.length; i++) dz[i] = y[i] > 0 ? dy[i] : 0; break;
    case "sigmoid": for (let i = 0; i < dy.length; i++) dz[i] = dy[i] * (y[i] * (1 - y[i])); break;
    case "tanh": for (let i = 0; i < dy.length; i++) dz[i] = dy[i] * (1 - y[i] * y[i]); break;
  }
  return dz;
}

/** The sums of the columns of an `[m, n]` row-major matrix: a bias' gradient. Accumulates in float64. */
export function columnSums(values: TypedArray, m: number, n: number, dtype: DType): TypedArray {
  const acc = new Float64Array(n);
  for (let r = 0; r < m; r++) {
    const base = r * n;
    for (let j = 0; j < n; j++) acc[j] += values[base + j];
  }
  const out = allocate(dtype, n);
  out.set(acc);
  return out;
}
