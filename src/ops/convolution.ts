/**
 * 2-D convolution (NHWC) and its two gradients, as three ops that are each other's adjoints:
 * the gradient of `conv2d` is `conv2dBackpropInput` and `conv2dBackpropFilter`, and theirs are
 * again these three, so second-order gradients flow through a recording tape.
 * @module
 */
import { checkOptionNames, optionNames } from "../util/options.js";
import { fmt } from "../tensor/shape.js";
import { describe, type Tensor, type TensorLike } from "../tensor/tensor.js";
import { checkPadding, imageBatchShape, pair, windowGeometry, type Padding, type WindowGeometry } from "../kernels/conv/geometry.js";
import { conv2dBiasActivation, conv2dBiasActivationGrads, conv2dFilterGrad, conv2dInputGrad } from "../kernels/conv/conv2d.js";
import { lift2, output, toFloat, toTensor } from "./lift.js";
import { ACTIVATION_FORWARD, type FusedActivation } from "../kernels/epilogue.js";
import { isRecording } from "../autograd/tape.js";
import { fromValues } from "../tensor/create.js";
import { BACKWARD, isFusedActivation } from "./fused.js";
import { reshape } from "./shape.js";

export type { Padding } from "../kernels/conv/geometry.js";

/** A convolution's settings once checked: what the three ops share. */
interface ConvSpec {
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
}

function checkSpec(op: string, strides: unknown, padding: unknown, dilations: unknown): ConvSpec {
  return { strides: pair(op, "strides", strides), dilations: pair(op, "dilations", dilations), padding: checkPadding(op, padding) };
}

/** The geometry of `x` (a batch) against a filter shape, with the channel check. */
function geometryOf(op: string, xShape: readonly number[], filterShape: readonly number[], spec: ConvSpec): WindowGeometry {
  if (filterShape.length !== 4) throw new Error(`${op}: filter must be rank 4 [filterHeight, filterWidth, inChannels, outChannels], got ${fmt(filterShape)}`);
  if (filterShape.some((d) => d === 0)) throw new Error(`${op}: filter has an empty dimension: ${fmt(filterShape)}`);
  if (xShape[3] !== filterShape[2]) {
    throw new Error(`${op}: the input has ${xShape[3]} channels (x ${fmt(xShape)}) but the filter expects inChannels ${filterShape[2]} (filter ${fmt(filterShape)})`);
  }
  return windowGeometry(op, xShape, filterShape[0], filterShape[1], spec.strides, spec.dilations, spec.padding);
}

/** Float operands of one dtype, with `x` as a rank-4 batch and whether it was one image. */
function operands(op: string, a: TensorLike, b: TensorLike, aName: string, bName: string): [Tensor, Tensor] {
  return lift2(op, toFloat(op, a, aName), toFloat(op, b, bName), [aName, bName]);
}

/**
 * Convolves a batch of images with a filter: `y[b, i, j, o] = Σ x[b, i·s + di·d, j·s + dj·d, c] · filter[di, dj, c, o]`
 * (minus the padding offset). NHWC, as Keras and TF.js.
 * @param x - `[batch, height, width, inChannels]`, or `[height, width, inChannels]` for one image.
 * @param filter - `[filterHeight, filterWidth, inChannels, outChannels]`.
 * @param strides - a number or `[h, w]` (default 1).
 * @param padding - `'valid'` (default), `'same'` (output `ceil(in / stride)`, the odd pixel at the
 * bottom/right, as TensorFlow) or `[[top, bottom], [left, right]]`.
 * @param dilations - a number or `[h, w]` (default 1): the filter's taps are this far apart.
 * @throws Error naming the shapes when the channels differ, the window does not fit, or an
 * argument is malformed.
 * @example `gt.conv2d(images, filter, 1, "same")` with images [64, 28, 28, 1] and filter [3, 3, 1, 32] gives [64, 28, 28, 32].
 */
