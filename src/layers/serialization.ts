/**
 * TF.js' `tf.serialization` names, for code written against TF.js: `registerClass` is
 * {@link registerLayer}.
 * @module
 */
import { register, type LayerClass } from "./registry.js";

/**
 * TF.js' name for {@link registerLayer}: makes a saved model that uses the custom layer class
 * `cls` loadable.
 * @returns the class.
 * @throws Error when `cls` is not a `Layer` subclass, its name is a built-in layer's, or another
 * class is registered under the same name.
 * @example `gt.serialization.registerClass(Scale)`
 */
export function registerClass<C extends LayerClass>(cls: C): C {
  return register("serialization.registerClass", cls);
}
