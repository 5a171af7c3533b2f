/**
 * Elementwise arithmetic, each op with its gradient beside it. Binary ops broadcast; their
 * gradients are returned at the output's shape and the tape sums them down to each input's.
 * @module
 */
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { binary, lift2, toFloat, toTensor, unary } from "./lift.js";
import { equal, greater, greaterEqual, less, lessEqual, notEqual, sign } from "./compare.js";

/** `a + b`, broadcast. @example `gt.add(x, 1)` */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2("add", a, b);
  return binary("add", x, y, (p, q) => p + q, (dz) => [dz, dz]);
}

/** `a - b`, broadcast. @example `gt.sub(1, x)` */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2("sub", a, b);
  return binary("sub", x, y, (p, q) => p - q, (dz) => [dz, neg(dz)]);
}

/** `a * b`, elementwise and broadcast. @example `gt.mul(100, y)` */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2("mul", a, b);
  return binary("mul", x, y, (p, q) => p * q, (dz) => [mul(dz, y), mul(dz, x)]);
}

/** `a / b`, broadcast; int32 inputs divide as float32. @example `gt.div(x, 255)` */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2("div", toFloatLike(a), toFloatLike(b));
  return binary("div", x, y, (p, q) => p / q, (dz) => [div(dz, y), neg(div(mul(dz, x), square(y)))]);
}

/** `-x`. */
export function neg(x: TensorLike): Tensor {
  return unary("neg", toTensor("neg", x), (v) => -v, (dy) => neg(dy));
}

/** `x²`. */
export function square(x: TensorLike): Tensor {
  const t = toTensor("square", x);
  return unary("square", t, (v) => v * v, (dy) => mul(dy, mul(t, 2)));
}

/** `√x` (NaN below zero, as `Math.sqrt`). */
export function sqrt(x: TensorLike): Tensor {
  return unary("sqrt", toFloat("sqrt", x), Math.sqrt, (dy, y) => div(dy, mul(y, 2)));
}

/** `eˣ`. */
export function exp(x: TensorLike): Tensor {
  return unary("exp", toFloat("exp", x), Math.exp, (dy, y) => mul(dy, y));
}

/** The natural logarithm. */
export function log(x: TensorLike): Tensor {
  const t = toFloat("log", x);
  return unary("log", t, Math.log, (dy) => div(dy, t));
}

/** `|x|`; its gradient at 0 is 0. */
export function abs(x: TensorLike): Tensor {
  const t = toTensor("abs", x);
  return unary("abs", t, Math.abs, (dy) => mul(dy, sign(t)));
}

/**
 * `x` raised to `exponent` (a number, or a tensor broadcast against `x`). With a tensor exponent
 * its gradient `xᵉ·ln x` is taken as 0 where x ≤ 0, where the logarithm is undefined.
 * @example `gt.pow(x, 3)`
 */
export function pow(x: TensorLike, exponent: TensorLike): Tensor {
  if (typeof exponent === "number") {
    const t = toFloat("pow", x);
    const e = exponent;
    return unary("pow", t, (v) => Math.pow(v, e), (dy) => (e === 0 ? mul(dy, 0) : mul(dy, mul(pow(t, e - 1), e))));
  }
  const [b, e] = lift2("pow", toFloatLike(x), toFloatLike(exponent));
  return binary("pow", b, e, Math.pow, (dz, z) => {
    const positive = greater(b, 0);
    const safeLog = log(add(mul(b, positive), sub(1, positive)));
    // e·b^(e−1) is 0·0^(−1) = NaN at b = 0, e = 0; PyTorch (and the number-exponent path) give 0
    // there. Where e = 0 the power is taken to 0 instead, so the factor e makes it 0.
    const lowered = sub(e, notEqual(e, 0));
    return [mul(dz, mul(e, pow(b, lowered))), mul(dz, mul(z, safeLog))];
  });
}

/**
 * The gradients of a choice between `a` and `b`: `dz` to the input that won, and half of it to
 * each where they tie, as `max` over `[a, b]` splits it (PyTorch's rule; TF.js sends a tie's
 * gradient to `a`). The split is what central differences measure at a tie, and it is the exact
 * derivative of compositions such as `maximum(x, 0) + log(1 + exp(-|x|))` at `x = 0`.
 */
function choiceGradients(dz: Tensor, aWins: Tensor, bWins: Tensor, tie: Tensor): [Tensor, Tensor] {
  const half = mul(mul(dz, tie), 0.5);
  return [add(mul(dz, aWins), half), add(mul(dz, bWins), half)];
}

/**
 * The larger of `a` and `b`, elementwise; NaN where either is NaN, and +0 where the two are
 * zeros of either sign (IEEE 754's maximum, JavaScript's `Math.max` and TF.js; NumPy returns
 * the first operand: `np.maximum(-0.0, 0.0)` is −0). A tie splits the gradient evenly.
 * @example `gt.maximum([1, 5], 3)` is `[3, 5]`; its gradient at a tie is 0.5 to each input.
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2("maximum", a, b);
  return binary("maximum", x, y, Math.max, (dz) => choiceGradients(dz, greater(x, y), less(x, y), equal(x, y)));
}

/**
 * The smaller of `a` and `b`, elementwise; NaN where either is NaN, and −0 where the two are
 * zeros of either sign (IEEE 754's minimum, `Math.min`, TF.js). A tie splits the gradient evenly.
 * @example `gt.minimum([1, 5], 3)` is `[1, 3]`.
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2("minimum", a, b);
  return binary("minimum", x, y, Math.min, (dz) => choiceGradients(dz, less(x, y), greater(x, y), equal(x, y)));
}

/**
 * Clamps `x` to `[lo, hi]`; the gradient passes where `lo ≤ x ≤ hi`.
 * @throws Error when `lo > hi` or either bound is NaN.
 */
export function clipByValue(x: TensorLike, lo: number, hi: number): Tensor {
  if (!(lo <= hi)) throw new Error(`clipByValue: lo (${lo}) must not be greater than hi (${hi})`);
  const t = toTensor("clipByValue", x);
  return unary("clipByValue", t, (v) => (v < lo ? lo : v > hi ? hi : v), (dy) => mul(dy, mul(greaterEqual(t, lo), lessEqual(t, hi))));
}

/** Lifts plain values as float and converts int32 tensors, for the real-valued ops. */
function toFloatLike(x: TensorLike): TensorLike {
  return x instanceof Tensor && x.dtype === "int32" ? toFloat("div", x) : x;
}
