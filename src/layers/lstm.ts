/**
 * The long short-term memory layer (Keras' `LSTM`, Hochreiter & Schmidhuber 1997). With
 * `z = x_t·kernel + h_{t−1}·recurrentKernel + bias` cut into four blocks of `units` columns in
 * Keras' order i, f, c, o:
 * `i = σ(z_i)`, `f = σ(z_f)`, `c_t = f·c_{t−1} + i·tanh(z_c)`, `o = σ(z_o)`, `h_t = o·tanh(c_t)`,
 * from `h_0 = c_0 = 0` (σ is `recurrentActivation`, tanh is `activation`).
 * @module
 */
import type { Tensor } from "../tensor/tensor.js";
import { add, mul } from "../ops/arithmetic.js";
import { matmul } from "../ops/matrix.js";
import { split } from "../ops/stacking.js";
import { fromValues } from "../tensor/create.js";
import { resolveActivation, savedActivationName, type ActivationSpec, type ResolvedActivation } from "./activations.js";
import { initializerOf, type Initializer, type InitializerSpec } from "./initializers.js";
import type { LayerConfig } from "./layer.js";
import { Recurrent, RECURRENT_OPTIONS, type RecurrentOptions } from "./recurrent.js";

/** Options of {@link lstm}. */
export interface LSTMOptions extends RecurrentOptions {
  /** Applied to the input, forget and output gates (default `'sigmoid'`, as Keras 2.x/3; TF.js' default is hard sigmoid). */
  recurrentActivation?: ActivationSpec;
  /** Start the forget gate's bias at 1 instead of the bias initializer's value (default true, as Keras; Jozefowicz et al. 2015). */
  unitForgetBias?: boolean;
}

/**
 * The LSTM layer. Weights, in order: kernel `[features, 4·units]`, recurrentKernel
 * `[units, 4·units]`, bias `[4·units]`, each's columns the gates i, f, c, o (Keras' layout, so
 * Keras weights load unchanged; PyTorch's `nn.LSTM` stores the transposes, in order i, f, g, o, and
 * two biases to add).
 */
export class LSTM extends Recurrent {
  /** The gates' activation's name. */
  readonly recurrentActivation: string;
  private readonly resolvedGate: ResolvedActivation;
  /** Whether the forget gate's bias starts at 1. */
  readonly unitForgetBias: boolean;
  private readonly gateFn: (x: Tensor) => Tensor;

  /** @throws Error for a missing or invalid `units`, `returnState: true`, or an unknown option, activation or initializer. */
  constructor(options: LSTMOptions) {
    super("lstm", options, [...RECURRENT_OPTIONS, "recurrentActivation", "unitForgetBias"], 4);
    this.resolvedGate = resolveActivation(options.recurrentActivation, "sigmoid");
    this.recurrentActivation = this.resolvedGate.name;
    this.gateFn = this.resolvedGate.fn;
    this.unitForgetBias = options.unitForgetBias ?? true;
    if (typeof this.unitForgetBias !== "boolean") throw new Error(`${this.name}: unitForgetBias must be true or false, got ${JSON.stringify(options.unitForgetBias)}`);
  }

  override get className(): string {
    return "LSTM";
  }

  /** Keras' unit forget bias: the bias initializer's values, with the forget block set to ones. */
  protected override biasInitial(): InitializerSpec | Initializer {
    if (!this.unitForgetBias) return this.biasInitializer;
    const init = initializerOf(this.name, this.biasInitializer), u = this.units;
    return (shape, options = {}) => {
      const initial = init(shape, options);
      const values = initial.data();
      values.fill(1, u, 2 * u);
      return fromValues(values, shape, initial.dtype);
    };
  }

  protected override step(projected: Tensor, state: readonly Tensor[] | undefined, recurrentKernel: Tensor): Tensor[] {
    const z = state === undefined ? projected : add(projected, matmul(state[0], recurrentKernel));
    const [zi, zf, zc, zo] = split(z, 4, 1);
    const i = this.gateFn(zi), candidate = this.activationFn(zc), o = this.gateFn(zo);
    const c = state === undefined ? mul(i, candidate) : add(mul(this.gateFn(zf), state[1]), mul(i, candidate));
    return [mul(o, this.activationFn(c)), c];
  }

  override getConfig(): LayerConfig["config"] {
    return { ...super.getConfig(), recurrentActivation: savedActivationName(this.name, "recurrentActivation", this.resolvedGate), unitForgetBias: this.unitForgetBias };
  }
}

/**
 * An LSTM layer (Keras' `LSTM`, Keras' defaults): inputs `[batch, time, features]`, outputs
 * `[batch, units]` (the last step) or, with `returnSequences`, `[batch, time, units]`.
 * @param options - as {@link simpleRNN}'s, plus `recurrentActivation` (`'sigmoid'`) and `unitForgetBias` (true).
 * @throws Error for a missing or invalid `units`, `returnState: true`, or an unknown option, activation or initializer.
 * @example
 * ```ts
 * const model = gt.sequential([
 *   gt.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 12 }),
 *   gt.layers.lstm({ units: 32 }),
 *   gt.layers.dense({ units: 2 }),
 * ]);
 * ```
 */
export function lstm(options: LSTMOptions): LSTM {
  return new LSTM(options);
}
