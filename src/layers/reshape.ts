/**
 * Reshaping every sample (Keras' `Reshape`): `[batch, 784]` → `[batch, 28, 28, 1]`.
 * @module
 */
import { fmt, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { reshape as reshapeOp } from "../ops/shape.js";
import { fmtLayerShape, Layer, sampleSize, type CallOptions, type LayerConfig, type LayerOptions, type LayerShape } from "./layer.js";
import { checkOptions } from "./options.js";

/** Options of {@link reshape}. */
export interface ReshapeOptions extends LayerOptions {
  /** The shape of one sample after the layer, without the batch dimension; one entry may be -1. */
  targetShape: readonly number[];
}

/** The reshape layer: keeps the batch dimension, gives each sample `targetShape`. */
export class Reshape extends Layer {
  /** The shape of one sample after the layer; -1 is inferred. */
  readonly targetShape: readonly number[];

  /** @throws Error when `targetShape` is not positive integers with at most one -1. */
  constructor(options: ReshapeOptions) {
    checkOptions("reshape", options, ["targetShape", "name", "inputShape", "trainable", "dtype"]);
    const t = options?.targetShape;
    const ok = Array.isArray(t) && t.every((d) => Number.isInteger(d) && (d >= 1 || d === -1)) && t.filter((d) => d === -1).length <= 1;
    if (!ok) throw new Error(`reshape: targetShape must be an array of positive integers with at most one -1 (the batch dimension left out), got ${JSON.stringify(t)}`);
    super(options, "reshape");
    this.targetShape = t.slice();
  }

  override get className(): string {
    return "Reshape";
  }

  /** The sample shape for `size` elements per sample, with the -1 filled in. */
  private resolve(size: number | null, shown: string): (number | null)[] {
    const known = sizeOf(this.targetShape.filter((d) => d !== -1));
    const free = this.targetShape.includes(-1);
    if (size === null) return this.targetShape.map((d) => (d === -1 ? null : d));
    if (free ? size % known !== 0 : size !== known) {
      throw new Error(`${this.name}: cannot reshape samples of ${shown} (${size} elements) to targetShape ${fmt(this.targetShape)}`);
    }
    return this.targetShape.map((d) => (d === -1 ? size / known : d));
  }

  override call(x: Tensor, _options?: CallOptions): Tensor {
    const sample = this.resolve(sizeOf(x.shape.slice(1)), fmt(x.shape.slice(1))) as number[];
    return reshapeOp(x, [x.shape[0], ...sample]);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return [inputShape[0], ...this.resolve(sampleSize(inputShape), fmtLayerShape(inputShape.slice(1)))];
  }

  override build(inputShape: LayerShape): void {
    this.computeOutputShape(inputShape);
  }

  override getConfig(): LayerConfig["config"] {
    return { ...super.getConfig(), targetShape: this.targetShape.slice() };
  }
}

/**
 * A reshape layer (Keras' `Reshape`).
 * @example `gt.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784] })`
 */
export function reshape(options: ReshapeOptions): Reshape {
  return new Reshape(options);
}
