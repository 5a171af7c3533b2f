// The Keras metrics: values worked out by hand, and through compile/fit/evaluate, where precision
// and recall are ratios of counts over the whole epoch rather than means of batch ratios.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const f64 = (values: number[] | number[][]) => gt.tensor(values, undefined, "float64");

describe("binaryAccuracy", () => {
  it("compares yPred > 0.5 with the labels, by hand", () => {
    // predictions 1, 1, 0, 0 against labels 1, 0, 0, 1: two of four right
    expect(gt.metrics.binaryAccuracy([1, 0, 0, 1], f64([0.7, 0.6, 0.5, 0.1])).item()).toBe(0.5);
    // 0.5 itself is not above the threshold; threshold 0.05 makes every prediction 1
    expect(gt.metrics.binaryAccuracy([0], f64([0.5])).item()).toBe(1);
    expect(gt.metrics.binaryAccuracy([1, 0, 0, 1], f64([0.7, 0.6, 0.5, 0.1]), { threshold: 0.05 }).item()).toBe(0.5);
  });

  it("lines up labels [n] with predictions [n, 1] (and back), as Keras", () => {
    const p = f64([[0.7], [0.6], [0.2]]);
    expect(gt.metrics.binaryAccuracy([1, 1, 1], p).item()).toBeCloseTo(2 / 3, 7);
    expect(gt.metrics.binaryAccuracy([[1], [1], [1]], f64([0.7, 0.6, 0.2])).item()).toBeCloseTo(2 / 3, 7);
    expect(() => gt.metrics.binaryAccuracy([1, 1], p)).toThrow("binaryAccuracy: yTrue has shape [2] but yPred has shape [3, 1]; they must match (up to a trailing axis of size 1)");
  });
});

describe("categoricalAccuracy", () => {
  it("compares the argMax of one-hot labels and of predictions, by hand", () => {
    const labels = [[0, 1, 0], [1, 0, 0], [0, 0, 1]];
    const p = f64([[0.2, 0.7, 0.1], [0.3, 0.6, 0.1], [0.1, 0.1, 0.8]]);
    expect(gt.metrics.categoricalAccuracy(labels, p).item()).toBeCloseTo(2 / 3, 7);
    expect(() => gt.metrics.categoricalAccuracy([1, 0, 2], p)).toThrow("categoricalAccuracy: yTrue has shape [3] but yPred has shape [3, 3]; expected one-hot labels");
  });
});

describe("sparseTopKCategoricalAccuracy", () => {
  const p = f64([
    [0.1, 0.2, 0.3, 0.15, 0.05, 0.1, 0.1], // label 0 (0.1): 0.2, 0.3, 0.15 are higher → rank 4 (hit for k 5, not k 3)
    [0.5, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05], // label 5 (0.05): five higher → miss for k 5
    [0.3, 0.3, 0.3, 0.1, 0, 0, 0], // label 2, tied with 0 and 1: nothing strictly higher → hit even for k 1
  ]);
  it("counts a label among the k highest scores (k = 5 by default), by hand", () => {
    expect(gt.metrics.sparseTopKCategoricalAccuracy([0, 5, 2], p).item()).toBeCloseTo(2 / 3, 7);
    expect(gt.metrics.sparseTopKCategoricalAccuracy([0, 5, 2], p, { k: 3 }).item()).toBeCloseTo(1 / 3, 7);
    expect(gt.metrics.sparseTopKCategoricalAccuracy([[0], [5], [2]], p, { k: 1 }).item()).toBeCloseTo(1 / 3, 7);
    expect(gt.metrics.sparseTopKCategoricalAccuracy([0, 5, 2], p, { k: 6 }).item()).toBe(1);
  });

  it("equals a naive sort-based count when there are no ties", () => {
    const scores = gt.randomUniform([20, 9], { seed: 3, dtype: "float64" });
    const labels = [...Array(20).keys()].map((i) => (i * 7) % 9);
    const rows = scores.toArray() as number[][];
    for (const k of [1, 2, 5]) {
      const hits = rows.filter((row, i) => [...row].sort((a, b) => b - a).slice(0, k).includes(row[labels[i]])).length;
      expect(gt.metrics.sparseTopKCategoricalAccuracy(labels, scores, { k }).item()).toBeCloseTo(hits / 20, 7);
    }
  });

  it("rejects bad labels and a bad k", () => {
    expect(() => gt.metrics.sparseTopKCategoricalAccuracy([0, 7, 2], p)).toThrow("sparseTopKCategoricalAccuracy: label 7 at position 1 is not a class index in [0, 7)");
    expect(() => gt.metrics.sparseTopKCategoricalAccuracy([0, 1], p)).toThrow("sparseTopKCategoricalAccuracy: labels of shape [2] do not fit predictions of shape [3, 7]; expected [3] or [3, 1]");
    expect(() => gt.metrics.sparseTopKCategoricalAccuracy([0, 1, 2], p, { k: 0 })).toThrow("sparseTopKCategoricalAccuracy: k must be a positive integer, got 0");
  });
});

