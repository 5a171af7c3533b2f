/**
 * TF.js' `tf.serialization` names, for code written against TF.js: `registerClass` is
 * {@link registerLayer}.
 * @module
 */
export { registerLayer as registerClass } from "./registry.js";
