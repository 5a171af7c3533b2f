/**
 * The fully connected layer: `y = activation(x @ kernel + bias)`.
 * @module
 */
import { checkSeed, type Seed } from "../tensor/create.js";
import type { Tensor, Variable } from "../tensor/tensor.js";
import { cast } from "../ops/lift.js";
import { isFusedActivation, matMul } from "../ops/fused.js";
import { reshape } from "../ops/shape.js";
import { resolveActivation, savedActivationName, type ActivationSpec, type ResolvedActivation } from "./activations.js";
import { initializerOf, type InitializerSpec } from "./initializers.js";
import { fmtLayerShape, Layer, type CallOptions, type LayerConfig, type LayerOptions, type LayerShape } from "./layer.js";
import { checkLayerInput, checkLayerShape, checkOptions, positiveInteger } from "./options.js";

/** Options of {@link dense}. */
export interface DenseOptions extends LayerOptions {
  /** The number of outputs. */
  units: number;
  /** Applied to the output (default `'linear'`: none). */
  activation?: ActivationSpec;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** Initializer of the kernel (default `'glorotUniform'`). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the bias (default `'zeros'`). */
  biasInitializer?: InitializerSpec;
  /** Seed of the kernel's draw (the bias draws from `${seed}/bias`): the same seed, the same weights. */
  seed?: Seed;
}

const KNOWN = ["units", "activation", "useBias", "kernelInitializer", "biasInitializer", "seed", "name", "inputShape", "trainable", "dtype"];

/**
 * A densely connected layer. The kernel has shape `[inputDim, units]` and is made on the first
 * input; inputs of rank > 2 are multiplied along their last axis.
 */
export class Dense extends Layer {
  /** The number of outputs. */
  readonly units: number;
  /** The activation's name (built in or registered), or an unregistered function's own name. */
  readonly activation: string;
  /** Whether the layer adds a bias. */
  readonly useBias: boolean;
  /** The kernel's initializer. */
  readonly kernelInitializer: InitializerSpec;
  /** The bias' initializer. */
  readonly biasInitializer: InitializerSpec;
  /** The seed of the weights' draws, if given. */
  readonly seed: Seed | undefined;
  /** `[inputDim, units]`, once built. */
  kernel: Variable | undefined;
  /** `[units]`, once built (when `useBias`). */
  bias: Variable | undefined;
  private readonly activationFn: (x: Tensor) => Tensor;
  private readonly resolvedActivation: ResolvedActivation;

  /** @throws Error for a missing or invalid `units`, an unknown option, activation or initializer. */
  constructor(options: DenseOptions) {
    checkOptions("dense", options, KNOWN);
    if (options === undefined) throw new Error("dense: options are required, e.g. dense({ units: 10 })");
    positiveInteger("dense", "units", options.units);
    const kernelInitializer = options.kernelInitializer ?? "glorotUniform";
    const biasInitializer = options.biasInitializer ?? "zeros";
    initializerOf("dense", kernelInitializer);
    initializerOf("dense", biasInitializer);
    super(options, "dense");
    this.units = options.units;
    this.resolvedActivation = resolveActivation(options.activation, "linear");
    this.activation = this.resolvedActivation.name;
    this.activationFn = this.resolvedActivation.fn;
    this.useBias = options.useBias ?? true;
    if (typeof this.useBias !== "boolean") throw new Error(`${this.name}: useBias must be true or false, got ${JSON.stringify(options.useBias)}`);
    this.kernelInitializer = kernelInitializer;
    this.biasInitializer = biasInitializer;
    this.seed = checkSeed(this.name, options.seed);
  }

  override get className(): string {
    return "Dense";
  }

  /** @throws Error when the last input dimension is unknown. */
  override build(inputShape: LayerShape): void {
    checkLayerShape(`${this.name}.build`, inputShape);
    const inputDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inputDim === null || inputDim === undefined) {
      throw new Error(`${this.name}: cannot build for input shape ${fmtLayerShape(inputShape)}; a dense layer needs a known last dimension`);
    }
    this.kernel = this.addWeight("kernel", [inputDim, this.units], this.kernelInitializer, { seed: this.seed });
    if (this.useBias) this.bias = this.addWeight("bias", [this.units], this.biasInitializer, { seed: this.seed === undefined ? undefined : `${this.seed}/bias` });
  }

  /** @throws Error naming the layer and both sizes when the input's last dimension is not the kernel's. */
  override call(x: Tensor, _options?: CallOptions): Tensor {
    checkLayerInput(`${this.name}.call`, x);
    const kernel = this.kernel;
    if (kernel === undefined) throw new Error(`${this.name}: the layer is not built yet; run it with layer.apply(x) or inside a model, which builds it from x's shape`);
    const inputDim = kernel.shape[0];
    if (x.rank < 2 || x.shape[x.rank - 1] !== inputDim) {
      throw new Error(`${this.name}: expected inputs of shape [batch, ${inputDim}], got [${x.shape.join(", ")}]`);
    }
    const flat = x.rank === 2 ? cast(x, this.dtype) : reshape(cast(x, this.dtype), [-1, inputDim]);
    // relu, sigmoid, tanh and linear fuse into the product; softmax and leakyRelu apply after it.
    const fusable = isFusedActivation(this.activation);
    let y = matMul({ a: flat, b: kernel, bias: this.bias, activation: fusable ? this.activation : "linear" });
    if (x.rank !== 2) y = reshape(y, [...x.shape.slice(0, -1), this.units]);
    return fusable ? y : this.activationFn(y);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return [...checkLayerShape(`${this.name}.computeOutputShape`, inputShape).slice(0, -1), this.units];
  }

  override getConfig(): LayerConfig["config"] {
    const activation = savedActivationName(this.name, "activation", this.resolvedActivation);
    const config = {
      ...super.getConfig(),
      units: this.units, activation, useBias: this.useBias,
      kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer,
    };
    return this.seed === undefined ? config : { ...config, seed: this.seed };
  }
}

/**
 * A dense layer: `y = activation(x @ kernel + bias)`, kernel `[inputDim, units]`.
 * @param options - `units` (required), `activation`, `useBias` (true), `inputShape`,
 * `kernelInitializer` (`'glorotUniform'`), `biasInitializer` (`'zeros'`), `seed`, `dtype` (`'float32'`), `name`.
 * @throws Error for a missing or invalid `units`, or an unknown option, activation or initializer.
 * @example
 * ```ts
 * const model = gt.sequential([
 *   gt.layers.dense({ units: 128, activation: "relu", inputShape: [784] }),
 *   gt.layers.dense({ units: 10 }),
 * ]);
 * ```
 */
export function dense(options: DenseOptions): Dense {
  return new Dense(options);
}
