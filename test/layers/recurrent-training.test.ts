// Recurrent layers learn toy sequence tasks through fit, on held-out sequences: an LSTM (after an
// embedding) remembers the first token across nine tokens of noise drawn from the same vocabulary,
// and a simpleRNN counts the ones in a binary sequence.
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

/** Token sequences whose label is their first token (0 or 1), followed by tokens uniform in 0..9. */
function firstToken(n: number, time: number, seed: number): [gt.Tensor, gt.Tensor] {
  const next = seedrandom(String(seed));
  const x = new Int32Array(n * time), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = next() < 0.5 ? 1 : 0;
    x[i * time] = y[i];
    for (let t = 1; t < time; t++) x[i * time + t] = Math.floor(next() * 10);
  }
  return [gt.tensor(x, [n, time], "int32"), gt.tensor(y, [n], "int32")];
}

/** Binary sequences `[n, time, 1]` and their number of ones `[n, 1]`. */
function countOnes(n: number, time: number, seed: number): [gt.Tensor, gt.Tensor] {
  const next = seedrandom(String(seed));
  const x = new Float32Array(n * time), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < time; t++) {
      x[i * time + t] = next() < 0.5 ? 1 : 0;
      y[i] += x[i * time + t];
    }
  }
  return [gt.tensor(x, [n, time, 1]), gt.tensor(y, [n, 1])];
}

describe("recurrent layers learn sequence tasks through fit", () => {
  it("embedding → lstm → dense remembers the first of 10 tokens (held-out accuracy ≥ 0.95; chance is 0.5)", async () => {
    const time = 10;
    const [x, y] = firstToken(512, time, 1), [xTest, yTest] = firstToken(256, time, 2);
    const model = gt.sequential([
      gt.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: time, seed: 4 }),
      gt.layers.lstm({ units: 8, seed: 1 }),
      gt.layers.dense({ units: 2, seed: 2 }),
    ]);
    model.compile({
      optimizer: new gt.optim.Adam({ learningRate: 0.01 }),
      loss: (t, p) => gt.losses.sparseCategoricalCrossentropy(t, p, { fromLogits: true }),
      metrics: ["accuracy"],
    });
    const before = model.evaluate(xTest, yTest);
    const history = await model.fit(x, y, { epochs: 6, batchSize: 32, seed: 3, verbose: 0 });
    const after = model.evaluate(xTest, yTest);
    expect(before.accuracy).toBeLessThan(0.65);
    expect(after.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(history.history.loss[5]).toBeLessThan(0.1 * history.history.loss[0]);
  }, 60_000);

  it("simpleRNN → dense counts the ones in 6 bits (rounded held-out accuracy ≥ 0.85; always guessing 3 gets 0.31)", async () => {
    const time = 6;
    const [x, y] = countOnes(512, time, 1), [xTest, yTest] = countOnes(256, time, 2);
    const model = gt.sequential([gt.layers.simpleRNN({ units: 8, inputShape: [time, 1], seed: 1 }), gt.layers.dense({ units: 1, seed: 2 })]);
    model.compile({ optimizer: new gt.optim.Adam({ learningRate: 0.01 }), loss: "mse" });
    await model.fit(x, y, { epochs: 12, batchSize: 32, seed: 3, verbose: 0 });
    const predicted = model.predict(xTest).data(), truth = yTest.data();
    const right = Array.from(predicted).filter((p, i) => Math.round(p) === truth[i]).length;
    expect(right / truth.length).toBeGreaterThanOrEqual(0.85);
    const threes = Array.from(truth).filter((t) => t === 3).length;
    expect(threes / truth.length).toBeLessThan(0.4);
  }, 60_000);
});
