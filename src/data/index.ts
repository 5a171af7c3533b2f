/**
 * Datasets and loaders: `fromTensorSlices`, IDX files and MNIST.
 * @module
 */
export { Dataset, fromTensorSlices, fromGenerator, type Element } from "./dataset.js";
