// Every error the foundation promises, each asserting that the message names what was wrong.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

describe("shape errors name the op and the shapes", () => {
  it("incompatible broadcast", () => {
    expect(() => gt.add(gt.zeros([3, 4]), gt.zeros([3]))).toThrow("add: shapes [3, 4] and [3] cannot be broadcast together");
    expect(() => gt.mul(gt.zeros([2, 3]), gt.zeros([4, 3]))).toThrow(/mul: shapes \[2, 3\] and \[4, 3\]/);
    expect(() => gt.broadcastTo(gt.zeros([3]), [4, 2])).toThrow("broadcastTo: a tensor of shape [3] cannot be broadcast to [4, 2]");
  });
  it("matmul inner dimensions and ranks", () => {
    expect(() => gt.matmul(gt.zeros([64, 784]), gt.zeros([128, 10]))).toThrow("matmul: inner dimensions differ: a is [64, 784], b is [128, 10]");
    expect(() => gt.matmul(gt.zeros([3, 4]), gt.zeros([3, 4]), false, true)).not.toThrow();
    expect(() => gt.matmul(gt.zeros([3, 4]), gt.zeros([5, 3]), false, true)).toThrow("b is [5, 3] (transposed)");
    expect(() => gt.matmul(gt.zeros([4]), gt.zeros([4, 2]))).toThrow("matmul: both operands must be matrices or batches of matrices (rank >= 2): a is [4], b is [4, 2]");
  });
  it("reshape to a different size", () => {
    expect(() => gt.reshape(gt.zeros([2, 3]), [4, 2])).toThrow("reshape: cannot reshape [2, 3] (6 elements) into [4, 2] (8 elements)");
    expect(() => gt.reshape(gt.zeros([2, 3]), [-1, 4])).toThrow("6 is not a multiple of 4");
    expect(() => gt.reshape(gt.zeros([6]), [-1, -1])).toThrow("more than one -1");
  });
  it("axis out of range, for every axis-taking op", () => {
    const x = gt.zeros([2, 3]);
    expect(() => gt.sum(x, 2)).toThrow("sum: axis 2 is out of range for a tensor of rank 2; valid axes: [-2, 1]");
    expect(() => gt.mean(x, -3)).toThrow("mean: axis -3 is out of range");
    expect(() => gt.max(x, [0, 5])).toThrow("max: axis 5 is out of range");
    expect(() => gt.softmax(x, 2)).toThrow("softmax: axis 2 is out of range");
    expect(() => gt.argMax(x, 3)).toThrow("argMax: axis 3 is out of range");
    expect(() => gt.concat([x, x], 2)).toThrow("concat: axis 2 is out of range");
    expect(() => gt.sum(gt.tensor(1), 0)).toThrow("valid axes: none (the tensor is a scalar)");
    expect(() => gt.sum(x, [1, -1])).toThrow("names the same axis twice");
  });
  it("slices, gathers, concat and one-hot out of range", () => {
    expect(() => gt.slice(gt.zeros([4, 3]), [2, 0], [3, -1])).toThrow("slice: dimension 0 of shape [4, 3]: begin 2 with size 3 does not fit in 4");
    expect(() => gt.gather(gt.zeros([3, 2]), [0, 3])).toThrow("gather: index 3 at position 1 is out of range for an axis of size 3");
    expect(() => gt.concat([gt.zeros([2, 3]), gt.zeros([2, 4])], 0)).toThrow("concat: tensors[1] has shape [2, 4], which does not match tensors[0] [2, 3] outside axis 0");
    expect(() => gt.oneHot(gt.tensor([1, 5], undefined, "int32"), 3)).toThrow("oneHot: index 5 at position 1 is out of range for depth 3");
  });
  it("ragged and mis-sized values", () => {
    expect(() => gt.tensor([[1, 2], [3]])).toThrow("tensor: ragged nested array: values[1] has length 1, expected length 2");
    expect(() => gt.tensor([1, 2, 3], [2, 2])).toThrow("tensor: shape [2, 2] needs 4 values but 3 were given");
    expect(() => gt.zeros([2, -1])).toThrow("zeros: shape [2,-1] has an invalid dimension -1");
    expect(() => gt.tensor([1.5], undefined, "int32")).toThrow("value 1.5 at flat index 0 is not an integer, but the dtype is int32");
  });
});

