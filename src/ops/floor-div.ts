/**
 * `floorDiv`: division rounded toward −∞, as TF.js' `floorDiv` and Python's `//`.
 * @module
 */
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { binary, lift2 } from "./lift.js";

/**
 * `⌊a / b⌋` elementwise, broadcast, in the operands' dtype (int32 stays int32). Not
 * differentiable: like the comparisons, it is a constant to the tape. An int32 division by 0
 * gives 0 (there is no integer infinity); a float one gives ±∞ or NaN.
 * @throws Error naming both shapes when they do not broadcast, or both dtypes when they clash.
 * @example `gt.floorDiv(gt.tensor([7, -7]), 2)` gives `[3, -4]`.
 */
export function floorDiv(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2("floorDiv", a, b);
  return binary("floorDiv", x, y, (p, q) => Math.floor(p / q));
}