export function conv2d(x: TensorLike, filter: TensorLike, strides: number | [number, number] = 1, padding: Padding = "valid", dilations: number | [number, number] = 1): Tensor {
  return fusedConv2d({ x, filter, strides, padding, dilations }, "conv2d");
}

/** Arguments of the fused convolution `gt.fused.conv2d`, as TF.js' `tf.fused.conv2d`. */
export interface FusedConv2dArgs {
  /** The input, `[batch, height, width, inChannels]` (or one image, rank 3). */
  x: TensorLike;
  /** `[filterHeight, filterWidth, inChannels, outChannels]`. */
  filter: TensorLike;
  /** A number or `[h, w]` (default 1). */
  strides?: number | [number, number];
  /** `'valid'` (default), `'same'` or `[[top, bottom], [left, right]]`. */
  padding?: Padding;
  /** A number or `[h, w]` (default 1). */
  dilations?: number | [number, number];
  /** Added to every output pixel: shape `[outChannels]`. */
  bias?: TensorLike;
  /** Applied last (default `'linear'`): `'relu'`, `'sigmoid'`, `'tanh'`. */
  activation?: FusedActivation;
}

const CONV_ARGS = optionNames<FusedConv2dArgs>({ x: true, filter: true, strides: true, padding: true, dilations: true, bias: true, activation: true });

/**
 * @internal `gt.fused.conv2d` with the caller's name `op` in messages (`conv2d`, a conv2d layer's
 * name); the public door takes the arguments alone, so that nothing else is read as `op`.
 */
export function fusedConv2d(args: FusedConv2dArgs, op = "fused.conv2d"): Tensor {
  if (args === null || typeof args !== "object") throw new Error(`${op}: expected { x, filter, ... }, got ${describe(args)}`);
  checkOptionNames(op, args, CONV_ARGS);
  const { strides = 1, padding = "valid", dilations = 1, activation = "linear" } = args;
  if (!isFusedActivation(activation)) throw new Error(`${op}: unknown activation ${JSON.stringify(activation)}; known: ${Object.keys(ACTIVATION_FORWARD).join(", ")}`);
  const spec = checkSpec(op, strides, padding, dilations);
  const [x, w] = operands(op, args.x, args.filter, "x", "filter");
  const single = x.rank === 3;
  const xb = x.rank === 4 ? x : reshape(x, imageBatchShape(op, "x", x.shape));
  const g = geometryOf(op, xb.shape, w.shape, spec);
  const outChannels = w.shape[3];
  const bias = args.bias === undefined ? undefined : toTensor(op, args.bias, x.dtype, "bias");
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== outChannels || bias.dtype !== x.dtype)) {
    throw new Error(`${op}: bias must be ${x.dtype} of shape [${outChannels}] (one value per output channel), got ${describe(bias)}`);
  }
  const values = conv2dBiasActivation(xb.values(), w.values(), bias?.values(), g, outChannels, activation, x.dtype);
  const shape = [g.batch, g.outH, g.outW, outChannels];
  const inputs = bias === undefined ? [xb, w] : [xb, w, bias];
  let y: Tensor;
  y = output(op, inputs, values, shape, x.dtype, (dy, needs) => {
    if (!isRecording()) {
      // First-order training: no tape records the backward's ops, so it runs as kernels alone
      // (the activation's derivative and the bias' gradient in one sweep each, or the dense
      // layer's WebAssembly backward on the column matrix).
      const wanted = { x: needs[0], filter: needs[1], bias: bias !== undefined && needs[2] };
      const r = conv2dBiasActivationGrads(dy.values(), y.values(), xb.values(), w.values(), g, outChannels, activation, wanted, dy.dtype);
      const t = (v: typeof r.dx, like: Tensor) => (v === undefined ? null : fromValues(v, like.shape, dy.dtype));
      return bias === undefined ? [t(r.dx, xb), t(r.dfilter, w)] : [t(r.dx, xb), t(r.dfilter, w), t(r.dbias, bias)];
    }
    const dz = BACKWARD[activation](dy, y);
    const dx = needs[0] ? conv2dBackpropInput(xb.shape, dz, w, spec.strides, spec.padding, spec.dilations) : null;
    const dw = needs[1] ? conv2dBackpropFilter(xb, dz, w.shape, spec.strides, spec.padding, spec.dilations) : null;
    // The bias' gradient is dz itself: the tape sums it down to the bias' shape.
    return bias === undefined ? [dx, dw] : [dx, dw, dz];
  });
  return single ? reshape(y, shape.slice(1)) : y;
}