describe("precision and recall", () => {
  it("are TP/(TP + FP) and TP/(TP + FN) of one batch, by hand", () => {
    // labels 1 0 1 1 0, predicted 1 1 0 1 0 → TP 2, FP 1, FN 1
    const labels = [1, 0, 1, 1, 0];
    const p = f64([0.9, 0.8, 0.2, 0.6, 0.4]);
    expect(gt.metrics.precision(labels, p).item()).toBeCloseTo(2 / 3, 7);
    expect(gt.metrics.recall(labels, p).item()).toBeCloseTo(2 / 3, 7);
    expect(gt.metrics.precision([1, 0, 1], f64([0.9, 0.8, 0.2])).item()).toBe(0.5);
    // No predicted positives: precision 0 (Keras' divide_no_nan); no actual positives: recall 0.
    expect(gt.metrics.precision([1, 1], f64([0.1, 0.2])).item()).toBe(0);
    expect(gt.metrics.recall([0, 0], f64([0.9, 0.2])).item()).toBe(0);
  });

  /** Predictions fixed per sample: a model that outputs its input's first column, through sigmoid-free identity. */
  function passThrough(): gt.Model {
    const dense = gt.layers.dense({ units: 1, inputShape: [1], useBias: false, dtype: "float64" });
    const model = gt.sequential([dense]);
    model.build([null, 1]);
    model.setWeights([f64([[1]])]);
    return model;
  }

  it("over several batches are ratios of summed counts, not means of batch ratios (evaluate)", () => {
    // batch 1 (4 samples): labels 1 1 1 0, scores .9 .8 .7 .6 → TP 3, FP 1, FN 0: precision 3/4, recall 1
    // batch 2 (4 samples): labels 1 1 0 0, scores .9 .1 .2 .3 → TP 1, FP 0, FN 1: precision 1,   recall 1/2
    // batch 3 (2 samples): labels 1 0,     scores .2 .7       → TP 0, FP 1, FN 1: precision 0,   recall 0
    // epoch: TP 4, FP 2, FN 2 → precision 4/6, recall 4/6; the means of the batch ratios would be
    // (3/4·4 + 1·4 + 0·2)/10 = 0.7 and (1·4 + 1/2·4 + 0)/10 = 0.6.
    const scores = [0.9, 0.8, 0.7, 0.6, 0.9, 0.1, 0.2, 0.3, 0.2, 0.7];
    const labels = [1, 1, 1, 0, 1, 1, 0, 0, 1, 0];
    const model = passThrough();
    model.compile({ optimizer: "sgd", loss: "binaryCrossentropy", metrics: ["precision", "recall", "binaryAccuracy", "binary_accuracy"] });
    const logs = model.evaluate(f64(scores.map((s) => [s])), f64(labels.map((l) => [l])), { batchSize: 4 });
    expect(logs.precision).toBeCloseTo(4 / 6, 15);
    expect(logs.recall).toBeCloseTo(4 / 6, 15);
    // binary accuracy is a mean over samples: right on 3 + 3 + 0 = 6 of 10
    expect(logs.binaryAccuracy).toBeCloseTo(0.6, 7);
    expect(logs.binary_accuracy).toBeCloseTo(0.6, 7);
  });

  it("are accumulated over the epoch by fit, and each batch-end log is the running ratio", async () => {
    const scores = [0.9, 0.8, 0.7, 0.6, 0.9, 0.1, 0.2, 0.3, 0.2, 0.7];
    const labels = [1, 1, 1, 0, 1, 1, 0, 0, 1, 0];
    const model = passThrough();
    // learning rate 0: the weights (hence the scores) stay as they are during the epoch
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0 }), loss: "binaryCrossentropy", metrics: ["precision", "recall"] });
    const seen: { precision: number; recall: number }[] = [];
    const history = await model.fit(f64(scores.map((s) => [s])), f64(labels.map((l) => [l])), {
      batchSize: 4, shuffle: false, verbose: 0,
      callbacks: [{ onBatchEnd: (_b, logs) => void seen.push({ precision: logs!.precision, recall: logs!.recall }) }],
    });
    expect(history.history.precision[0]).toBeCloseTo(4 / 6, 15);
    expect(history.history.recall[0]).toBeCloseTo(4 / 6, 15);
    // running: after batch 1 TP 3 FP 1 FN 0; after batch 2 TP 4 FP 1 FN 1; after batch 3 TP 4 FP 2 FN 2
    expect(seen.map((s) => s.precision)).toEqual([3 / 4, 4 / 5, 4 / 6].map((v) => expect.closeTo(v, 15)));
    expect(seen.map((s) => s.recall)).toEqual([1, 4 / 5, 4 / 6].map((v) => expect.closeTo(v, 15)));
  });
});

