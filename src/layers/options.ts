/**
 * Checking the options that layers, `compile`, `fit` and `evaluate` take: a misspelt or
 * Keras-spelt name (`input_shape`, `batch_size`) fails loudly instead of being ignored.
 * @module
 */
import { checkOptionNames } from "../util/options.js";
import { describe, Tensor } from "../tensor/tensor.js";
import type { LayerShape } from "./layer.js";

/** @internal `glorot_uniform` → `glorotUniform`: Keras' snake_case names read as ours. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * @internal Throws unless `options` is undefined or a plain object whose keys are all in `known`;
 * a snake_case key whose camelCase form is known is named in the message.
 */
export function checkOptions<T extends object>(where: string, options: T | undefined, known: readonly string[]): T {
  return checkOptionNames(where, options, known) as T;
}

/** @internal The options every layer takes ({@link LayerOptions}), for the lists of known names. */
export const LAYER_OPTIONS: readonly string[] = ["name", "inputShape", "trainable", "dtype"];

/** @internal A positive integer, else an error naming the option and the value. */
export function positiveInteger(where: string, label: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new Error(`${where}: ${label} must be a positive integer, got ${typeof value === "number" ? value : describe(value)}`);
  }
  return value;
}

/** @internal A shape without the batch dimension: positive integers. */
export function checkInputShape(where: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 1)) {
    throw new Error(`${where}: inputShape must be an array of positive integers without the batch dimension (e.g. [784]), got ${JSON.stringify(shape)}`);
  }
  return shape.slice();
}

/**
 * @internal A layer shape, batch first, as `build` and `computeOutputShape` take it: sizes
 * (non-negative integers), or null where unknown (`[null, 784]`).
 */
export function checkLayerShape(where: string, shape: unknown, arg = "inputShape"): LayerShape {
  if (!Array.isArray(shape) || shape.some((d) => d !== null && (typeof d !== "number" || !Number.isInteger(d) || d < 0))) {
    throw new Error(`${where}: ${arg} must be a shape with the batch dimension first, sizes or null where unknown (e.g. [null, 784]), got ${JSON.stringify(shape)?.slice(0, 80) ?? describe(shape)}`);
  }
  if (shape.length === 0) throw new Error(`${where}: ${arg} must have the batch dimension first, got [] (a scalar)`);
  return shape as LayerShape;
}

/** @internal The input of a layer's `call`: a tensor with the batch dimension first. */
export function checkLayerInput(where: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${where}: x must be a tensor with the batch dimension first (layer.apply(x) takes arrays too), got ${describe(x)}`);
  if (x.rank === 0) throw new Error(`${where}: expected a batch of inputs (batch dimension first), got a scalar`);
  return x;
}
