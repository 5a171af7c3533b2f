/**
 * The embedding layer (Keras' `Embedding`): integer ids → rows of a trainable table. The lookup is
 * `gather`, whose gradient is a sparse segment sum (`unsortedSegmentSum`): each id's row receives
 * the sum of the output gradients at the places the id occurred, with no one-hot matrix built.
 * @module
 */
import { checkSeed, type Seed } from "../tensor/create.js";
import type { Tensor, Variable } from "../tensor/tensor.js";
import { fmt } from "../tensor/shape.js";
import { cast } from "../ops/lift.js";
import { gather } from "../ops/shape.js";
import { initializerOf, type InitializerSpec } from "./initializers.js";
import { Layer, type CallOptions, type LayerConfig, type LayerOptions, type LayerShape } from "./layer.js";
import { checkOptions, positiveInteger } from "./options.js";

/** Options of {@link embedding}. */
export interface EmbeddingOptions extends LayerOptions {
  /** The number of distinct ids: ids run from 0 to `inputDim − 1`. */
  inputDim: number;
  /** The length of each id's vector. */
  outputDim: number;
  /** Initializer of the table (default `'randomUniform'`: uniform in ±0.05, as Keras). */
  embeddingsInitializer?: InitializerSpec;
  /** The length of every input sequence, when fixed (Keras 2's option): gives `inputShape: [inputLength]`. */
  inputLength?: number;
  /** Keras' masking of id 0; only `false` is supported (gradtape layers carry no masks). */
  maskZero?: boolean;
  /** Seed of the table's draw: the same seed, the same table. */
  seed?: Seed;
}

const KNOWN = ["inputDim", "outputDim", "embeddingsInitializer", "inputLength", "maskZero", "seed", "name", "inputShape", "trainable", "dtype"];

/** The embedding layer. Its one weight, `embeddings`, has shape `[inputDim, outputDim]`. */
export class Embedding extends Layer {
  /** The number of distinct ids. */
  readonly inputDim: number;
  /** The length of each id's vector. */
  readonly outputDim: number;
  /** The table's initializer. */
  readonly embeddingsInitializer: InitializerSpec;
  /** The fixed sequence length, if given. */
  readonly inputLength: number | undefined;
  /** The seed of the table's draw, if given. */
  readonly seed: Seed | undefined;
  /** The table `[inputDim, outputDim]`, once built. */
  embeddings: Variable | undefined;

  /** @throws Error for a missing or invalid `inputDim` or `outputDim`, `maskZero: true`, or an unknown option or initializer. */
  constructor(options: EmbeddingOptions) {
    checkOptions("embedding", options, KNOWN);
    if (options === undefined) throw new Error("embedding: options are required, e.g. embedding({ inputDim: 1000, outputDim: 64 })");
    positiveInteger("embedding", "inputDim", options.inputDim);
    positiveInteger("embedding", "outputDim", options.outputDim);
    if (options.inputLength !== undefined) positiveInteger("embedding", "inputLength", options.inputLength);
    if (options.maskZero !== undefined && options.maskZero !== false) {
      throw new Error(`embedding: maskZero ${JSON.stringify(options.maskZero)} is not supported: gradtape layers carry no masks; reserve no id for padding, or pad with an id the model can learn to ignore`);
    }
    if (options.inputLength !== undefined && options.inputShape !== undefined && (options.inputShape.length !== 1 || options.inputShape[0] !== options.inputLength)) {
      throw new Error(`embedding: inputLength ${options.inputLength} contradicts inputShape ${JSON.stringify(options.inputShape)}`);
    }
    const embeddingsInitializer = options.embeddingsInitializer ?? "randomUniform";
    initializerOf("embedding", embeddingsInitializer);
    super({ ...options, inputShape: options.inputShape ?? (options.inputLength === undefined ? undefined : [options.inputLength]) }, "embedding");
    this.inputDim = options.inputDim;
    this.outputDim = options.outputDim;
    this.embeddingsInitializer = embeddingsInitializer;
    this.inputLength = options.inputLength;
    this.seed = checkSeed(this.name, options.seed);
  }

  override get className(): string {
    return "Embedding";
  }

  override build(_inputShape: LayerShape): void {
    this.embeddings = this.addWeight("embeddings", [this.inputDim, this.outputDim], this.embeddingsInitializer, { seed: this.seed });
  }

  /**
   * Looks up each id's row: ids `[batch, ...]` → `[batch, ..., outputDim]`. Float ids are accepted
   * when they are whole numbers, as Keras casts them.
   * @throws Error naming the id and its index when an id is not an integer in `[0, inputDim)`.
   */
  override call(x: Tensor, _options?: CallOptions): Tensor {
    const table = this.embeddings;
    if (table === undefined) throw new Error(`${this.name}: the layer is not built yet; run it with layer.apply(x) or inside a model`);
    if (this.inputLength !== undefined && x.shape[1] !== this.inputLength) {
      throw new Error(`${this.name}: expected sequences of inputLength ${this.inputLength}, got ids of shape ${fmt(x.shape)}`);
    }
    const ids = x.values();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.inputDim) {
        throw new Error(`${this.name}: id ${id} at index ${fmt(unravel(i, x.shape))} of ids ${fmt(x.shape)} is not an integer in [0, ${this.inputDim}) (inputDim ${this.inputDim})`);
      }
    }
    return gather(table, x.dtype === "int32" ? x : cast(x, "int32"));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return [...inputShape, this.outputDim];
  }

  override getConfig(): LayerConfig["config"] {
    const config: LayerConfig["config"] = {
      ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim, embeddingsInitializer: this.embeddingsInitializer, maskZero: false,
    };
    if (this.inputLength !== undefined) config.inputLength = this.inputLength;
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}

/** The multi-index of row-major position `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

/**
 * An embedding layer (Keras' `Embedding`): int32 ids `[batch, ...]` → vectors `[batch, ..., outputDim]`.
 * @param options - `inputDim` and `outputDim` (required), `embeddingsInitializer` (`'randomUniform'`,
 * ±0.05), `inputLength`, `maskZero` (only false), `seed`, `inputShape`, `dtype`, `name`.
 * @throws Error for a missing or invalid size, `maskZero: true`, or an unknown option or initializer.
 * @example
 * ```ts
 * const model = gt.sequential([
 *   gt.layers.embedding({ inputDim: 1000, outputDim: 16, inputLength: 20 }),
 *   gt.layers.flatten(),
 *   gt.layers.dense({ units: 1, activation: "sigmoid" }),
 * ]);
 * ```
 */
export function embedding(options: EmbeddingOptions): Embedding {
  return new Embedding(options);
}
