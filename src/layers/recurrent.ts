/**
 * What Keras' recurrent layers share: inputs `[batch, time, features]`, a kernel
 * `[features, gates·units]` for the input, a recurrent kernel `[units, gates·units]` for the
 * previous output, a bias `[gates·units]`, and the loop over time that feeds each step's state to
 * the next. A subclass says what one step computes ({@link Recurrent.step}); the loop is unrolled
 * on the tape, so gradients flow back through time with ordinary ops (backpropagation through time).
 * @module
 */
import { checkSeed, type Seed } from "../tensor/create.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor, Variable } from "../tensor/tensor.js";
import { cast } from "../ops/lift.js";
import { matMul } from "../ops/fused.js";
import { stack, unstack } from "../ops/stacking.js";
import { resolveActivation, savedActivationName, type ActivationSpec, type ResolvedActivation } from "./activations.js";
import { initializerOf, type Initializer, type InitializerSpec } from "./initializers.js";
import { fmtLayerShape, Layer, type CallOptions, type LayerConfig, type LayerOptions, type LayerShape } from "./layer.js";
import { checkOptions, positiveInteger } from "./options.js";
import { refuseAbstract } from "../util/args.js";

/** Options every recurrent layer takes. */
export interface RecurrentOptions extends LayerOptions {
  /** The size of the output (and of the hidden state). */
  units: number;
  /** Applied to the candidate state (default `'tanh'`). */
  activation?: ActivationSpec;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** Output the state after every step, `[batch, time, units]`, instead of only the last, `[batch, units]` (default false). */
  returnSequences?: boolean;
  /** Read the sequence from its last step to its first (default false); with `returnSequences` the outputs come in that order, as Keras. */
  goBackwards?: boolean;
  /** Keras' option to also return the final state; only `false` is supported (a layer returns one tensor). */
  returnState?: boolean;
  /** Initializer of the input kernel (default `'glorotUniform'`). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the recurrent kernel (default `'orthogonal'`, as Keras). */
  recurrentInitializer?: InitializerSpec;
  /** Initializer of the bias (default `'zeros'`). */
  biasInitializer?: InitializerSpec;
  /** Seed of the kernel's draw (the recurrent kernel draws from `${seed}/recurrent`, the bias from `${seed}/bias`). */
  seed?: Seed;
}

/** @internal The option names every recurrent layer knows. */
export const RECURRENT_OPTIONS = [
  "units", "activation", "useBias", "returnSequences", "goBackwards", "returnState", "kernelInitializer", "recurrentInitializer", "biasInitializer",
  "seed", "name", "inputShape", "trainable", "dtype",
];

/** The base of {@link SimpleRNN} and {@link LSTM}: the weights, the shapes and the loop over time. */
export abstract class Recurrent extends Layer {
  /** The size of the output and of the hidden state. */
  readonly units: number;
  /** The activation's name. */
  readonly activation: string;
  private readonly resolvedActivation: ResolvedActivation;
  /** Whether the layer adds a bias. */
  readonly useBias: boolean;
  /** Whether every step's output is returned. */
  readonly returnSequences: boolean;
  /** Whether the sequence is read backwards. */
  readonly goBackwards: boolean;
  /** The input kernel's initializer. */
  readonly kernelInitializer: InitializerSpec;
  /** The recurrent kernel's initializer. */
  readonly recurrentInitializer: InitializerSpec;
  /** The bias' initializer. */
  readonly biasInitializer: InitializerSpec;
  /** The seed of the weights' draws, if given. */
  readonly seed: Seed | undefined;
  /** `[features, gates·units]`, once built. */
  kernel: Variable | undefined;
  /** `[units, gates·units]`, once built. */
  recurrentKernel: Variable | undefined;
  /** `[gates·units]`, once built (when `useBias`). */
  bias: Variable | undefined;
  /** @internal The activation as a function. */
  protected readonly activationFn: (x: Tensor) => Tensor;