describe("compile's metric names", () => {
  it("accepts the Keras names and snake_case, logs them under the name given, and matches the functions", () => {
    const x = gt.randomNormal([12, 3], { seed: 4, dtype: "float64" });
    const labels = gt.tensor([0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2], [12], "int32");
    const oneHot = gt.oneHot(labels, 3).cast("float64");
    const model = gt.sequential([gt.layers.dense({ units: 3, inputShape: [3], activation: "softmax", seed: 9, dtype: "float64" })]);
    model.compile({
      optimizer: "sgd", loss: "categoricalCrossentropy",
      metrics: ["mse", "mae", "categoricalAccuracy", "categorical_accuracy", "accuracy"],
    });
    const logs = model.evaluate(x, oneHot, { batchSize: 5 });
    const p = model.predict(x);
    expect(logs.mse).toBeCloseTo(gt.losses.meanSquaredError(oneHot, p).item(), 14);
    expect(logs.mae).toBeCloseTo(gt.metrics.mae(oneHot, p).item(), 14);
    expect(logs.categoricalAccuracy).toBeCloseTo(gt.metrics.categoricalAccuracy(oneHot, p).item(), 7);
    expect(logs.categorical_accuracy).toBe(logs.categoricalAccuracy);
    expect(logs.accuracy).toBeCloseTo(logs.categoricalAccuracy, 7);

    model.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["sparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy"] });
    const sparse = model.evaluate(x, labels);
    // with 3 classes every label is in the top 5
    expect(sparse.sparseTopKCategoricalAccuracy).toBe(1);
    expect(sparse.sparse_top_k_categorical_accuracy).toBe(1);
  });

  it("lists the metric names when one is unknown", () => {
    const model = gt.sequential([gt.layers.dense({ units: 1, inputShape: [1] })]);
    expect(() => model.compile({ optimizer: "sgd", loss: "mse", metrics: ["f1"] })).toThrow(
      "compile: unknown metric \"f1\"; known metrics: 'accuracy' (or 'acc'), 'binaryAccuracy', 'categoricalAccuracy', 'sparseTopKCategoricalAccuracy', 'precision', 'recall' (also in Keras' snake_case), the loss names",
    );
  });
});
