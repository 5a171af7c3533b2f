/**
 * The ops as `Tensor` methods (`x.add(y)`, `x.matmul(w)`, `x.sum()`), installed on the prototype
 * so that the op modules can import `Tensor` without a cycle.
 * @module
 */
import type { DType } from "../tensor/dtype.js";
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import * as a from "./arithmetic.js";
import * as act from "./activations.js";
import * as c from "./compare.js";
import { cast } from "./lift.js";
import * as mm from "./matrix.js";
import * as r from "./reductions.js";
import * as s from "./shape.js";
import * as scan from "./scans.js";
import * as sel from "./selection.js";
import * as st from "./stacking.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** {@link add} */ add(b: TensorLike): Tensor;
    /** {@link sub} */ sub(b: TensorLike): Tensor;
    /** {@link mul} */ mul(b: TensorLike): Tensor;
    /** {@link div} */ div(b: TensorLike): Tensor;
    /** {@link neg} */ neg(): Tensor;
    /** {@link square} */ square(): Tensor;
    /** {@link sqrt} */ sqrt(): Tensor;
    /** {@link exp} */ exp(): Tensor;
    /** {@link log} */ log(): Tensor;
    /** {@link abs} */ abs(): Tensor;
    /** {@link pow} */ pow(exponent: TensorLike): Tensor;
    /** {@link maximum} */ maximum(b: TensorLike): Tensor;
    /** {@link minimum} */ minimum(b: TensorLike): Tensor;
    /** {@link clipByValue} */ clipByValue(lo: number, hi: number): Tensor;
    /** {@link relu} */ relu(): Tensor;
    /** {@link leakyRelu} */ leakyRelu(alpha?: number): Tensor;
    /** {@link sigmoid} */ sigmoid(): Tensor;
    /** {@link tanh} */ tanh(): Tensor;
    /** {@link softmax} */ softmax(axis?: number): Tensor;
    /** {@link logSoftmax} */ logSoftmax(axis?: number): Tensor;
    /** {@link matmul} */ matmul(b: TensorLike, transposeA?: boolean, transposeB?: boolean): Tensor;
    /** {@link transpose} */ transpose(perm?: readonly number[]): Tensor;
    /** {@link reshape} */ reshape(shape: readonly number[]): Tensor;
    /** {@link broadcastTo} */ broadcastTo(shape: readonly number[]): Tensor;
    /** {@link expandDims} */ expandDims(axis?: number): Tensor;
    /** {@link squeeze} */ squeeze(axis?: number | readonly number[]): Tensor;
    /** {@link sum} */ sum(axis?: r.Axis, keepDims?: boolean): Tensor;
    /** {@link mean} */ mean(axis?: r.Axis, keepDims?: boolean): Tensor;
    /** {@link max} */ max(axis?: r.Axis, keepDims?: boolean): Tensor;
    /** {@link min} */ min(axis?: r.Axis, keepDims?: boolean): Tensor;
    /** {@link slice} */ slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor;
    /** {@link pad} */ pad(paddings: readonly (readonly [number, number])[]): Tensor;
    /** {@link gather} */ gather(indices: TensorLike, axis?: number): Tensor;
    /** {@link argMax} */ argMax(axis?: number): Tensor;
    /** {@link equal} */ equal(b: TensorLike): Tensor;
    /** {@link greater} */ greater(b: TensorLike): Tensor;
    /** {@link less} */ less(b: TensorLike): Tensor;
    /** {@link sign} */ sign(): Tensor;
    /** {@link cast} */ cast(dtype: DType): Tensor;
    /** {@link stopGradient} */ stopGradient(): Tensor;
    /** {@link stack}: this tensor stacked with `others`, TF.js' chained form. */ stack(others: Tensor | readonly Tensor[], axis?: number): Tensor;
    /** {@link unstack} */ unstack(axis?: number): Tensor[];
    /** {@link split} */ split(numOrSizeSplits: number | readonly number[], axis?: number): Tensor[];
    /** {@link tile} */ tile(reps: readonly number[]): Tensor;
    /** {@link where}: this tensor where `condition` holds, else `b` (TF.js' chained form). */ where(condition: TensorLike, b: TensorLike): Tensor;
    /** {@link cumsum} */ cumsum(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    /** {@link topk} */ topk(k?: number, sorted?: boolean): sel.TopK;
  }
}

const p = Tensor.prototype;
p.add = function (b) { return a.add(this, b); };
p.sub = function (b) { return a.sub(this, b); };
p.mul = function (b) { return a.mul(this, b); };
p.div = function (b) { return a.div(this, b); };
p.neg = function () { return a.neg(this); };
p.square = function () { return a.square(this); };
p.sqrt = function () { return a.sqrt(this); };
p.exp = function () { return a.exp(this); };
p.log = function () { return a.log(this); };
p.abs = function () { return a.abs(this); };
p.pow = function (e) { return a.pow(this, e); };
p.maximum = function (b) { return a.maximum(this, b); };
p.minimum = function (b) { return a.minimum(this, b); };
p.clipByValue = function (lo, hi) { return a.clipByValue(this, lo, hi); };
p.relu = function () { return act.relu(this); };
p.leakyRelu = function (alpha) { return act.leakyRelu(this, alpha); };
p.sigmoid = function () { return act.sigmoid(this); };
p.tanh = function () { return act.tanh(this); };
p.softmax = function (axis) { return act.softmax(this, axis); };
p.logSoftmax = function (axis) { return act.logSoftmax(this, axis); };
p.matmul = function (b, ta, tb) { return mm.matmul(this, b, ta, tb); };
p.transpose = function (perm) { return s.transpose(this, perm); };
p.reshape = function (shape) { return s.reshape(this, shape); };
p.broadcastTo = function (shape) { return s.broadcastTo(this, shape); };
p.expandDims = function (axis) { return s.expandDims(this, axis); };
p.squeeze = function (axis) { return s.squeeze(this, axis); };
p.sum = function (axis, keepDims) { return r.sum(this, axis, keepDims); };
p.mean = function (axis, keepDims) { return r.mean(this, axis, keepDims); };
p.max = function (axis, keepDims) { return r.max(this, axis, keepDims); };
p.min = function (axis, keepDims) { return r.min(this, axis, keepDims); };
p.slice = function (begin, size) { return s.slice(this, begin, size); };
p.pad = function (paddings) { return s.pad(this, paddings); };
p.gather = function (indices, axis) { return s.gather(this, indices, axis); };
p.argMax = function (axis) { return c.argMax(this, axis); };
p.equal = function (b) { return c.equal(this, b); };
p.greater = function (b) { return c.greater(this, b); };
p.less = function (b) { return c.less(this, b); };
p.sign = function () { return c.sign(this); };
p.cast = function (dtype) { return cast(this, dtype); };
p.stopGradient = function () { return s.stopGradient(this); };
p.stack = function (others, axis) { return st.stack(others instanceof Tensor ? [this, others] : [this, ...others], axis); };
p.unstack = function (axis) { return st.unstack(this, axis); };
p.split = function (spec, axis) { return st.split(this, spec, axis); };
p.tile = function (reps) { return st.tile(this, reps); };
p.where = function (condition, b) { return sel.where(condition, this, b); };
p.topk = function (k, sorted) { return sel.topk(this, k, sorted); };
p.cumsum = function (axis, exclusive, reverse) { return scan.cumsum(this, axis, exclusive, reverse); };
