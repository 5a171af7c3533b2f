/**
 * The 2-D convolution layer (Keras' `Conv2D`): `y = activation(conv2d(x, kernel) + bias)` over
 * NHWC batches, kernel `[kernelHeight, kernelWidth, inChannels, filters]`.
 * @module
 */
import { checkSeed, type Seed } from "../tensor/create.js";
import type { Tensor, Variable } from "../tensor/tensor.js";
import { fmt } from "../tensor/shape.js";
import type { Padding } from "../kernels/conv/geometry.js";
import { cast } from "../ops/lift.js";
import { fusedConv2d } from "../ops/convolution.js";
import { isFusedActivation } from "../ops/fused.js";
import { resolveActivation, savedActivationName, type ActivationSpec, type ResolvedActivation } from "./activations.js";
import { initializerOf, type InitializerSpec } from "./initializers.js";
import { Layer, type CallOptions, type LayerConfig, type LayerOptions, type LayerShape } from "./layer.js";
import { checkOptions, positiveInteger } from "./options.js";
import { checkImageShape, pair, paddingOption, windowOutput } from "./window-options.js";

/** Options of {@link conv2d}. */
export interface Conv2DOptions extends LayerOptions {
  /** The number of output channels. */
  filters: number;
  /** The window: a number or `[height, width]`. */
  kernelSize: number | [number, number];
  /** A number or `[h, w]` (default 1). */
  strides?: number | [number, number];
  /** `'valid'` (default), `'same'` or `[[top, bottom], [left, right]]`. */
  padding?: Padding;
  /** A number or `[h, w]` (default 1): how far apart the kernel's taps are. */
  dilationRate?: number | [number, number];
  /** Applied to the output (default `'linear'`); relu, sigmoid and tanh run inside the convolution's pass. */
  activation?: ActivationSpec;
  /** Whether to add a bias per filter (default true). */
  useBias?: boolean;
  /** Initializer of the kernel (default `'glorotUniform'`, fans `kh·kw·inChannels` and `kh·kw·filters`). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the bias (default `'zeros'`). */
  biasInitializer?: InitializerSpec;
  /** Seed of the kernel's draw (the bias draws from `${seed}/bias`). */
  seed?: Seed;
}

const KNOWN = ["filters", "kernelSize", "strides", "padding", "dilationRate", "activation", "useBias", "kernelInitializer", "biasInitializer", "seed", "name", "inputShape", "trainable", "dtype"];

/** A 2-D convolution over batches of images `[batch, height, width, channels]`. */
export class Conv2D extends Layer {
  /** The number of output channels. */
  readonly filters: number;
  /** The window, `[height, width]`. */
  readonly kernelSize: [number, number];
  /** The steps, `[h, w]`. */
  readonly strides: [number, number];
  /** `'valid'`, `'same'` or explicit. */
  readonly padding: Padding;
  /** The distance between the kernel's taps, `[h, w]`. */
  readonly dilationRate: [number, number];
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
  /** `[kh, kw, inChannels, filters]`, once built. */
  kernel: Variable | undefined;
  /** `[filters]`, once built (when `useBias`). */
  bias: Variable | undefined;
  private readonly activationFn: (x: Tensor) => Tensor;
  private readonly resolvedActivation: ResolvedActivation;

  /** @throws Error for a missing or invalid `filters` or `kernelSize`, or an unknown option, activation or initializer. */
  constructor(options: Conv2DOptions) {
    checkOptions("conv2d", options, KNOWN);
    if (options === undefined) throw new Error("conv2d: options are required, e.g. conv2d({ filters: 32, kernelSize: 3 })");
    positiveInteger("conv2d", "filters", options.filters);
    const kernelInitializer = options.kernelInitializer ?? "glorotUniform";
    const biasInitializer = options.biasInitializer ?? "zeros";
    initializerOf("conv2d", kernelInitializer);
    initializerOf("conv2d", biasInitializer);
    super(options, "conv2d");
    this.filters = options.filters;
    this.kernelSize = pair(this.name, "kernelSize", options.kernelSize);
    this.strides = pair(this.name, "strides", options.strides ?? 1);
    this.dilationRate = pair(this.name, "dilationRate", options.dilationRate ?? 1);
    this.padding = paddingOption(this.name, options.padding);
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
    return "Conv2D";
  }

  /** @throws Error when the input is not a batch of images with a known channel count. */
  override build(inputShape: LayerShape): void {
    checkImageShape(this.name, inputShape);
    const channels = inputShape[3];
    if (channels === null) throw new Error(`${this.name}: cannot build for input shape with an unknown channel count`);
    this.computeOutputShape(inputShape);
    this.kernel = this.addWeight("kernel", [...this.kernelSize, channels, this.filters], this.kernelInitializer, { seed: this.seed });
    if (this.useBias) this.bias = this.addWeight("bias", [this.filters], this.biasInitializer, { seed: this.seed === undefined ? undefined : `${this.seed}/bias` });
  }

  /** @throws Error naming the layer and the shapes when the input does not fit the kernel. */
  override call(x: Tensor, _options?: CallOptions): Tensor {
    const kernel = this.kernel;
    if (kernel === undefined) throw new Error(`${this.name}: the layer is not built yet; run it with layer.apply(x) or inside a model, which builds it from x's shape`);
    checkImageShape(this.name, x.shape);
    if (x.shape[3] !== kernel.shape[2]) {
      throw new Error(`${this.name}: expected inputs with ${kernel.shape[2]} channels (kernel ${fmt(kernel.shape)}), got ${fmt(x.shape)}`);
    }
    const fusable = isFusedActivation(this.activation);
    const y = fusedConv2d({
      x: cast(x, this.dtype), filter: kernel, bias: this.bias, strides: this.strides, padding: this.padding,
      dilations: this.dilationRate, activation: fusable ? this.activation : "linear",
    }, this.name);
    return fusable ? y : this.activationFn(y);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this.name, inputShape);
    const [h, w] = windowOutput(this.name, inputShape, this.kernelSize, this.strides, this.dilationRate, this.padding);
    return [inputShape[0], h, w, this.filters];
  }

  override getConfig(): LayerConfig["config"] {
    const activation = savedActivationName(this.name, "activation", this.resolvedActivation);
    const config = {
      ...super.getConfig(),
      filters: this.filters, kernelSize: this.kernelSize.slice(), strides: this.strides.slice(),
      padding: typeof this.padding === "string" ? this.padding : this.padding.map((p) => p.slice()),
      dilationRate: this.dilationRate.slice(), activation, useBias: this.useBias,
      kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer,
    };
    return this.seed === undefined ? config : { ...config, seed: this.seed };
  }
}

/**
 * A 2-D convolution layer (Keras' `Conv2D`, NHWC).
 * @param options - `filters` and `kernelSize` (required), `strides` (1), `padding` (`'valid'`),
 * `dilationRate` (1), `activation`, `useBias` (true), `kernelInitializer` (`'glorotUniform'`),
 * `biasInitializer` (`'zeros'`), `inputShape`, `seed`, `dtype`, `name`.
 * @throws Error for a missing or invalid option.
 * @example `gt.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1] })`
 */
export function conv2d(options: Conv2DOptions): Conv2D {
  return new Conv2D(options);
}
