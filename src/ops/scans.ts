/**
 * Running reductions along an axis: `cumsum`.
 * @module
 */
import { normalizeAxis, sizeOf } from "../tensor/shape.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { cumsumKernel } from "../kernels/scan.js";
import { output, toTensor } from "./lift.js";

/**
 * Running sum along `axis` (TF.js' flags: `exclusive` leaves each element out of its own sum,
 * `reverse` sums from the end). The gradient is the running sum of the output gradient the
 * other way round, with the same `exclusive`.
 * @throws Error when `axis` is out of range (a scalar has none), or a flag is not a boolean.
 * @example `gt.cumsum(gt.tensor([1, 2, 3]))` gives `[1, 3, 6]`; with `exclusive` `[0, 1, 3]`.
 */
export function cumsum(x: TensorLike, axis = 0, exclusive = false, reverse = false): Tensor {
  const t = toTensor("cumsum", x);
  const ax = normalizeAxis("cumsum", axis, t.rank);
  for (const [name, flag] of [["exclusive", exclusive], ["reverse", reverse]] as const) {
    // A truthy string or number would silently pick one behaviour: say what was meant instead.
    if (typeof flag !== "boolean") throw new Error(`cumsum: ${name} must be true or false, got ${JSON.stringify(flag)}`);
  }
  const values = cumsumKernel(t.values(), sizeOf(t.shape.slice(0, ax)), t.shape[ax], sizeOf(t.shape.slice(ax + 1)), exclusive, reverse, t.dtype);
  return output("cumsum", [t], values, t.shape, t.dtype, (dy) => [cumsum(dy, ax, exclusive, !reverse)]);
}
