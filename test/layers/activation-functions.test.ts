// Activations given as functions, as Keras takes them: dense, conv2d, the recurrent layers and the
// Activation layer apply them, their gradients match central differences in float64, training
// works, and saving needs the function registered under a name (refused at save time otherwise).
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { checkWeightGradients } from "../helpers/weight-gradients.js";

// Named differently in each test file run: the registry is process-wide.
const swish = (x: gt.Tensor) => gt.mul(x, gt.sigmoid(x));
const cube = (x: gt.Tensor) => gt.mul(x, gt.mul(x, x));
gt.layers.registerActivation("testSwish", swish);

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "gradtape-actfn-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const maxDiff = (a: gt.Tensor, b: gt.Tensor) => Math.max(...Array.from(a.data(), (v, i) => Math.abs(v - b.data()[i])));

describe("activations given as functions", () => {
  it("dense applies the function to x·kernel + bias", () => {
    const layer = gt.layers.dense({ units: 4, activation: cube, seed: 1, dtype: "float64" });
    const plain = gt.layers.dense({ units: 4, seed: 1, dtype: "float64" });
    const x = gt.randomNormal([3, 5], { seed: 2, dtype: "float64" });
    const linear = plain.apply(x) as gt.Tensor;
    const y = layer.apply(x) as gt.Tensor;
    expect(maxDiff(y, cube(linear))).toBe(0);
    expect(layer.activation).toBe("cube");
  });

  it("conv2d applies it after the bias", () => {
    const layer = gt.layers.conv2d({ filters: 2, kernelSize: 3, activation: swish, seed: 3, dtype: "float64" });
    const plain = gt.layers.conv2d({ filters: 2, kernelSize: 3, seed: 3, dtype: "float64" });
    const x = gt.randomNormal([2, 5, 5, 1], { seed: 4, dtype: "float64" });
    expect(maxDiff(layer.apply(x) as gt.Tensor, swish(plain.apply(x) as gt.Tensor))).toBe(0);
    // A registered function is known by its registered name.
    expect(layer.activation).toBe("testSwish");
  });

  it("gradients through dense and conv2d with a function activation match central differences (float64)", () => {
    const dense = gt.layers.dense({ units: 3, activation: cube, seed: 5, dtype: "float64" });
    const xd = gt.randomNormal([4, 2], { seed: 6, dtype: "float64" });
    dense.apply(xd);
    const rd = checkWeightGradients(() => dense.apply(xd) as gt.Tensor, dense.trainableWeights);
    expect(rd.maxRelativeError).toBeLessThan(1e-7);
    expect(rd.largest).toBeGreaterThan(0.1);
    const inputs = gt.checkGradients((input) => dense.apply(input) as gt.Tensor, [xd]);
    expect(inputs.maxRelativeError).toBeLessThan(1e-7);

    const conv = gt.layers.conv2d({ filters: 2, kernelSize: 2, activation: swish, seed: 7, dtype: "float64" });
    const xc = gt.randomNormal([1, 3, 3, 2], { seed: 8, dtype: "float64" });
    conv.apply(xc);
    const rc = checkWeightGradients(() => conv.apply(xc) as gt.Tensor, conv.trainableWeights);
    expect(rc.maxRelativeError).toBeLessThan(1e-7);
    expect(rc.largest).toBeGreaterThan(0.1);
  });

  it("simpleRNN, lstm's recurrentActivation and the Activation layer take functions", () => {
    const x = gt.randomNormal([2, 3, 2], { seed: 9, dtype: "float64" });
    const rnn = gt.layers.simpleRNN({ units: 3, activation: swish, seed: 10, dtype: "float64" });
    const ref = gt.layers.simpleRNN({ units: 3, activation: "tanh", seed: 10, dtype: "float64" });
    const a = rnn.apply(x) as gt.Tensor, b = ref.apply(x) as gt.Tensor;
    expect(a.shape).toEqual([2, 3]);
    expect(maxDiff(a, b)).toBeGreaterThan(1e-3); // the function, not tanh, was applied
    const rr = checkWeightGradients(() => rnn.apply(x) as gt.Tensor, rnn.trainableWeights);
    expect(rr.maxRelativeError).toBeLessThan(1e-7);

    const hardSigmoid = (t: gt.Tensor) => gt.clipByValue(gt.add(gt.mul(t, 0.2), 0.5), 0, 1);
    const lstm = gt.layers.lstm({ units: 2, recurrentActivation: hardSigmoid, seed: 11, dtype: "float64" });
    expect((lstm.apply(x) as gt.Tensor).shape).toEqual([2, 2]);
    expect(lstm.recurrentActivation).toBe("hardSigmoid");

    const act = gt.layers.activation({ activation: cube });
    expect(act.className).toBe("Activation");
    expect(maxDiff(act.apply(x) as gt.Tensor, cube(x))).toBe(0);
  });

  it("a model with a function activation trains (loss goes down)", async () => {
    const { x, y } = gt.data.loadMnist({ trainSize: 256, testSize: 10, seed: 1 }).train;
    const model = gt.sequential([
      gt.layers.dense({ units: 32, activation: swish, seed: 12, inputShape: [784] }),
      gt.layers.dense({ units: 10, activation: "softmax", seed: 13 }),
    ]);
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: "sparseCategoricalCrossentropy" });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 32, seed: 14, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[2]).toBeLessThan(losses[0] * 0.8);
  });
});

