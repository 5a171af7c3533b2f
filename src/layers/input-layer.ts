/**
 * `gt.input({ shape })`: the entry point of a functional graph, and `InputLayer`, the layer behind
 * it (Keras' `InputLayer`), which a functional model lists first and which passes its input
 * through unchanged.
 * @module
 */
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { Layer, uniqueName, type CallOptions, type LayerConfig, type LayerShape } from "./layer.js";
import { checkOptions } from "./options.js";
import { checkInputOptions, SymbolicTensor, type InputOptions, type Node } from "./symbolic.js";

/** Options of `InputLayer` (as its config stores them). */
export interface InputLayerOptions {
  /** The layer's name. */
  name?: string;
  /** The shape of one sample, without the batch dimension. */
  shape: readonly number[];
  /** The dtype of the input (default `'float32'`). */
  dtype?: DType;
}

/** The layer behind {@link input}: no weights; it passes its input through. */
export class InputLayer extends Layer {
  /** The symbolic tensor it produces. */
  readonly output: SymbolicTensor;

  /** @throws Error for a shape that is not positive integers, an unknown dtype or option. */
  constructor(options: InputLayerOptions) {
    checkOptions("input", options, ["name", "shape", "dtype"]);
    const { shape, dtype } = checkInputOptions(options);
    if (options.name !== undefined && (typeof options.name !== "string" || options.name === "" || options.name.includes("/"))) {
      throw new Error(`input: name must be a non-empty string without '/', got ${JSON.stringify(options.name)}`);
    }
    super({ name: options.name ?? uniqueName("input"), inputShape: shape, dtype }, "input");
    this.buildInputShape = [null, ...shape];
    const node: Node = { layer: this, inputs: [], list: false, id: -1, output: undefined as unknown as SymbolicTensor };
    this.output = node.output = new SymbolicTensor([null, ...shape], dtype, node);
    this.inboundNodes.push(node);
  }

  override get className(): string {
    return "InputLayer";
  }

  override call(x: Tensor, _options?: CallOptions): Tensor {
    return x;
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): LayerConfig["config"] {
    return { name: this.name, shape: (this.inputShape as number[]).slice(), dtype: this.dtype };
  }
}

/**
 * A symbolic input of a functional model: a placeholder for a batch of samples of `shape`. Apply
 * layers to it, then pass it as `inputs` to `gt.model`.
 * @param options - `shape` of one sample (no batch dimension), `dtype` (default `'float32'`), `name`.
 * @returns a {@link SymbolicTensor} of shape `[null, ...shape]`.
 * @throws Error when `shape` is not an array of positive integers, or for an unknown dtype.
 * @example
 * ```ts
 * const inp = gt.input({ shape: [784] });
 * const out = gt.layers.dense({ units: 10 }).apply(gt.layers.dense({ units: 128, activation: "relu" }).apply(inp));
 * const model = gt.model({ inputs: inp, outputs: out });
 * ```
 */
export function input(options: InputOptions): SymbolicTensor {
  return new InputLayer(options).output;
}
