// The small seeded classification task that the fit and resume tests train on: big enough to
// exercise dropout, shuffling and several batches, small enough to run in milliseconds.
import * as gt from "../../src/index.js";

/** fit's options for silence. */
export const quiet = { verbose: 0 } as const;

/** Sparse categorical cross-entropy on logits. */
export const logitsLoss = (y: gt.TensorLike, p: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(y, p, { fromLogits: true });

/** `n` samples of 4 features, 3 classes decided by a fixed rule. */
export function dataset(n: number) {
  const x = gt.randomNormal([n, 4], { seed: 100 });
  const rows = x.toArray() as number[][];
  const y = gt.tensor(rows.map((r) => (r[0] + r[1] > 0.5 ? 2 : r[2] > 0 ? 1 : 0)), [n], "int32");
  return { x, y };
}

/** 4 → dense 16 relu → dropout 0.25 → dense 3, every layer seeded. */
export function makeModel() {
  return gt.sequential([
    gt.layers.dense({ units: 16, activation: "relu", inputShape: [4], seed: 1 }),
    gt.layers.dropout({ rate: 0.25, seed: 5 }),
    gt.layers.dense({ units: 3, seed: 2 }),
  ]);
}