describe("saving function activations", () => {
  it("an unregistered function is refused at save time, naming the layer and the fix; nothing is written", () => {
    const model = gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], activation: cube, name: "cubed", seed: 1 })]);
    const dir = tempDir();
    expect(() => model.save(dir)).toThrow(/layer 'cubed': its activation is a function \(cube\) that was not registered, so the model cannot be saved; call gt\.layers\.registerActivation\("cube", fn\)/);
    expect(readdirSync(dir)).toEqual([]);
    const anonymous = [(t: gt.Tensor) => t][0];
    expect(() => gt.layers.dense({ units: 2, activation: anonymous }).getConfig()).toThrow(/\(anonymous function\).*registerActivation\("myActivation", fn\)/);
  });

  it("a registered function saves by name and loads back with equal predictions", () => {
    const model = gt.sequential([
      gt.layers.dense({ units: 4, inputShape: [3], activation: swish, seed: 2 }),
      gt.layers.dense({ units: 2, activation: "testSwish", seed: 3 }),
    ]);
    expect(model.layers.map((l) => l.getConfig().activation)).toEqual(["testSwish", "testSwish"]);
    const dir = tempDir();
    model.save(dir);
    const loaded = gt.loadModel(dir);
    const x = gt.randomNormal([5, 3], { seed: 4 });
    expect(Array.from(loaded.predict(x).data())).toEqual(Array.from(model.predict(x).data()));
  });

  it("a function registered after the layer was made saves too", () => {
    const late = function lateSquare(t: gt.Tensor) { return gt.mul(t, t); };
    const model = gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], activation: late, seed: 5 })]);
    expect(() => model.getConfig()).toThrow(/function \(lateSquare\) that was not registered/);
    gt.layers.registerActivation("lateSquare", late);
    const copy = gt.fromMemory(gt.toMemory(model)).model;
    expect(copy.layers[0].getConfig().activation).toBe("lateSquare");
    const x = gt.randomNormal([2, 3], { seed: 6 });
    expect(Array.from(copy.predict(x).data())).toEqual(Array.from(model.predict(x).data()));
  });

  it("loading a model that names an unregistered activation says to register it", () => {
    expect(() => gt.layers.dense({ units: 2, activation: "notRegisteredAnywhere" })).toThrow(
      /unknown activation "notRegisteredAnywhere"; known activations: relu, sigmoid, tanh, softmax, leakyRelu, linear, testSwish, lateSquare; a function of your own can be registered under a name with gt\.layers\.registerActivation\(name, fn\)/);
  });

  it("registerActivation checks its arguments", () => {
    expect(() => gt.layers.registerActivation("", swish)).toThrow(/registerActivation: name must be a non-empty string, got ""/);
    expect(() => gt.layers.registerActivation("relu", swish)).toThrow(/registerActivation: 'relu' is a built-in activation; choose another name/);
    expect(() => gt.layers.registerActivation("leaky_relu", swish)).toThrow(/'leaky_relu' is a built-in activation/);
    expect(() => gt.layers.registerActivation("x", 3 as never)).toThrow(/registerActivation: fn must be a function \(a tensor in, a tensor out\), got number 3/);
    expect(() => gt.layers.registerActivation("testSwish", cube)).toThrow(/registerActivation: 'testSwish' is already registered to another function/);
    expect(() => gt.layers.registerActivation("testSwish", swish)).not.toThrow();
  });

  it("ONNX and TF.js exports refuse a function activation by layer", () => {
    const model = gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], activation: swish, name: "sw", seed: 1 })]);
    expect(() => model.toONNX()).toThrow(/toONNX: layer 'sw' \(Dense\) has the activation 'testSwish', a function of its own, which the format cannot express/);
    expect(() => gt.io.toTfjs(model)).toThrow(/toTfjs: layer 'sw' \(Dense\) has the activation 'testSwish'/);
  });
});
