/**
 * `customGradient`: define an op by its forward computation and a gradient rule of your own.
 * @module
 */
import { noGrad, recordOp } from "./tape.js";
import { describe, Tensor } from "../tensor/tensor.js";
import { fmt, shapesEqual } from "../tensor/shape.js";
import { toTensor } from "../ops/lift.js";

/** What the function given to {@link customGradient} returns. */
export interface CustomGradientResult {
  /** The op's output. */
  value: Tensor;
  /** The gradient of each input given the output's gradient `dy`, written with gradtape ops. */
  gradFunc: (dy: Tensor) => Tensor[];
}

/**
 * Makes an op whose gradient is `gradFunc` rather than what the tape would derive from the
 * forward computation, as `tf.custom_gradient` does. The forward ops are not recorded; the op is
 * recorded as one node. Write `gradFunc` with gradtape ops and it can be differentiated again.
 *
 * @throws Error when the function returns no tensor or `gradFunc` returns the wrong number or
 * shapes of gradients.
 * @example
 * ```ts
 * // A clipped identity: passes values through, clips the gradient to [-1, 1].
 * const clipGrad = gt.customGradient((x) => ({
 *   value: x.mul(1),
 *   gradFunc: (dy) => [dy.clipByValue(-1, 1)],
 * }));
 * ```
 */
export function customGradient(f: (...inputs: Tensor[]) => CustomGradientResult): (...inputs: Tensor[]) => Tensor {
  if (typeof f !== "function") throw new Error(`customGradient: expected a function returning { value, gradFunc }, got ${describe(f)}`);
  return (...args: Tensor[]) => {
    const inputs = args.map((a, i) => toTensor("customGradient", a, undefined, `inputs[${i}]`));
    const result = noGrad(() => f(...inputs));
    if (result === null || typeof result !== "object" || !(result.value instanceof Tensor) || typeof result.gradFunc !== "function") {
      throw new Error(`customGradient: the function must return { value: Tensor, gradFunc }, got ${describe(result)}`);
    }
    // A fresh tensor, so the recorded node's output is not shared with anything computed untaped.
    const y = new Tensor(result.value.buffer, result.value.shape, result.value.dtype, result.value.strides, result.value.offset);
    return recordOp("customGradient", inputs, y, (dy) => {
      const grads = result.gradFunc(dy);
      if (!Array.isArray(grads) || grads.length !== inputs.length) {
        throw new Error(`customGradient: gradFunc must return one gradient per input (${inputs.length}), got ${describe(grads)}`);
      }
      grads.forEach((g, i) => {
        if (g instanceof Tensor && !shapesEqual(g.shape, inputs[i].shape) && g.size !== inputs[i].size) {
          throw new Error(`customGradient: gradFunc's gradient ${i} has shape ${fmt(g.shape)}, but input ${i} has shape ${fmt(inputs[i].shape)}`);
        }
      });
      return grads;
    });
  };
}
