/**
 * `gt.fused`: ops that do several steps in one pass and one tape node, as TF.js' `tf.fused`.
 * @module
 */
import { fusedConv2d, type FusedConv2dArgs } from "./convolution.js";
import type { Tensor } from "../tensor/tensor.js";

export { matMul, type FusedMatMulArgs, type FusedActivation } from "./fused.js";
export type { FusedConv2dArgs } from "./convolution.js";

/**
 * `activation(conv2d(x, filter) + bias)` in one pass and one tape node: the conv2d layer's
 * forward step. Its gradients are the same ops the unfused steps would record.
 * @throws Error as `gt.conv2d`, and for a bias that is not one value per output channel.
 * @example `gt.fused.conv2d({ x, filter, bias, activation: "relu", padding: "same" })`
 */
export function conv2d(args: FusedConv2dArgs): Tensor {
  return fusedConv2d(args);
}