describe("dtype errors name both dtypes", () => {
  it("float32 with float64", () => {
    expect(() => gt.add(gt.zeros([2]), gt.zeros([2], "float64"))).toThrow("add: dtype mismatch: a is float32 and b is float64");
    expect(() => gt.matmul(gt.zeros([2, 2], "float64"), gt.zeros([2, 2]))).toThrow("matmul: dtype mismatch: a is float64 and b is float32");
    expect(() => gt.tensor([1], undefined, "float16" as "float32")).toThrow("tensor: unknown dtype \"float16\"; expected 'float32', 'float64' or 'int32'");
  });
  it("variable assignment checks dtype and shape", () => {
    const v = gt.variable(gt.zeros([2, 3]), { name: "w" });
    expect(() => v.assign(gt.zeros([3, 2]))).toThrow("Variable 'w'.assign: shape mismatch: the variable is [2, 3], the value is [3, 2]");
    expect(() => v.assign(gt.zeros([2, 3], "float64"))).toThrow("Variable 'w'.assign: dtype mismatch: the variable is float32, the value is float64");
  });
});

describe("tape errors", () => {
  it("a second gradient call on a non-persistent tape", () => {
    const x = gt.tensor(1);
    const tape = new gt.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.mul(2));
    tape.gradient(y, x);
    expect(() => tape.gradient(y, x)).toThrow("GradientTape.gradient: a non-persistent tape answers gradient() only once");
  });
  it("a target that was not computed on this tape", () => {
    const x = gt.tensor(1);
    const tape = new gt.GradientTape();
    tape.watch(x);
    const other = new gt.GradientTape();
    other.watch(x);
    const y = other.record(() => x.mul(2));
    expect(() => tape.gradient(y, x)).toThrow("GradientTape.gradient: the target (a float32 tensor of shape []) was not computed on this tape");
  });
  it("a source that is not a tensor, in each structure", () => {
    const x = gt.tensor(1);
    const make = () => {
      const tape = new gt.GradientTape();
      tape.watch(x);
      return [tape, tape.record(() => x.mul(2))] as const;
    };
    const [t1, y1] = make();
    expect(() => t1.gradient(y1, [x, 3 as unknown as gt.Tensor])).toThrow("GradientTape.gradient: the source at index 1 is not a tensor: got number 3");
    const [t2, y2] = make();
    expect(() => t2.gradient(y2, { w: "w" as unknown as gt.Tensor })).toThrow("the source 'w' is not a tensor: got string w");
    const [t3, y3] = make();
    expect(() => t3.gradient(y3, null as unknown as gt.Tensor)).toThrow("the source is not a tensor: got null");
    expect(() => new gt.GradientTape().watch([x, {} as gt.Tensor])).toThrow("GradientTape.watch: argument at index 1 is not a tensor");
  });
  it("an op given something that is not a tensor", () => {
    expect(() => gt.add(gt.zeros([1]), "2" as unknown as number)).toThrow("add: argument 'b' must be a tensor, a number or an array, got string 2");
  });
});

describe("no silent NaN from bad arguments", () => {
  it("rejects bounds and hyperparameters that would poison results", () => {
    expect(() => gt.clipByValue(gt.zeros([2]), 1, -1)).toThrow("clipByValue: lo (1) must not be greater than hi (-1)");
    expect(() => gt.randomNormal([2], { stddev: NaN })).toThrow("randomNormal: stddev must be a finite number, got NaN");
    expect(() => gt.randomUniform([2], { minval: 1, maxval: 1 })).toThrow("randomUniform: maxval (1) must be greater than minval (1)");
    expect(() => gt.leakyRelu(gt.zeros([2]), Infinity)).toThrow("leakyRelu: alpha must be a finite number, got Infinity");
    expect(() => gt.max(gt.zeros([0]))).toThrow("max: cannot reduce an empty axis of shape [0]");
    expect(() => gt.mean(gt.zeros([0]))).toThrow("mean: reducing axes [0] of shape [0] averages no elements");
  });
  it("labels out of range name the label and the class count", () => {
    expect(() => gt.losses.sparseCategoricalCrossentropy(gt.tensor([0, 3], undefined, "int32"), gt.zeros([2, 3]))).toThrow(
      "sparseCategoricalCrossentropy: label 3 at position 1 is out of range for 3 classes",
    );
    expect(() => gt.losses.meanSquaredError(gt.zeros([2, 1]), gt.zeros([2]))).toThrow("meanSquaredError: yTrue has shape [2, 1] but yPred has shape [2]");
  });
});
