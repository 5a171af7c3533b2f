/**
 * The TF.js layers-model format, as `tf.io` hands it around: a Keras-style `modelTopology`
 * (snake_case configs), a list of weight specs and one buffer of little-endian weights.
 * @module
 */

/** One weight in {@link TfjsArtifacts.weightSpecs}: its scoped name (`dense/kernel`), shape and dtype. */
export interface TfjsWeightSpec {
  /** `layerName/weightName`, e.g. `batch_normalization/moving_mean`. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** `'float32'` (or `'int32'`; TF.js' other dtypes are refused); quantized weights are not read. */
  dtype: "float32" | "int32" | "bool" | "string" | "complex64";
  /** Set by the converter's quantization; gradtape refuses such weights. */
  quantization?: TfjsQuantization;
}

/** TF.js' quantization of a weight (which gradtape refuses to read). */
export interface TfjsQuantization {
  /** The step between quantized values. */
  scale?: number;
  /** The value of quantized 0. */
  min?: number;
  /** The stored type. */
  dtype: "uint8" | "uint16" | "float16";
}

/** A Keras layer config inside a topology: `{ class_name, config }`. */
export interface KerasLayerSpec {
  /** The Keras class: `'Dense'`, `'Conv2D'`, … */
  class_name: string;
  /** Its options, snake_case. */
  config: Record<string, unknown>;
}

/**
 * What `tf.io.fromMemory` and `tf.io.withSaveHandler` pass around (TF.js' `ModelArtifacts`):
 * `tf.loadLayersModel(tf.io.fromMemory(artifacts))` loads it.
 */
export interface TfjsArtifacts {
  /** The Keras topology: `{ class_name: 'Sequential', config: { name, layers } }` plus versions. */
  modelTopology: Record<string, unknown>;
  /** The weights in the order their bytes lie in `weightData`. */
  weightSpecs: TfjsWeightSpec[];
  /** All weights' bytes, or several buffers to read one after the other. */
  weightData: ArrayBuffer | ArrayBuffer[];
  /** `'layers-model'`. */
  format?: string;
  /** Who wrote it. */
  generatedBy?: string;
  /** Who converted it (the `tensorflowjs_converter` of a Keras file), or null. */
  convertedBy?: string | null;
}

/** gradtape's weight names → TF.js/Keras' (the others are the same). */
export const TFJS_WEIGHT_NAMES: Readonly<Record<string, string>> = { movingMean: "moving_mean", movingVariance: "moving_variance", recurrentKernel: "recurrent_kernel" };
