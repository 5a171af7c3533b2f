/**
 * Loss functions, in Keras' argument order: `(yTrue, yPred)`.
 * @module
 */
export {
  meanSquaredError, sparseCategoricalCrossentropy, categoricalCrossentropy, binaryCrossentropy,
  kullbackLeiblerDivergence, kld, EPSILON,
  type CrossentropyOptions, type LossFn,
} from "./losses.js";
export { meanAbsoluteError, huber, cosineSimilarity, type HuberOptions } from "./regression.js";
export { hinge } from "./hinge.js";
