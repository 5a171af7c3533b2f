// Probability losses (fromLogits: false) stop when the predictions cannot be probabilities — the
// mistake of compiling a model that outputs logits with a loss by name — and accept every real
// softmax or sigmoid output, in float32 and float64, however many classes.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const NAMES_FROM_LOGITS = /pass \{ fromLogits: true \} \(in compile: loss: \(y, p\) => gt\.losses\.\w+\(y, p, \{ fromLogits: true \}\)\)/;

describe("probability losses given logits", () => {
  it("sparse and categorical cross-entropy refuse values outside [0, 1], naming fromLogits: true", () => {
    const logits = gt.tensor([[0.5, 0.3, 0.2], [0.1, 1.7, 0.2]]);
    expect(() => gt.losses.sparseCategoricalCrossentropy(gt.tensor([0, 1], [2], "int32"), logits)).toThrow(
      "sparseCategoricalCrossentropy: yPred holds 1.7 in row 1, class 1, outside [0, 1], so yPred is not probabilities",
    );
    expect(() => gt.losses.sparseCategoricalCrossentropy(gt.tensor([0, 1], [2], "int32"), logits)).toThrow(NAMES_FROM_LOGITS);
    expect(() => gt.losses.categoricalCrossentropy(gt.tensor([[1, 0, 0]]), gt.tensor([[-0.1, 0.6, 0.5]]))).toThrow(
      "categoricalCrossentropy: yPred holds -0.1 in row 0, class 0, outside [0, 1]",
    );
  });

  it("rows in [0, 1] that do not sum to 1 are refused for the categorical losses only", () => {
    // sigmoid outputs: each in [0, 1], rows summing to 1.5 and 0.9
    const p = gt.tensor([[0.5, 0.5, 0.5], [0.3, 0.3, 0.3]]);
    expect(() => gt.losses.categoricalCrossentropy(gt.tensor([[1, 0, 0], [0, 1, 0]]), p)).toThrow("categoricalCrossentropy: row 0 of yPred sums to 1.5, not 1");
    expect(() => gt.losses.sparseCategoricalCrossentropy(gt.tensor([0, 1], [2], "int32"), gt.tensor([[0.5, 0.5, 0.5], [0.2, 0.3, 0.5]])))
      .toThrow("sparseCategoricalCrossentropy: row 0 of yPred sums to 1.5, not 1");
    // binary cross-entropy's values are independent probabilities: only the range matters
    expect(gt.losses.binaryCrossentropy(gt.ones([2, 3]), p).item()).toBeCloseTo(-(Math.log(0.5) * 3 + Math.log(0.3) * 3) / 6, 6);
    expect(() => gt.losses.binaryCrossentropy(gt.tensor([1, 0]), gt.tensor([1.25, 0]))).toThrow(
      "binaryCrossentropy: yPred holds 1.25 at position 0, outside [0, 1], so yPred is not probabilities",
    );
    expect(() => gt.losses.binaryCrossentropy(gt.tensor([1, 0]), gt.tensor([1.25, 0]))).toThrow("or end the model with a sigmoid");
  });

  it("with fromLogits: true the same values are fine", () => {
    const logits = gt.tensor([[2.5, -1, 0.3], [0.1, 0.2, 4]]);
    const v = gt.losses.sparseCategoricalCrossentropy(gt.tensor([0, 2], [2], "int32"), logits, { fromLogits: true }).item();
    const lse = (r: number[]) => Math.log(r.reduce((s, x) => s + Math.exp(x), 0));
    expect(v).toBeCloseTo((lse([2.5, -1, 0.3]) - 2.5 + lse([0.1, 0.2, 4]) - 4) / 2, 5);
    expect(gt.losses.binaryCrossentropy(gt.tensor([0, 1]), gt.tensor([-1.5, 2]), { fromLogits: true }).item()).toBeCloseTo((Math.log1p(Math.exp(-1.5)) + Math.log1p(Math.exp(-2))) / 2, 6);
  });

  it("accepts every softmax output: float32 and float64, 2 to 5,000 classes, extreme logits, exact 0 and 1", () => {
    for (const dtype of ["float32", "float64"] as const) {
      for (const classes of [2, 10, 1000, 5000]) {
        const p = gt.softmax(gt.randomNormal([8, classes], { seed: classes, stddev: 20, dtype }));
        const labels = gt.tensor(Array.from({ length: 8 }, (_, i) => i % classes), [8], "int32");
        expect(Number.isFinite(gt.losses.sparseCategoricalCrossentropy(labels, p).item()), `${dtype} ${classes}`).toBe(true);
        expect(Number.isFinite(gt.losses.categoricalCrossentropy(gt.oneHot(labels, classes).cast(dtype), p).item())).toBe(true);
      }
    }
    expect(gt.losses.categoricalCrossentropy(gt.tensor([[0, 1]]), gt.tensor([[0, 1]])).item()).toBeCloseTo(-Math.log(1 - 1e-7), 6);
    expect(gt.losses.binaryCrossentropy(gt.tensor([0, 1]), gt.sigmoid(gt.tensor([-200, 200]))).item()).toBeCloseTo(-Math.log(1 - 1e-7), 6);
  });

  it("fit and evaluate of a model that outputs logits, compiled with a loss by name, stop at the first batch", async () => {
    const model = gt.sequential([gt.layers.dense({ units: 3, inputShape: [4], seed: 1 })]);
    model.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const x = gt.randomNormal([8, 4], { seed: 1 });
    const y = gt.tensor([0, 1, 2, 0, 1, 2, 0, 1], [8], "int32");
    const before = model.getWeights().map((w) => w.toArray());
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(NAMES_FROM_LOGITS);
    expect(model.getWeights().map((w) => w.toArray())).toEqual(before); // no step was taken
    expect(() => model.evaluate(x, y)).toThrow("sparseCategoricalCrossentropy: yPred holds");
    // the fix the message gives trains
    model.compile({ optimizer: "sgd", loss: (t, p) => gt.losses.sparseCategoricalCrossentropy(t, p, { fromLogits: true }) });
    const history = await model.fit(x, y, { epochs: 2, verbose: 0, seed: 0 });
    expect(history.history.loss[1]).toBeLessThan(history.history.loss[0]);
  });
});
