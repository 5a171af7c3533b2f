/**
 * `checkGradients`: the tape's gradients against central finite differences in float64.
 * @module
 */
import { checkOptionNames, optionNames } from "../util/options.js";
import { GradientTape } from "./tape.js";
import { fromValues, randomNormal } from "../tensor/create.js";
import { describe, Tensor } from "../tensor/tensor.js";
import { cast } from "../ops/lift.js";
import { mul } from "../ops/arithmetic.js";
import { sum } from "../ops/reductions.js";

/** Options of {@link checkGradients}. */
export interface CheckGradientsOptions {
  /** Step of the central difference, relative to max(1, |x|) (default 1e-5). */
  epsilon?: number;
  /** Seed of the random weights that project a non-scalar output to a scalar (default 0). */
  seed?: number;
}

/** What {@link checkGradients} found. */
export interface GradientCheckResult {
  /**
   * The largest |analytic − numeric| / max(1, |analytic|, |numeric|) over every element of every
   * input: relative for large gradients, absolute for gradients near zero, where a relative
   * error would only measure rounding noise.
   */
  maxRelativeError: number;
  /** The largest |analytic − numeric|. */
  maxAbsoluteError: number;
  /** Where the largest relative error occurred. */
  worst: {
    /** The index of the input in `inputs`. */
    input: number;
    /** The element's index in that input, in row-major order. */
    index: number;
    /** The tape's gradient there. */
    analytic: number;
    /** The central finite difference there. */
    numeric: number;
  };
  /** The tape's gradients, one per input (float64). */
  analytic: Tensor[];
  /** The finite-difference gradients, one per input (float64). */
  numeric: Tensor[];
}

/**
 * Compares the tape's gradient of `fn` with central finite differences, in float64.
 *
 * A non-scalar output is reduced to `sum(fn(...) * r)` with fixed random weights `r`, so every
 * element of the Jacobian takes part, not only its column sums.
 *
 * @param fn - the function of the inputs to check.
 * @param inputs - points at which to check; converted to float64.
 * @throws Error when an input is not a float tensor or `fn` does not return a tensor.
 * @example
 * ```ts
 * const { maxRelativeError } = gt.checkGradients((x) => x.tanh().sum(), [gt.tensor([0.5, -1])]);
 * ```
 */
export function checkGradients(fn: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: CheckGradientsOptions = {}): GradientCheckResult {
  if (typeof fn !== "function") throw new Error(`checkGradients: fn must be a function of the inputs, got ${describe(fn)}`);
  if (!Array.isArray(inputs)) throw new Error(`checkGradients: inputs must be an array of tensors, such as [x], got ${describe(inputs)}`);
  checkOptionNames("checkGradients", options, optionNames<CheckGradientsOptions>({ epsilon: true, seed: true }));
  const { epsilon = 1e-5, seed = 0 } = options;
  if (typeof epsilon !== "number" || !(epsilon > 0 && epsilon < 1)) throw new Error(`checkGradients: epsilon must be a number in (0, 1), got ${describe(epsilon)}`);
  const xs = inputs.map((x, i) => {
    if (!(x instanceof Tensor)) throw new Error(`checkGradients: input ${i} is not a tensor: got ${describe(x)}`);
    if (x.dtype === "int32") throw new Error(`checkGradients: input ${i} is int32; gradients exist only for float inputs`);
    return cast(x, "float64");
  });
  const probe = fn(...xs);
  if (!(probe instanceof Tensor)) throw new Error(`checkGradients: fn must return a tensor, got ${describe(probe)}`);
  const weights = probe.rank === 0 ? undefined : randomNormal(probe.shape, { seed, dtype: "float64" });
  const scalar = (...args: Tensor[]): Tensor => {
    const y = cast(fn(...args), "float64");
    return weights === undefined ? y : sum(mul(y, weights));
  };

  const tape = new GradientTape();
  tape.watch(xs);
  const loss = tape.record(() => scalar(...xs));
  const analytic = tape.gradient(loss, xs);

  const result: GradientCheckResult = {
    maxRelativeError: 0, maxAbsoluteError: 0,
    worst: { input: -1, index: -1, analytic: 0, numeric: 0 },
    analytic, numeric: [],
  };
  xs.forEach((x, i) => {
    const base = x.values();
    const num = new Float64Array(base.length);
    const a = analytic[i].values();
    for (let j = 0; j < base.length; j++) {
      const h = epsilon * Math.max(1, Math.abs(base[j]));
      const at = (v: number): number => {
        const moved = Float64Array.from(base);
        moved[j] = v;
        const args = xs.slice();
        args[i] = fromValues(moved, x.shape, "float64");
        return scalar(...args).item();
      };
      num[j] = (at(base[j] + h) - at(base[j] - h)) / (2 * h);
      const abs = Math.abs(a[j] - num[j]);
      const rel = abs / Math.max(1, Math.abs(a[j]), Math.abs(num[j]));
      if (!(abs <= result.maxAbsoluteError)) result.maxAbsoluteError = abs;
      if (!(rel <= result.maxRelativeError)) {
        result.maxRelativeError = rel;
        result.worst = { input: i, index: j, analytic: a[j], numeric: num[j] };
      }
    }
    result.numeric.push(fromValues(num, x.shape, "float64"));
  });
  return result;
}
