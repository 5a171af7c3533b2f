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

/** A function used as a layer's activation: a tensor in, a tensor of the same shape out. */
export type ActivationFunction = (x: Tensor) => Tensor;

/**
 * What a layer's `activation` option takes, as Keras: a built-in name, a name given to
 * {@link registerActivation}, or a function.
 */
export type ActivationSpec = ActivationName | (string & {}) | ActivationFunction;

// Registered functions, by name and by identity: a layer given a registered function can be
// saved under its name, and a saved name finds the function again when the model is loaded.
const REGISTERED = new Map<string, ActivationFunction>();
const REGISTERED_NAMES = new Map<ActivationFunction, string>();

/**
 * Registers `fn` as the activation `name`, so that layers given either can be saved and loaded
 * (Keras' `custom_objects`, TF.js' `serialization.registerClass` for functions). Register it
 * before loading a model that names it, too.
 * @throws Error when `name` is empty or a built-in activation's, `fn` is not a function, or
 * `name` is already registered to another function.
 * @example
 * ```ts
 * const swish = (x: gt.Tensor) => gt.mul(x, gt.sigmoid(x));
 * gt.layers.registerActivation("swish", swish);
 * gt.layers.dense({ units: 8, activation: "swish" });  // or activation: swish
 * ```
 */
export function registerActivation(name: string, fn: ActivationFunction): void {
  if (typeof name !== "string" || name === "") throw new Error(`registerActivation: name must be a non-empty string, got ${name === "" ? '""' : describe(name)}`);
  if (typeof fn !== "function") throw new Error(`registerActivation: fn must be a function (a tensor in, a tensor out), got ${describe(fn)}`);
  if (Object.hasOwn(FUNCTIONS, camelCase(name))) throw new Error(`registerActivation: '${name}' is a built-in activation; choose another name`);
  const before = REGISTERED.get(name);
  if (before !== undefined && before !== fn) throw new Error(`registerActivation: '${name}' is already registered to another function`);
  REGISTERED.set(name, fn);
  REGISTERED_NAMES.set(fn, name);
}

function known(): string {
  return [...ACTIVATION_NAMES, ...REGISTERED.keys()].join(", ");
}

/**
 * The activation function of a name (built in or registered); Keras' snake_case
 * (`'leaky_relu'`) is accepted too.
 * @throws Error listing the known names when `name` is unknown.
 * @example `gt.layers.getActivation('relu')(x)`
 */
export function getActivation(name: string, params: ActivationParams = {}): (x: Tensor) => Tensor {
  if (typeof name === "string" && REGISTERED.has(name)) return REGISTERED.get(name)!;
  // Checked here, not only by the layers that call it, so that the message names getActivation.
  if (!isActivationName(name)) throw new Error(`getActivation: ${unknownActivation(name)}`);
  checkOptions("getActivation", params, ["alpha", "axis"]);
  const f = FUNCTIONS[camelCase(name) as ActivationName];
  return (x) => f(x, params);
}

const isActivationName = (name: unknown): name is string => typeof name === "string" && Object.hasOwn(FUNCTIONS, camelCase(name));

function unknownActivation(name: unknown): string {
  // JSON.stringify of a function is undefined, of a tensor its buffer: say what was given instead.
  const given = typeof name === "function" ? "a function"
    : name !== null && typeof name === "object" && !Array.isArray(name) && Object.getPrototypeOf(name) !== Object.prototype ? describe(name)
    : (JSON.stringify(name) ?? String(name)).slice(0, 80);
  const hint = typeof name === "string" ? "; a function of your own can be registered under a name with gt.layers.registerActivation(name, fn)" : "";
  return `unknown activation ${given}; known activations: ${known()}${hint}`;
}

/** @internal The canonical name of an activation (`'leaky_relu'` → `'leakyRelu'`), checked. */
export function activationName(name: string): ActivationName {
  if (!isActivationName(name)) throw new Error(unknownActivation(name));
  return camelCase(name) as ActivationName;
}

/** Whether `name` is one of the built-in activations (not a registered or unnamed function). */
export function isBuiltInActivation(name: string): name is ActivationName {
  return Object.hasOwn(FUNCTIONS, name);
}

/** @internal A layer's activation, resolved: the name it is saved under and the function it applies. */
export interface ResolvedActivation {
  /** The canonical built-in name, the registered name, or the function's own name. */
  name: string;
  fn: ActivationFunction;
  /** False for a function that was not registered: such a layer cannot be saved. */
  serializable: boolean;
}

