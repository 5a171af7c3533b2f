/**
 * Moving models between gradtape and TensorFlow.js (and from there Keras), as `gt.io`:
 * `toTfjs` / `fromTfjs` in memory, `saveTfjs` / `loadTfjs` as files in Node.
 *
 * ```ts
 * const artifacts = gt.io.toTfjs(model);          // tf.loadLayersModel(tf.io.fromMemory(artifacts))
 * const back = gt.io.fromTfjs(artifacts);         // a gradtape Model
 * ```
 * @module
 */
export { toTfjs } from "./to-tfjs.js";
export { fromTfjs } from "./from-tfjs.js";
export { saveTfjs, loadTfjs } from "./files.js";
export type { TfjsArtifacts, TfjsWeightSpec, TfjsQuantization, KerasLayerSpec } from "./format.js";