  /**
   * @param where - the maker's name, for messages: `'lstm'`.
   * @param gates - how many blocks of `units` columns the kernels have (1, or LSTM's 4).
   */
  protected constructor(where: string, options: RecurrentOptions, known: readonly string[], protected readonly gates: number) {
    refuseAbstract(new.target, Recurrent, "use gt.layers.simpleRNN, gru or lstm");
    checkOptions(where, options, known);
    if (options === undefined) throw new Error(`${where}: options are required, e.g. ${where}({ units: 32 })`);
    positiveInteger(where, "units", options.units);
    if (options.returnState !== undefined && options.returnState !== false) {
      throw new Error(`${where}: returnState ${JSON.stringify(options.returnState)} is not supported: a layer returns one tensor; use returnSequences: true and slice the last step`);
    }
    const kernelInitializer = options.kernelInitializer ?? "glorotUniform";
    const recurrentInitializer = options.recurrentInitializer ?? "orthogonal";
    const biasInitializer = options.biasInitializer ?? "zeros";
    [kernelInitializer, recurrentInitializer, biasInitializer].forEach((spec) => initializerOf(where, spec));
    super(options, where);
    this.units = options.units;
    this.resolvedActivation = resolveActivation(options.activation, "tanh");
    this.activation = this.resolvedActivation.name;
    this.activationFn = this.resolvedActivation.fn;
    const flags = { useBias: options.useBias ?? true, returnSequences: options.returnSequences ?? false, goBackwards: options.goBackwards ?? false };
    for (const [k, v] of Object.entries(flags)) {
      if (typeof v !== "boolean") throw new Error(`${this.name}: ${k} must be true or false, got ${JSON.stringify(v)}`);
    }
    ({ useBias: this.useBias, returnSequences: this.returnSequences, goBackwards: this.goBackwards } = flags);
    this.kernelInitializer = kernelInitializer;
    this.recurrentInitializer = recurrentInitializer;
    this.biasInitializer = biasInitializer;
    this.seed = checkSeed(this.name, options.seed);
  }

  /** The bias' initial value; LSTM overrides it to set the forget gate's block to ones. */
  protected biasInitial(): InitializerSpec | Initializer {
    return this.biasInitializer;
  }

  /** @throws Error unless inputs are `[batch, time, features]` with a known number of features. */
  override build(inputShape: LayerShape): void {
    const features = inputShape[2];
    if (inputShape.length !== 3 || features === null || features === undefined) {
      throw new Error(`${this.name}: expected inputs of shape [batch, time, features], got ${fmtLayerShape(inputShape)}`);
    }
    const seed = (suffix: string) => (this.seed === undefined ? undefined : suffix === "" ? this.seed : `${this.seed}/${suffix}`);
    const width = this.gates * this.units;
    this.kernel = this.addWeight("kernel", [features, width], this.kernelInitializer, { seed: seed("") });
    this.recurrentKernel = this.addWeight("recurrentKernel", [this.units, width], this.recurrentInitializer, { seed: seed("recurrent") });
    if (this.useBias) this.bias = this.addWeight("bias", [width], this.biasInitial(), { seed: seed("bias") });
  }

  /**
   * One time step. `projected` is this step's `x_t·kernel + bias` (`[batch, gates·units]`);
   * `state` is what the previous step returned, undefined at the first step (all zeros).
   * @returns the new state; its first entry is the step's output `h_t` `[batch, units]`.
   */
  protected abstract step(projected: Tensor, state: readonly Tensor[] | undefined, recurrentKernel: Tensor): Tensor[];

  /**
   * Runs the sequence through the steps.
   * @throws Error unless `x` is `[batch, time ≥ 1, features]` with the kernel's number of features.
   */
  override call(x: Tensor, _options?: CallOptions): Tensor {
    const kernel = this.kernel, recurrentKernel = this.recurrentKernel;
    if (kernel === undefined || recurrentKernel === undefined) throw new Error(`${this.name}: the layer is not built yet; run it with layer.apply(x) or inside a model`);
    const features = kernel.shape[0];
    if (x.rank !== 3 || x.shape[2] !== features || x.shape[1] === 0) {
      throw new Error(`${this.name}: expected inputs of shape [batch, time, ${features}] with at least one time step, got ${fmt(x.shape)}`);
    }
    const steps = unstack(cast(x, this.dtype), 1);
    if (this.goBackwards) steps.reverse();
    // Each step projects its own input: one product per step costs the same as one for the whole
    // sequence, and the gradient to x then comes back step by step instead of through a big slice.
    let state: Tensor[] | undefined;
    const outputs: Tensor[] = [];
    for (const xt of steps) {
      state = this.step(matMul({ a: xt, b: kernel, bias: this.bias }), state, recurrentKernel);
      outputs.push(state[0]);
    }
    return this.returnSequences ? stack(outputs, 1) : outputs[outputs.length - 1];
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return this.returnSequences ? [inputShape[0], inputShape[1], this.units] : [inputShape[0], this.units];
  }

  override getConfig(): LayerConfig["config"] {
    const activation = savedActivationName(this.name, "activation", this.resolvedActivation);
    const config: LayerConfig["config"] = {
      ...super.getConfig(), units: this.units, activation, useBias: this.useBias, returnSequences: this.returnSequences, goBackwards: this.goBackwards,
      kernelInitializer: this.kernelInitializer, recurrentInitializer: this.recurrentInitializer, biasInitializer: this.biasInitializer,
    };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
