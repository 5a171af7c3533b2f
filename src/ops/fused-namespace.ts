/**
 * `gt.fused`: ops that do several steps in one pass and one tape node, as TF.js' `tf.fused`.
 * @module
 */
export { matMul, type FusedMatMulArgs, type FusedActivation } from "./fused.js";
export { fusedConv2d as conv2d, type FusedConv2dArgs } from "./convolution.js";
