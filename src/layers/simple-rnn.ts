/**
 * The fully connected recurrent layer (Keras' `SimpleRNN`): `h_t = activation(x_t·kernel +
 * h_{t−1}·recurrentKernel + bias)`, from `h_0 = 0`.
 * @module
 */
import type { Tensor } from "../tensor/tensor.js";
import { add } from "../ops/arithmetic.js";
import { matmul } from "../ops/matrix.js";
import { Recurrent, RECURRENT_OPTIONS, type RecurrentOptions } from "./recurrent.js";

/** Options of {@link simpleRNN}. */
export type SimpleRNNOptions = RecurrentOptions;

/** The simple recurrent layer. Weights, in order: kernel `[features, units]`, recurrentKernel `[units, units]`, bias `[units]`. */
export class SimpleRNN extends Recurrent {
  /** @throws Error for a missing or invalid `units`, `returnState: true`, or an unknown option, activation or initializer. */
  constructor(options: SimpleRNNOptions) {
    super("simpleRNN", options, RECURRENT_OPTIONS, 1);
  }

  override get className(): string {
    return "SimpleRNN";
  }

  protected override step(projected: Tensor, state: readonly Tensor[] | undefined, recurrentKernel: Tensor): Tensor[] {
    return [this.activationFn(state === undefined ? projected : add(projected, matmul(state[0], recurrentKernel)))];
  }
}

/**
 * A simple recurrent layer (Keras' `SimpleRNN`): inputs `[batch, time, features]`, outputs
 * `[batch, units]` (the last step) or, with `returnSequences`, `[batch, time, units]`.
 * @param options - `units` (required), `activation` (`'tanh'`), `useBias` (true), `returnSequences`
 * (false), `goBackwards` (false), `kernelInitializer` (`'glorotUniform'`), `recurrentInitializer`
 * (`'orthogonal'`), `biasInitializer` (`'zeros'`), `seed`, `inputShape` (`[time, features]`), `dtype`, `name`.
 * @throws Error for a missing or invalid `units`, `returnState: true`, or an unknown option, activation or initializer.
 * @example
 * ```ts
 * const model = gt.sequential([
 *   gt.layers.simpleRNN({ units: 16, inputShape: [10, 1] }),
 *   gt.layers.dense({ units: 1 }),
 * ]);
 * ```
 */
export function simpleRNN(options: SimpleRNNOptions): SimpleRNN {
  return new SimpleRNN(options);
}