/** @internal Resolves a layer's `activation` option (name, registered name or function). */
export function resolveActivation(given: ActivationSpec | undefined, fallback: ActivationName): ResolvedActivation {
  if (given === undefined) return { name: fallback, fn: getActivation(fallback), serializable: true };
  if (typeof given === "function") {
    const registered = REGISTERED_NAMES.get(given);
    if (registered !== undefined) return { name: registered, fn: given, serializable: true };
    return { name: given.name === "" ? "(anonymous function)" : given.name, fn: given, serializable: false };
  }
  const registered = REGISTERED.get(given);
  if (registered !== undefined) return { name: given, fn: registered, serializable: true };
  const name = activationName(given);
  return { name, fn: getActivation(name), serializable: true };
}

/**
 * @internal A layer's activation as a built-in name, for formats that know only those (ONNX,
 * TF.js): a registered or unregistered function of the user's has no operator there.
 */
export function builtInActivationOf(where: string, layer: { name: string; className: string }, activation: string): ActivationName {
  if (isBuiltInActivation(activation)) return activation;
  throw new Error(`${where}: layer '${layer.name}' (${layer.className}) has the activation '${activation}', a function of its own, which the format cannot express; ` +
    `use a built-in activation (${ACTIVATION_NAMES.join(", ")}) to export this model`);
}

/**
 * @internal The name a layer's activation is saved under; a function registered after the layer
 * was made counts as registered. Refuses (at save time) a function that was never registered.
 */
export function savedActivationName(layer: string, option: string, a: ResolvedActivation): string {
  if (a.serializable) return a.name;
  const registered = REGISTERED_NAMES.get(a.fn);
  if (registered !== undefined) return registered;
  throw new Error(
    `layer '${layer}': its ${option} is a function (${a.name}) that was not registered, so the model cannot be saved; ` +
    `call gt.layers.registerActivation("${a.name === "(anonymous function)" ? "myActivation" : a.name}", fn) before saving (and before loading the model)`);
}

const CLASS_NAMES: Record<ActivationName, string> = {
  relu: "ReLU", sigmoid: "Sigmoid", tanh: "Tanh", softmax: "Softmax", leakyRelu: "LeakyReLU", linear: "Activation",
};
const PREFIXES: Record<ActivationName, string> = {
  relu: "relu", sigmoid: "sigmoid", tanh: "tanh", softmax: "softmax", leakyRelu: "leaky_relu", linear: "activation",
};

/** Options of {@link activation}. */
export interface ActivationLayerOptions extends LayerOptions, ActivationParams {
  /** The activation to apply: a built-in or registered name, or a function. */
  activation: ActivationSpec;
}

/**
 * A layer without weights that applies one activation elementwise (softmax: along `axis`).
 * Made by {@link relu}, {@link sigmoid}, {@link tanh}, {@link softmax}, {@link leakyRelu} or
 * {@link activation}.
 */
export class Activation extends Layer {
  /** The activation's name (built in or registered), or an unregistered function's own name. */
  readonly activation: string;
  /** Its parameters (alpha, axis). */
  readonly params: ActivationParams;
  private readonly fn: (x: Tensor) => Tensor;
  private readonly resolved: ResolvedActivation;

  /** @throws Error listing the known activations when the name is unknown. */
  constructor(options: ActivationLayerOptions) {
    requiredOptions("activation", options, ["activation", "alpha", "axis", ...LAYER_OPTIONS], "activation({ activation: 'relu' })");
    const resolved = resolveActivation(options.activation, "linear");
    const builtIn = isBuiltInActivation(resolved.name) ? resolved.name : undefined;
    super(options, builtIn === undefined ? "activation" : PREFIXES[builtIn]);
    this.activation = resolved.name;
    this.resolved = resolved;
    this.params = {};
    if (options.alpha !== undefined) this.params.alpha = options.alpha;
    if (options.axis !== undefined) this.params.axis = options.axis;
    this.fn = builtIn === undefined ? resolved.fn : getActivation(builtIn, this.params);
  }

  override get className(): string {
    return isBuiltInActivation(this.activation) ? CLASS_NAMES[this.activation] : "Activation";
  }

  override call(x: Tensor, _options?: CallOptions): Tensor {
    return this.fn(x);
  }

  override getConfig(): LayerConfig["config"] {
    return { ...super.getConfig(), activation: savedActivationName(this.name, "activation", this.resolved), ...this.params };
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
