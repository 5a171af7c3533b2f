/**
 * Activation functions with their gradients. Sigmoid, tanh and softmax keep their output for
 * the backward pass, since each derivative is cheapest written in terms of it.
 * @module
 */
import { normalizeAxis, sizeOf } from "../tensor/shape.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { softmaxKernel } from "../kernels/softmax.js";
import { cast, output, toFloat, unary } from "./lift.js";
import { add, exp, mul, square, sub } from "./arithmetic.js";
import { greater } from "./compare.js";
import { sum } from "./reductions.js";

/** `max(x, 0)`; the gradient at 0 is 0. */
export function relu(x: TensorLike): Tensor {
  const t = toFloat("relu", x);
  return unary("relu", t, (v) => (v < 0 ? 0 : v), (dy) => mul(dy, greater(t, 0)));
}

/**
 * `x` for x > 0, else `alpha·x` (Keras' default alpha is 0.2).
 * @example `gt.leakyRelu(x, 0.01)`
 */
export function leakyRelu(x: TensorLike, alpha = 0.2): Tensor {
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) throw new Error(`leakyRelu: alpha must be a finite number, got ${String(alpha)}`);
  const t = toFloat("leakyRelu", x);
  return unary("leakyRelu", t, (v) => (v < 0 ? alpha * v : v), (dy) => mul(dy, add(mul(cast(greater(t, 0), t.dtype), 1 - alpha), alpha)));
}

/** The logistic function `1 / (1 + e⁻ˣ)`, computed without overflow for large |x|. */
export function sigmoid(x: TensorLike): Tensor {
  return unary(
    "sigmoid",
    toFloat("sigmoid", x),
    (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
    (dy, y) => mul(dy, mul(y, sub(1, y))),
  );
}

/** The hyperbolic tangent. */
export function tanh(x: TensorLike): Tensor {
  return unary("tanh", toFloat("tanh", x), Math.tanh, (dy, y) => mul(dy, sub(1, square(y))));
}

/**
 * `exp(x) / sum(exp(x))` along `axis` (the last by default), shifted by the maximum for stability.
 * @example `gt.softmax(logits)`
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = toFloat("softmax", x);
  const ax = normalizeAxis("softmax", axis, t.rank);
  let y: Tensor;
  y = output("softmax", [t], alongAxis(t, ax, false), t.shape, t.dtype, (dy) => [mul(y, sub(dy, sum(mul(dy, y), ax, true)))]);
  return y;
}

/**
 * `x - log(sum(exp(x)))` along `axis` (the last by default): log-probabilities that stay finite
 * and exact for logits in the thousands.
 */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = toFloat("logSoftmax", x);
  const ax = normalizeAxis("logSoftmax", axis, t.rank);
  let y: Tensor;
  y = output("logSoftmax", [t], alongAxis(t, ax, true), t.shape, t.dtype, (dy) => [sub(dy, mul(exp(y), sum(dy, ax, true)))]);
  return y;
}

function alongAxis(t: Tensor, ax: number, log: boolean) {
  return softmaxKernel(t.values(), sizeOf(t.shape.slice(0, ax)), t.shape[ax], sizeOf(t.shape.slice(ax + 1)), t.dtype, log);
}