/**
 * The gradient of {@link conv2d} with respect to its input: `dy` spread back through the
 * filter onto an input of `inputShape` (TF.js' `conv2dTranspose` with the arguments reordered).
 * @param inputShape - the shape of conv2d's `x`, `[batch, height, width, inChannels]`.
 * @param dy - `[batch, outHeight, outWidth, outChannels]`.
 * @throws Error naming the shapes when `dy` is not the output shape of that convolution.
 */
export function conv2dBackpropInput(inputShape: readonly number[], dy: TensorLike, filter: TensorLike, strides: number | [number, number] = 1, padding: Padding = "valid", dilations: number | [number, number] = 1): Tensor {
  const op = "conv2dBackpropInput";
  const spec = checkSpec(op, strides, padding, dilations);
  const [d, w] = operands(op, dy, filter, "dy", "filter");
  const g = geometryOf(op, imageBatchShape(op, "inputShape", inputShape), w.shape, spec);
  checkDy(op, d, g, w.shape[3]);
  const values = conv2dInputGrad(d.values(), w.values(), g, w.shape[3], d.dtype);
  const shape = [g.batch, g.inH, g.inW, g.channels];
  return output(op, [d, w], values, shape, d.dtype, (ddx, needs) => [
    needs[0] ? conv2d(ddx, w, spec.strides, spec.padding, spec.dilations) : null,
    needs[1] ? conv2dBackpropFilter(ddx, d, w.shape, spec.strides, spec.padding, spec.dilations) : null,
  ]);
}

/**
 * The gradient of {@link conv2d} with respect to its filter: the correlation of the input with
 * `dy`, summed over the batch.
 * @param filterShape - `[filterHeight, filterWidth, inChannels, outChannels]`.
 * @throws Error naming the shapes when `dy` is not the output shape of that convolution.
 */
export function conv2dBackpropFilter(x: TensorLike, dy: TensorLike, filterShape: readonly number[], strides: number | [number, number] = 1, padding: Padding = "valid", dilations: number | [number, number] = 1): Tensor {
  const op = "conv2dBackpropFilter";
  const spec = checkSpec(op, strides, padding, dilations);
  const [xt, d] = operands(op, x, dy, "x", "dy");
  const xb = xt.rank === 4 ? xt : reshape(xt, imageBatchShape(op, "x", xt.shape));
  const db = d.rank === 3 ? reshape(d, [1, ...d.shape]) : d;
  const g = geometryOf(op, xb.shape, filterShape, spec);
  checkDy(op, db, g, filterShape[3]);
  const values = conv2dFilterGrad(xb.values(), db.values(), g, filterShape[3], xb.dtype);
  return output(op, [xb, db], values, filterShape.slice(), xb.dtype, (ddw, needs) => [
    needs[0] ? conv2dBackpropInput(xb.shape, db, ddw, spec.strides, spec.padding, spec.dilations) : null,
    needs[1] ? conv2d(xb, ddw, spec.strides, spec.padding, spec.dilations) : null,
  ]);
}

function checkDy(op: string, dy: Tensor, g: WindowGeometry, outChannels: number): void {
  const want = [g.batch, g.outH, g.outW, outChannels];
  if (dy.rank !== 4 || dy.shape.some((d, i) => d !== want[i])) {
    throw new Error(`${op}: dy must have the convolution's output shape ${fmt(want)}, got ${fmt(dy.shape)}`);
  }
}
