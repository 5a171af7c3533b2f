/**
 * Loss functions, in Keras' argument order: `(yTrue, yPred)`.
 * @module
 */
export {
  meanSquaredError, sparseCategoricalCrossentropy, categoricalCrossentropy, binaryCrossentropy, EPSILON,
  type CrossentropyOptions, type LossFn,
} from "./losses.js";
