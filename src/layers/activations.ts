/**
 * Activations by name (for `dense({ activation })`) and as layers of their own
 * (`layers.relu()`, `layers.softmax()`, …).
 * @module
 */
import { describe, type Tensor } from "../tensor/tensor.js";
import { requiredOptions } from "../util/options.js";
import * as ops from "../ops/activations.js";
import { Layer, type CallOptions, type LayerConfig, type LayerOptions } from "./layer.js";
import { camelCase, checkOptions, LAYER_OPTIONS } from "./options.js";

/** The activations a layer can name. */
export type ActivationName = "relu" | "sigmoid" | "tanh" | "softmax" | "leakyRelu" | "linear";

/** Parameters of the parametrized activations. */
export interface ActivationParams {
  /** leakyRelu's slope for x < 0 (0.2 as `gt.leakyRelu` and Keras' `activations.leaky_relu`). */
  alpha?: number;
  /** softmax's axis (default -1). */
  axis?: number;
}

const FUNCTIONS: Record<ActivationName, (x: Tensor, p: ActivationParams) => Tensor> = {
  relu: (x) => ops.relu(x),
  sigmoid: (x) => ops.sigmoid(x),
  tanh: (x) => ops.tanh(x),
  softmax: (x, p) => ops.softmax(x, p.axis ?? -1),
  leakyRelu: (x, p) => ops.leakyRelu(x, p.alpha ?? 0.2),
  linear: (x) => x,
};

/** The names {@link getActivation} knows. */
export const ACTIVATION_NAMES = Object.keys(FUNCTIONS) as ActivationName[];

/**
 * The activation function of a name; Keras' snake_case (`'leaky_relu'`) is accepted too.
 * @throws Error listing the known names when `name` is unknown.
 * @example `gt.layers.getActivation('relu')(x)`
 */
export function getActivation(name: string, params: ActivationParams = {}): (x: Tensor) => Tensor {
  // Checked here, not only by the layers that call it, so that the message names getActivation.
  if (!isActivationName(name)) throw new Error(`getActivation: ${unknownActivation(name)}`);
  checkOptions("getActivation", params, ["alpha", "axis"]);
  const f = FUNCTIONS[camelCase(name) as ActivationName];
  return (x) => f(x, params);
}

const isActivationName = (name: unknown): name is string => typeof name === "string" && Object.hasOwn(FUNCTIONS, camelCase(name));

function unknownActivation(name: unknown): string {
  // JSON.stringify of a function is undefined, of a tensor its buffer: say what was given instead.
  const given = typeof name === "function" ? "a function (activations are given by name here; wrap a function in a custom Layer)"
    : name !== null && typeof name === "object" && !Array.isArray(name) && Object.getPrototypeOf(name) !== Object.prototype ? describe(name)
    : (JSON.stringify(name) ?? String(name)).slice(0, 80);
  return `unknown activation ${given}; known activations: ${ACTIVATION_NAMES.join(", ")}`;
}

/** @internal The canonical name of an activation (`'leaky_relu'` → `'leakyRelu'`), checked. */
export function activationName(name: string): ActivationName {
  if (!isActivationName(name)) throw new Error(unknownActivation(name));
  return camelCase(name) as ActivationName;
}

const CLASS_NAMES: Record<ActivationName, string> = {
  relu: "ReLU", sigmoid: "Sigmoid", tanh: "Tanh", softmax: "Softmax", leakyRelu: "LeakyReLU", linear: "Activation",
};
const PREFIXES: Record<ActivationName, string> = {
  relu: "relu", sigmoid: "sigmoid", tanh: "tanh", softmax: "softmax", leakyRelu: "leaky_relu", linear: "activation",
};

/** Options of {@link activation}. */
export interface ActivationLayerOptions extends LayerOptions, ActivationParams {
  /** The activation to apply. */
  activation: ActivationName;
}

/**
 * A layer without weights that applies one activation elementwise (softmax: along `axis`).
 * Made by {@link relu}, {@link sigmoid}, {@link tanh}, {@link softmax}, {@link leakyRelu} or
 * {@link activation}.
 */
export class Activation extends Layer {
  /** The activation's name. */
  readonly activation: ActivationName;
  /** Its parameters (alpha, axis). */
  readonly params: ActivationParams;
  private readonly fn: (x: Tensor) => Tensor;

  /** @throws Error listing the known activations when the name is unknown. */
  constructor(options: ActivationLayerOptions) {
    requiredOptions("activation", options, ["activation", "alpha", "axis", ...LAYER_OPTIONS], "activation({ activation: 'relu' })");
    if (!isActivationName(options.activation)) throw new Error(`activation: ${unknownActivation(options.activation)}`);
    const name = activationName(options.activation);
    super(options, PREFIXES[name]);
    this.activation = name;
    this.params = {};
    if (options.alpha !== undefined) this.params.alpha = options.alpha;
    if (options.axis !== undefined) this.params.axis = options.axis;
    this.fn = getActivation(name, this.params);
  }

  override get className(): string {
    return CLASS_NAMES[this.activation];
  }

  override call(x: Tensor, _options?: CallOptions): Tensor {
    return this.fn(x);
  }

  override getConfig(): LayerConfig["config"] {
    return { ...super.getConfig(), activation: this.activation, ...this.params };
  }
}

/**
 * A layer applying `name`: `layers.activation({ activation: 'tanh' })`.
 * @throws Error listing the known activations when the name is unknown.
 */
export function activation(options: ActivationLayerOptions): Activation {
  return new Activation(options);
}

/** A ReLU layer: `max(x, 0)`. @example `gt.layers.relu()` */
export function relu(options: LayerOptions = {}): Activation {
  return new Activation({ ...checkOptions("relu", options, LAYER_OPTIONS), activation: "relu" });
}

/** A sigmoid layer. @example `gt.layers.sigmoid()` */
export function sigmoid(options: LayerOptions = {}): Activation {
  return new Activation({ ...checkOptions("sigmoid", options, LAYER_OPTIONS), activation: "sigmoid" });
}

/** A tanh layer. @example `gt.layers.tanh()` */
export function tanh(options: LayerOptions = {}): Activation {
  return new Activation({ ...checkOptions("tanh", options, LAYER_OPTIONS), activation: "tanh" });
}

/**
 * A softmax layer along `axis` (default -1, the class axis).
 * @example `gt.layers.softmax()`
 */
export function softmax(options: LayerOptions & { axis?: number } = {}): Activation {
  return new Activation({ ...checkOptions("softmax", options, ["axis", ...LAYER_OPTIONS]), activation: "softmax" });
}

/**
 * A leaky-ReLU layer: `x` for x > 0, else `alpha·x`. The default alpha is 0.3, Keras'
 * `LeakyReLU` layer default (the function `gt.leakyRelu` and the name `'leakyRelu'` use 0.2,
 * as Keras' `activations.leaky_relu`).
 * @throws Error when alpha is not a finite number.
 * @example `gt.layers.leakyRelu({ alpha: 0.1 })`
 */
export function leakyRelu(options: LayerOptions & { alpha?: number } = {}): Activation {
  checkOptions("leakyRelu", options, ["alpha", ...LAYER_OPTIONS]);
  const alpha = options.alpha ?? 0.3;
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) throw new Error(`leakyRelu: alpha must be a finite number, got ${String(alpha)}`);
  return new Activation({ ...options, alpha, activation: "leakyRelu" });
}
