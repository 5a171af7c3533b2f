/**
 * Pooling layers (Keras names): `MaxPooling2D`, `AveragePooling2D` over windows, and the global
 * poolings that reduce each channel of an image to one number.
 * @module
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Padding } from "../kernels/conv/geometry.js";
import { avgPool, maxPool } from "../ops/pooling.js";
import { max, mean } from "../ops/reductions.js";
import { Layer, type CallOptions, type LayerConfig, type LayerOptions, type LayerShape } from "./layer.js";
import { checkOptions } from "./options.js";
import { checkImageShape, pair, paddingOption, windowOutput } from "./window-options.js";

/** Options of {@link maxPooling2d} and {@link averagePooling2d}. */
export interface Pooling2DOptions extends LayerOptions {
  /** The window: a number or `[h, w]` (default 2). */
  poolSize?: number | [number, number];
  /** A number or `[h, w]` (default: `poolSize`). */
  strides?: number | [number, number];
  /** `'valid'` (default), `'same'` or `[[top, bottom], [left, right]]`. */
  padding?: Padding;
}

const POOL_KNOWN = ["poolSize", "strides", "padding", "name", "inputShape", "trainable", "dtype"];

/** What max and average pooling layers share: the window and its checks. */
abstract class Pooling2D extends Layer {
  /** The window, `[height, width]`. */
  readonly poolSize: [number, number];
  /** The steps, `[h, w]`. */
  readonly strides: [number, number];
  /** `'valid'`, `'same'` or explicit. */
  readonly padding: Padding;

  protected constructor(options: Pooling2DOptions, prefix: string) {
    checkOptions(prefix, options, POOL_KNOWN);
    super(options, prefix);
    this.poolSize = pair(this.name, "poolSize", options.poolSize ?? 2);
    this.strides = pair(this.name, "strides", options.strides ?? this.poolSize);
    this.padding = paddingOption(this.name, options.padding);
  }

  protected abstract pool(x: Tensor): Tensor;

  override call(x: Tensor, _options?: CallOptions): Tensor {
    checkImageShape(this.name, x.shape);
    return this.pool(x);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this.name, inputShape);
    const [h, w] = windowOutput(this.name, inputShape, this.poolSize, this.strides, [1, 1], this.padding);
    return [inputShape[0], h, w, inputShape[3]];
  }

  override build(inputShape: LayerShape): void {
    this.computeOutputShape(inputShape);
  }

  override getConfig(): LayerConfig["config"] {
    return {
      ...super.getConfig(), poolSize: this.poolSize.slice(), strides: this.strides.slice(),
      padding: typeof this.padding === "string" ? this.padding : this.padding.map((p) => p.slice()),
    };
  }
}

/** The maximum of each window. */
export class MaxPooling2D extends Pooling2D {
  /** @throws Error for an invalid or unknown option. */
  constructor(options: Pooling2DOptions = {}) {
    super(options, "maxPooling2d");
  }
  override get className(): string {
    return "MaxPooling2D";
  }
  protected pool(x: Tensor): Tensor {
    return maxPool(x, this.poolSize, this.strides, this.padding);
  }
}

/** The mean of each window (over its real pixels, with `'same'` padding). */
export class AveragePooling2D extends Pooling2D {
  /** @throws Error for an invalid or unknown option. */
  constructor(options: Pooling2DOptions = {}) {
    super(options, "averagePooling2d");
  }
  override get className(): string {
    return "AveragePooling2D";
  }
  protected pool(x: Tensor): Tensor {
    return avgPool(x, this.poolSize, this.strides, this.padding);
  }
}

/** What the global poolings share: `[batch, h, w, c]` → `[batch, c]`. */
abstract class GlobalPooling2D extends Layer {
  protected constructor(options: LayerOptions, prefix: string) {
    checkOptions(prefix, options, ["name", "inputShape", "trainable", "dtype"]);
    super(options, prefix);
  }
  override call(x: Tensor, _options?: CallOptions): Tensor {
    checkImageShape(this.name, x.shape);
    return this.reduce(x);
  }
  protected abstract reduce(x: Tensor): Tensor;
  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this.name, inputShape);
    return [inputShape[0], inputShape[3]];
  }
}

/** The mean of each channel over the whole image. */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  /** @throws Error for an unknown option. */
  constructor(options: LayerOptions = {}) {
    super(options, "globalAveragePooling2d");
  }
  override get className(): string {
    return "GlobalAveragePooling2D";
  }
  protected reduce(x: Tensor): Tensor {
    return mean(x, [1, 2]);
  }
}

/** The maximum of each channel over the whole image. */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  /** @throws Error for an unknown option. */
  constructor(options: LayerOptions = {}) {
    super(options, "globalMaxPooling2d");
  }
  override get className(): string {
    return "GlobalMaxPooling2D";
  }
  protected reduce(x: Tensor): Tensor {
    return max(x, [1, 2]);
  }
}

/**
 * A max-pooling layer (Keras' `MaxPooling2D`).
 * @example `gt.layers.maxPooling2d({ poolSize: 2 })` halves the height and width.
 */
export function maxPooling2d(options: Pooling2DOptions = {}): MaxPooling2D {
  return new MaxPooling2D(options);
}

/**
 * An average-pooling layer (Keras' `AveragePooling2D`).
 * @example `gt.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: "same" })`
 */
export function averagePooling2d(options: Pooling2DOptions = {}): AveragePooling2D {
  return new AveragePooling2D(options);
}

/**
 * The mean of each channel (Keras' `GlobalAveragePooling2D`): `[batch, h, w, c]` → `[batch, c]`.
 * @example `gt.layers.globalAveragePooling2d()`
 */
export function globalAveragePooling2d(options: LayerOptions = {}): GlobalAveragePooling2D {
  return new GlobalAveragePooling2D(options);
}

/**
 * The maximum of each channel (Keras' `GlobalMaxPooling2D`): `[batch, h, w, c]` → `[batch, c]`.
 * @example `gt.layers.globalMaxPooling2d()`
 */
export function globalMaxPooling2d(options: LayerOptions = {}): GlobalMaxPooling2D {
  return new GlobalMaxPooling2D(options);
}
