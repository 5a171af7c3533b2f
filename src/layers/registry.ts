/**
 * The registry of custom layer classes: what lets a saved model that uses your own `Layer`
 * subclass load again. Saving writes each layer's `className`; loading looks the name up among
 * the built-in layers, then here (TF.js' `serialization.registerClass`, Keras'
 * `register_keras_serializable`).
 * @module
 */
import { describe } from "../tensor/tensor.js";
import { Layer } from "./layer.js";

/** A layer class that loading can construct: `new cls(config)` with the layer's saved config. */
export type LayerClass = (new (config: never) => Layer) & {
  /** The name the class saves under, when it is not the class's own name. */
  readonly className?: string;
};

const registered = new Map<string, LayerClass>();

/** The name a class saves under: what its instances' `className` gives (by default the class's name). */
function savedName(cls: LayerClass): unknown {
  try {
    return Reflect.get(cls.prototype, "className", cls.prototype);
  } catch {
    return undefined;
  }
}

/**
 * Registers a custom layer class so that `loadModel`, `fromMemory`, `loadCheckpoint` and
 * `layers.modelFromConfig` can rebuild models that use it. Loading calls `new cls(config)` with
 * the layer's `getConfig()` (name, trainable, dtype, inputShape and whatever the class adds), then
 * builds it and loads its weights. Register before loading; registering the same class again is
 * harmless.
 * @param cls - a subclass of `Layer`. It saves under its instances' `className`: by default a
 * static `className` property or else the class's name (set one explicitly if your bundler
 * renames classes).
 * @returns the class, so that it can decorate a declaration.
 * @throws Error when `cls` is not a `Layer` subclass, its name is a built-in layer's, or another
 * class is registered under the same name.
 * @example
 * ```ts
 * class Scale extends gt.layers.Layer { ... }
 * gt.registerLayer(Scale);           // or gt.serialization.registerClass(Scale), as in TF.js
 * const model = gt.loadModel("runs/scaled");
 * ```
 */
export function registerLayer<C extends LayerClass>(cls: C): C {
  return register("registerLayer", cls);
}

/** @internal {@link registerLayer} under the name the caller used, so that messages name it. */
export function register<C extends LayerClass>(fn: string, cls: C): C {
  if (typeof cls !== "function" || !(cls.prototype instanceof Layer)) {
    throw new Error(`${fn}: expected a subclass of gt.layers.Layer, got ${describe(cls)}`);
  }
  const name = savedName(cls);
  if (typeof name !== "string" || name === "") throw new Error(`${fn}: the class must have a name (its className), got ${describe(name)}`);
  if (BUILT_IN.has(name)) throw new Error(`${fn}: '${name}' is a built-in layer's class name; give your class another className`);
  const previous = registered.get(name);
  if (previous !== undefined && previous !== cls) {
    throw new Error(`${fn}: another class is already registered as '${name}'; give one of them another className (a static className property)`);
  }
  registered.set(name, cls);
  return cls;
}

/** @internal The registered class of a saved `className`, if any. */
export function registeredLayer(name: string): LayerClass | undefined {
  return registered.get(name);
}

/** @internal The names registered so far, for messages. */
export function registeredNames(): string[] {
  return [...registered.keys()];
}

/** @internal The built-in class names, which no custom class may take; filled by serialize.ts. */
export const BUILT_IN = new Set<string>();
