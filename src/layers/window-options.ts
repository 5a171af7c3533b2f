/**
 * The options that convolution and pooling layers share: sizes given as a number or `[h, w]`,
 * and the padding, checked with the layer's name in the message.
 * @module
 */
import { checkPadding, windowGeometry, type Padding } from "../kernels/conv/geometry.js";
import { fmtLayerShape, type LayerShape } from "./layer.js";

export { pair } from "../kernels/conv/geometry.js";

/** The padding option, checked. */
export function paddingOption(layer: string, value: unknown): Padding {
  return checkPadding(layer, value ?? "valid");
}

/** Throws unless `shape` is a batch of images `[batch, height, width, channels]`. */
export function checkImageShape(layer: string, shape: LayerShape): void {
  if (shape.length !== 4) {
    const hint = shape.length === 2 ? "; for flat MNIST rows load images with loadMnist({ shape: 'image' }) or put layers.reshape({ targetShape: [28, 28, 1] }) first" : "";
    throw new Error(`${layer}: expected inputs of shape [batch, height, width, channels], got ${fmtLayerShape(shape)}${hint}`);
  }
}

/** The output height and width of a window over an input shape; unknown sizes stay unknown. */
export function windowOutput(layer: string, shape: LayerShape, k: [number, number], strides: [number, number], dilations: [number, number], padding: Padding): [number | null, number | null] {
  const [, h, w] = shape;
  // An unknown size is measured as a large one, which any window fits; its result is dropped.
  const g = windowGeometry(layer, [1, h ?? 1 << 16, w ?? 1 << 16, 1], k[0], k[1], strides, dilations, padding);
  return [h === null ? null : g.outH, w === null ? null : g.outW];
}
