import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const flat = (t: gt.Tensor) => Array.from(t.data());

/** A dense layer on 3 inputs with a hand-set kernel and bias (values exact in float32). */
function handSet(activation?: gt.layers.ActivationName) {
  const d = gt.layers.dense({ units: 2, activation });
  d.apply(gt.zeros([1, 3])); // builds a [3, 2] kernel; no declared inputShape, so rank-3 inputs work too
  d.kernel!.assign(gt.tensor([[0.5, -1], [2, 0.25], [-1.5, 1]]));
  d.bias!.assign(gt.tensor([0.5, -2]));
  return d;
}

describe("layers.dense", () => {
  it("computes x @ kernel + bias, as a hand-written matmul does", () => {
    const d = handSet();
    const x = [[1, 2, 3], [-1, 0, 4]];
    const k = [[0.5, -1], [2, 0.25], [-1.5, 1]];
    const b = [0.5, -2];
    const expected = x.map((row) => b.map((bj, j) => row.reduce((s, xi, i) => s + xi * k[i][j], bj)));
    // [1*0.5 + 2*2 + 3*-1.5 + 0.5, 1*-1 + 2*0.25 + 3*1 - 2] = [0.5, 0.5]; [-0.5 - 6 + 0.5, 1 + 4 - 2] = [-6, 3]
    expect(expected).toEqual([[0.5, 0.5], [-6, 3]]);
    expect(d.apply(gt.tensor(x)).toArray()).toEqual(expected);
  });

  it("applies the named activation after the bias", () => {
    const d = handSet("relu");
    expect(d.apply(gt.tensor([[1, 2, 3], [-1, 0, 4]])).toArray()).toEqual([[0.5, 0.5], [0, 3]]);
    const s = handSet("sigmoid");
    const out = flat(s.apply(gt.tensor([[-1, 0, 4]])));
    expect(out[0]).toBeCloseTo(1 / (1 + Math.exp(6)), 7);
    expect(out[1]).toBeCloseTo(1 / (1 + Math.exp(-3)), 7);
  });

  it("without a bias computes x @ kernel only", () => {
    const d = gt.layers.dense({ units: 2, useBias: false, kernelInitializer: "ones" });
    expect(d.apply(gt.tensor([[1, 2, 3]])).toArray()).toEqual([[6, 6]]);
    expect(d.weights.map((w) => w.name)).toEqual([`${d.name}/kernel`]);
    expect(d.countParams()).toBe(6);
  });

  it("builds a [inputDim, units] kernel and a [units] bias on the first input, named layer/weight", () => {
    const d = gt.layers.dense({ units: 4, name: "hidden" });
    expect(d.built).toBe(false);
    expect(() => d.countParams()).toThrow(/countParams needs the layer built/);
    d.apply(gt.zeros([2, 7]));
    expect(d.kernel!.shape).toEqual([7, 4]);
    expect(d.bias!.shape).toEqual([4]);
    expect(d.weights.map((w) => w.name)).toEqual(["hidden/kernel", "hidden/bias"]);
    expect(d.countParams()).toBe(32);
    expect(d.buildInputShape).toEqual([null, 7]);
  });

  it("multiplies inputs of rank 3 along their last axis", () => {
    const d = handSet();
    const x = gt.tensor([[[1, 2, 3]], [[-1, 0, 4]]]);
    const y = d.apply(x);
    expect(y.shape).toEqual([2, 1, 2]);
    expect(y.toArray()).toEqual([[[0.5, 0.5]], [[-6, 3]]]);
    expect(d.computeOutputShape([null, 1, 3])).toEqual([null, 1, 2]);
  });

  it("computes in float64 when asked, casting float32 inputs", () => {
    const d = gt.layers.dense({ units: 3, dtype: "float64", seed: 1 });
    const y = d.apply(gt.ones([2, 5]));
    expect(d.kernel!.dtype).toBe("float64");
    expect(y.dtype).toBe("float64");
  });

  it("rejects bad options and inputs with messages that say what was expected", () => {
    expect(() => gt.layers.dense({ units: 0 })).toThrow(/units must be a positive integer, got 0/);
    expect(() => gt.layers.dense({ units: 2.5 })).toThrow(/units must be a positive integer/);
    expect(() => gt.layers.dense({ units: 2, input_shape: [3] } as never)).toThrow(/unknown option 'input_shape' \(did you mean 'inputShape'\?\)/);
    expect(() => gt.layers.dense({ units: 2, activation: "gelu" as never })).toThrow(/unknown activation "gelu"; known activations: relu, sigmoid, tanh, softmax, leakyRelu, linear/);
    expect(() => gt.layers.dense({ units: 2, kernelInitializer: "xavier" as never })).toThrow(/unknown initializer "xavier"; known initializers: glorotUniform, glorotNormal/);
    expect(() => gt.layers.dense({ units: 2 }).call(gt.ones([1, 3]))).toThrow(/the layer is not built yet; run it with layer.apply\(x\)/);
    const d = handSet();
    expect(() => d.apply(gt.zeros([4, 5]))).toThrow(new RegExp(`${d.name}: expected inputs of shape \\[batch, 3\\], got \\[4, 5\\]`));
  });

  it("has gradients matching finite differences for the kernel, the bias and the input (float64)", () => {
    const d = gt.layers.dense({ units: 3, activation: "tanh", dtype: "float64", seed: 3, biasInitializer: { name: "randomNormal", stddev: 0.5 } });
    const x = gt.randomNormal([4, 5], { seed: 9, dtype: "float64" });
    d.apply(x);
    const kernel = d.kernel!;
    const bias = d.bias!;
    const saved = [kernel.data(), bias.data()];
    // The variables themselves are the inputs: checkGradients watches their ids, and each
    // finite-difference probe assigns the perturbed value before running the layer.
    const result = gt.checkGradients((k, b, input) => {
      kernel.assign(k);
      bias.assign(b);
      return d.apply(input);
    }, [kernel, bias, x]);
    kernel.assign(gt.tensor(saved[0], kernel.shape, "float64"));
    bias.assign(gt.tensor(saved[1], bias.shape, "float64"));
    expect(result.analytic.map((g) => g.shape)).toEqual([[5, 3], [3], [4, 5]]);
    expect(result.analytic.every((g) => flat(g).some((v) => Math.abs(v) > 1e-3))).toBe(true);
    expect(result.maxRelativeError).toBeLessThan(1e-7);
  });

  it("gives a config that rebuilds an equal layer, and equal seeds give equal kernels", () => {
    const a = gt.layers.dense({ units: 4, activation: "relu", seed: 11, inputShape: [6], name: "a" });
    const config = JSON.parse(JSON.stringify(a.toJSON()));
    expect(config).toEqual({
      className: "Dense",
      config: { name: "a", trainable: true, dtype: "float32", inputShape: [6], units: 4, activation: "relu", useBias: true, kernelInitializer: "glorotUniform", biasInitializer: "zeros", seed: 11 },
    });
    const b = gt.layers.layerFromConfig({ ...config, config: { ...config.config, name: "b" } }) as gt.layers.Dense;
    a.apply(gt.zeros([1, 6]));
    b.apply(gt.zeros([1, 6]));
    expect(flat(b.kernel!)).toEqual(flat(a.kernel!));
    expect(flat(a.kernel!)).toEqual(flat(gt.initializers.glorotUniform([6, 4], { seed: 11 })));
  });
});
