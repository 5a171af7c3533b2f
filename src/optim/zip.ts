/**
 * Pairing gradients with the variables they belong to.
 * @module
 */
import { describe } from "../tensor/tensor.js";

/**
 * Pairs the elements of two lists by position: `zip([g1, g2], [w1, w2])` is `[[g1, w1], [g2, w2]]`,
 * the form `optimizer.applyGradients` takes (gradient first, as Keras).
 *
 * @param a - the first list (usually the gradients from `tape.gradient`).
 * @param b - the second list (usually `model.trainableVariables`), in the same order.
 * @throws Error when an argument is not an array or iterable, or when the lengths differ (naming
 * both), which means gradients and variables do not correspond.
 * @example
 * ```ts
 * const grads = tape.gradient(loss, model.trainableVariables);
 * optimizer.applyGradients(gt.zip(grads, model.trainableVariables));
 * ```
 */
export function zip<A, B>(a: Iterable<A>, b: Iterable<B>): [A, B][] {
  const first = toArray(a, "first");
  const second = toArray(b, "second");
  if (first.length !== second.length) {
    throw new Error(`zip: the lists differ in length: the first has ${first.length} elements, the second has ${second.length}; each gradient needs exactly one variable`);
  }
  return first.map((x, i) => [x, second[i]]);
}

function toArray<T>(list: Iterable<T>, which: string): T[] {
  if (Array.isArray(list)) return list;
  if (list !== null && typeof list === "object" && typeof (list as Iterable<T>)[Symbol.iterator] === "function") return Array.from(list);
  throw new Error(`zip: the ${which} argument must be an array or another iterable, got ${describe(list)}`);
}
