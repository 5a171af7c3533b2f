// fit stops before applying a non-finite gradient or loss: the weights and the optimizer's slots
// stay those after the previous batch, all finite, and the error says where it happened.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const x = gt.randomNormal([8, 3], { seed: 1 });
const y = gt.randomNormal([8, 2], { seed: 2 });
const finite = (ts: gt.Tensor[]) => ts.every((t) => t.data().every(Number.isFinite));
const copy = (m: gt.Model) => m.getWeights().map((w) => Array.from(w.data()));

function setup() {
  const model = gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], seed: 1, name: "d" })], { name: "m" });
  const optimizer = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
  const snapshots: number[][][] = [];
  const recorder = { onBatchEnd: () => void snapshots.push(copy(model)) };
  return { model, optimizer, snapshots, recorder };
}

describe("non-finite values during fit", () => {
  it("a gradient that turns NaN while the loss stays finite: nothing of that batch is applied, and the error names the epoch, the batch and the variables", async () => {
    const { model, optimizer, snapshots, recorder } = setup();
    let calls = 0;
    // At the 6th batch the loss gains sqrt(0·p²): its value is 0, its gradient 0/0 = NaN.
    const loss = (yt: gt.TensorLike, p: gt.Tensor) => {
      const base = gt.losses.meanSquaredError(yt, p);
      return ++calls === 6 ? base.add(gt.sqrt(gt.mul(p.square(), 0)).sum()) : base;
    };
    model.compile({ optimizer, loss });
    const run = model.fit(x, y, { epochs: 5, batchSize: 4, seed: 3, verbose: 0, callbacks: [recorder] });
    await expect(run).rejects.toThrow(
      /^fit: the gradients of d\/kernel, d\/bias became non-finite \(loss [\d.]+\) at epoch 3\/5, batch 2\/2; training stopped before applying that batch, so the weights are those after the previous batch\./,
    );
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(gt.NonFiniteLossError);
    expect((error as gt.NonFiniteLossError).epoch).toBe(2);
    expect((error as gt.NonFiniteLossError).batch).toBe(1);
    expect((error as gt.NonFiniteLossError).variables).toEqual(["d/kernel", "d/bias"]);
    expect(snapshots).toHaveLength(5);
    expect(copy(model)).toEqual(snapshots[4]);
    expect(finite(model.weights)).toBe(true);
    expect(optimizer.iterations).toBe(5);
    expect(Object.values(optimizer.getState().variables).every((v) => v.slots.velocity.every(Number.isFinite))).toBe(true);
  });

  it("a loss that overflows to Infinity (a learning rate far too large) stops training with finite weights", async () => {
    const { model, optimizer: _, snapshots, recorder } = setup();
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 1e18 }), loss: "mse" });
    const run = model.fit(x, y, { epochs: 10, batchSize: 4, seed: 3, verbose: 0, callbacks: [recorder] });
    await expect(run).rejects.toThrow(/^fit: the (loss became Infinity|gradients of .* became non-finite .*) at epoch \d+\/10, batch \d\/2; training stopped before applying that batch/);
    expect(finite(model.weights)).toBe(true);
    expect(copy(model)).toEqual(snapshots.at(-1));
  });

  it("NaN in the inputs stops at the first batch that reads them, before any update from it", async () => {
    const { model, optimizer, snapshots, recorder } = setup();
    model.compile({ optimizer, loss: "mse" });
    const before = copy(model);
    const bad = gt.concat([gt.slice(x, [0], [4]), gt.fill([4, 3], NaN)]);
    await expect(model.fit(bad, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0, callbacks: [recorder] })).rejects.toThrow(
      "fit: the loss became NaN at epoch 1/2, batch 2/2; training stopped before applying that batch, so the weights are those after the previous batch. Lower the learning rate, check the inputs for NaN, or use a loss on logits (fromLogits: true).",
    );
    expect(snapshots).toHaveLength(1);
    expect(copy(model)).toEqual(snapshots[0]);
    expect(copy(model)).not.toEqual(before);
    expect(finite(model.weights)).toBe(true);
  });
});
