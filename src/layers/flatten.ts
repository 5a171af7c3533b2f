/**
 * Flattening every sample to a vector: `[batch, d1, d2, …]` → `[batch, d1·d2·…]`.
 * @module
 */
import { sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { reshape } from "../ops/shape.js";
import { Layer, sampleSize, type CallOptions, type LayerOptions, type LayerShape } from "./layer.js";
import { checkOptions } from "./options.js";

/** The flatten layer: keeps the batch dimension, joins the others. */
export class Flatten extends Layer {
  /** @throws Error for an unknown option. */
  constructor(options: LayerOptions = {}) {
    checkOptions("flatten", options, ["name", "inputShape", "trainable", "dtype"]);
    super(options, "flatten");
  }

  override get className(): string {
    return "Flatten";
  }

  override call(x: Tensor, _options?: CallOptions): Tensor {
    return reshape(x, [x.shape[0], sizeOf(x.shape.slice(1))]);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return [inputShape[0], sampleSize(inputShape)];
  }
}

/**
 * A flatten layer: `[batch, 28, 28]` → `[batch, 784]`.
 * @example `gt.sequential([gt.layers.flatten({ inputShape: [28, 28] }), gt.layers.dense({ units: 10 })])`
 */
export function flatten(options: LayerOptions = {}): Flatten {
  return new Flatten(options);
}
