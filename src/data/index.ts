/**
 * Datasets and loaders: `fromTensorSlices`, IDX files and MNIST.
 * @module
 */
export { Dataset, fromTensorSlices, fromGenerator, type Element, type ShuffleOptions } from "./dataset.js";
export { readIdx, loadMnist, type LoadMnistOptions, type MnistSplit } from "./mnist.js";
export { parseIdx, encodeIdx, IdxFormatError, type IdxDtype, type IdxData, type IdxArrayMap, type ParseIdxOptions } from "./idx.js";
