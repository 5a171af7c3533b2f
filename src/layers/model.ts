/**
 * `Model`: a stack of layers run in order (Keras' `Sequential`), with `predict`, weights in and
 * out, `summary()`, and `compile` / `fit` / `evaluate` from `src/training`.
 * @module
 */
import type { DType } from "../tensor/dtype.js";
import { fmt, shapesEqual } from "../tensor/shape.js";
import { describe, Tensor, type TensorLike, type Variable } from "../tensor/tensor.js";
import { fromValues } from "../tensor/create.js";
import { toTensor } from "../ops/lift.js";
import { concat, slice } from "../ops/shape.js";
import { noGrad } from "../autograd/tape.js";
import { compileModel, type CompileOptions, type CompiledState } from "../training/compile.js";
import { evaluateModel, fitModel, type EvaluateOptions, type FitOptions } from "../training/fit.js";
import type { History } from "../training/history.js";
import type { Logs } from "../training/callbacks.js";
import { CALL_OPTIONS, formatShape, Layer, uniqueName, type CallOptions, type LayerConfig, type LayerShape } from "./layer.js";
import { checkLayerShape, checkOptions, positiveInteger } from "./options.js";
import { saveModel } from "../io/folder.js";
import type { FunctionalConfig } from "./functional.js";
import type { PathLike } from "../util/path.js";
import { modelToOnnx } from "../interop/onnx/index.js";

/** Options of {@link sequential}. */
export interface ModelOptions {
  /** The model's name (default `sequential`, `sequential_1`, …). */
  name?: string;
}

/** Options of {@link Model.predict}. */
export interface PredictOptions {
  /** Samples per forward pass (default 32). */
  batchSize?: number;
}

/** The JSON-able architecture of a model, from which `layers.modelFromConfig` rebuilds it. */
export type ModelConfig = SequentialConfig | FunctionalConfig;

/** The architecture of a sequential model. */
export interface SequentialConfig {
  /** Always `'Sequential'`. */
  className: "Sequential";
  /** The model's name and layers. */
  config: {
    /** The model's name. */
    name: string;
    /** Each layer's config, in order. */
    layers: LayerConfig[];
    /** The input shape the model was built for (batch `null`), when built. */
    buildInputShape?: (number | null)[];
  };
}

/** What a model's forward pass takes: one batch, or a list of batches for a model with several inputs. */
export type ModelInput = TensorLike | readonly Tensor[];

/** What a model's forward pass returns: one tensor, or a list for a model whose outputs were given as a list. */
export type ModelOutput = Tensor | Tensor[];

/** Any model, whatever its outputs: what the functions that take any model (checkpoints, callbacks) accept. */
export type AnyModel = Model<ModelOutput>;

/**
 * Checks a single input at a model's entry, so that a mistake is reported by the model the user
 * called (`sequential: flat: declared inputShape ...`), not by its first layer alone.
 */
function checkInput(model: string, first: Layer | undefined, x: Tensor): void {
  if (x.rank === 0) throw new Error(`${model}: expected a batch of inputs (batch dimension first), got a scalar`);
  try {
    first?.checkDeclaredShape(x.shape, "received input");
  } catch (e) {
    throw new Error(`${model}: ${(e as Error).message}`);
  }
}

/** @internal Throws unless `model` is a {@link Model} (sequential or functional), naming `where`. */
export function checkModel(where: string, model: unknown): AnyModel {
  if (!(model instanceof Model)) throw new Error(`${where}: expected a Model (from gt.sequential or gt.model), got ${describe(model)}`);
  return model as AnyModel;
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

/**
 * A model that runs its layers one after the other: what {@link sequential} returns.
 *
 * Its forward pass is {@link Model.call}; {@link Model.trainableVariables} are what a gradient tape
 * differentiates and an optimizer updates. `compile` + `fit` run the article's custom loop for you.
 *
 * @example
 * ```ts
 * const model = gt.sequential([
 *   gt.layers.dense({ units: 128, activation: "relu", inputShape: [784] }),
 *   gt.layers.dense({ units: 10, activation: "softmax" }),
 * ]);
 * model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
 * const history = await model.fit(x, y, { epochs: 5 });
 * ```
 */
export class Model<O extends ModelOutput = Tensor> {
  /** The model's name. */
  readonly name: string;
  /** Set to true (by a callback, say) to end `fit` after the current batch. */
  stopTraining = false;
  /** The {@link History} of the last `fit`. */
  history: History | undefined;
  private readonly _layers: Layer[] = [];
  /** @internal What `compile` set up. */
  compiled: CompiledState | undefined;
  /** @internal True while `fit` runs. */
  fitting = false;

  /**
   * @param layerList - the layers, in order.
   * @throws Error when an element is not a layer or two layers share a name.
   */
  constructor(layerList: readonly Layer[] = [], options: ModelOptions = {}) {
    checkOptions("sequential", options, ["name"]);
    if (!Array.isArray(layerList)) throw new Error(`sequential: expected an array of layers, got ${describe(layerList)}`);
    if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) throw new Error(`sequential: name must be a non-empty string, got ${describe(options.name)}`);
    this.name = options.name ?? uniqueName("sequential");
    for (const layer of layerList) this.add(layer);
  }

  /**
   * Appends a layer. The first layer's `inputShape` (if any) builds the model at once.
   * @throws Error when `layer` is not a layer or its name is taken.
   */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new Error(`${this.name}: expected a layer at position ${this._layers.length}, got ${describe(layer)}`);
    if (this._layers.some((l) => l.name === layer.name)) {
      throw new Error(`${this.name}: all layers must have unique names; '${layer.name}' is already in the model`);
    }
    const wasBuilt = this.built;
    this._layers.push(layer);
    const first = this._layers[0];
    if (wasBuilt || (this._layers.length === 1 && first.inputShape !== undefined)) {
      this.build(first.buildInputShape ?? [null, ...(first.inputShape as number[])]);
    }
  }

  /** The names of the layers that produce the outputs: the last layer's for a sequential model. */
  outputNames(): string[] {
    return [this._layers.length === 0 ? this.name : this._layers[this._layers.length - 1].name];
  }

  /** @internal True when `call` returns a list of tensors (a functional model whose outputs were a list). */
  get returnsList(): boolean {
    return false;
  }

  /** The layers, in order. */
  get layers(): readonly Layer[] {
    return this._layers.slice();
  }

  /** True when every layer has its weights. */
  get built(): boolean {
    return this._layers.length > 0 && this._layers.every((l) => l.built);
  }

  /**
   * Builds every layer for inputs of `inputShape` (batch first; use `null` for it).
   * @throws Error from a layer whose input shape does not fit.
   * @example `model.build([null, 784])`
   */
  build(inputShape: LayerShape): void {
    if (!Array.isArray(inputShape) || inputShape.length === 0) {
      throw new Error(`${this.name}: build expects the input shape with the batch dimension first, such as [null, 784], got ${describe(inputShape)}`);
    }
    checkLayerShape(`${this.name}.build`, inputShape);
    let shape: LayerShape = [null, ...inputShape.slice(1)];
    for (const layer of this._layers) {
      layer.checkDeclaredShape(shape, "input shape given to build");
      layer.ensureBuilt(shape);
      shape = layer.computeOutputShape(shape);
    }
  }

  /** The shape of the model's input (batch `null`), once built. */
  get inputShape(): LayerShape | undefined {
    return this._layers[0]?.buildInputShape;
  }

  /** Each layer's output shape (batch `null`), once built. */
  outputShapes(): LayerShape[] {
    const start = this.inputShape;
    if (start === undefined) throw new Error(`${this.name}: the model is not built yet; give the first layer an inputShape, call model.build([null, ...]) or run it on data`);
    let shape = start;
    return this._layers.map((l) => (shape = l.computeOutputShape(shape)));
  }

  /**
   * The forward pass: each layer on the previous one's output. Inside `tape.record` it is
   * recorded, like any op. Builds the layers on the first call.
   * @param x - a batch of inputs, batch first.
   * @param options - `training: true` switches dropout on.
   * @throws Error from a layer whose input shape does not fit.
   * @example `const logits = model.call(x, { training: true })`
   */
  call(x: ModelInput, options: CallOptions = {}): O {
    checkOptions("call", options, CALL_OPTIONS);
    if (isTensorList(x)) throw new Error(`${this.name}: a sequential model takes one input tensor, got a list of ${x.length}; models with several inputs are built with gt.model`);
    let y = toTensor(this.name, x as TensorLike);
    checkInput(this.name, this._layers[0], y);
    for (const layer of this._layers) y = layer.apply(y, options);
    return y as O;
  }

  /**
   * Outputs for `x`, computed `batchSize` samples at a time with `training: false`. The result is a
   * constant (gradients do not flow through it), like Keras' `predict`, which returns arrays; use
   * {@link Model.call} inside a tape to differentiate.
   * @throws Error when `x` is not a batch of inputs or `batchSize` is not a positive integer.
   * @example `const probabilities = model.predict(xTest, { batchSize: 256 })`
   */
  predict(x: ModelInput, options: PredictOptions = {}): O {
    checkOptions("predict", options, ["batchSize"]);
    const batchSize = positiveInteger("predict", "batchSize", options.batchSize ?? 32);
    const list = isTensorList(x);
    const xs = list ? x : [toTensor("predict", x as TensorLike)];
    if (xs.some((t) => t.rank === 0)) throw new Error("predict: expected a batch of inputs (batch dimension first), got a scalar");
    if (!list) checkInput(this.name, this._layers[0], xs[0]);
    const n = xs[0].shape[0];
    const other = xs.findIndex((t) => t.shape[0] !== n);
    if (other >= 0) throw new Error(`predict: the inputs hold different numbers of samples: input 0 has ${n}, input ${other} has ${xs[other].shape[0]}`);
    // Inference records nothing, even inside a tape's record: a prediction is a constant.
    return noGrad(() => {
      if (n <= batchSize) return this.call(list ? xs : xs[0]);
      const outputs: ModelOutput[] = [];
      for (let start = 0; start < n; start += batchSize) {
        const part = xs.map((t) => slice(t, [start], [Math.min(batchSize, n - start)]));
        outputs.push(this.call(list ? part : part[0]));
      }
      const first = outputs[0];
      return (Array.isArray(first) ? first.map((_, k) => concat(outputs.map((o) => (o as Tensor[])[k]), 0)) : concat(outputs as Tensor[], 0)) as O;
    });
  }

  /** All weights, layer by layer (kernel, then bias). */
  get weights(): Variable[] {
    return this.layers.flatMap((l) => l.weights);
  }

  /** The weights that training updates, layer by layer (kernel, then bias). */
  get trainableWeights(): Variable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /** The weights of frozen layers and non-trainable weights. */
  get nonTrainableWeights(): Variable[] {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  /**
   * The variables a gradient tape differentiates and an optimizer updates, in a fixed order:
   * `tape.gradient(loss, model.trainableVariables)`. Empty until the model is built.
   */
  get trainableVariables(): Variable[] {
    return this.trainableWeights;
  }

  /**
   * Copies of every weight's current value, layer by layer (kernel, then bias).
   * @example `const saved = model.getWeights(); …; model.setWeights(saved);`
   */
  getWeights(): Tensor[] {
    return this.weights.map((v) => fromValues(v.data(), v.shape, v.dtype));
  }

  /**
   * Replaces every weight's value, in the order of {@link Model.getWeights}. Nothing is assigned
   * unless every value fits.
   * @throws Error when the count differs, or naming the layer, the weight and both shapes (or
   * dtypes) when a value does not fit.
   */
  setWeights(weights: readonly Tensor[]): void {
    if (!Array.isArray(weights)) throw new Error(`setWeights: expected an array of tensors, got ${describe(weights)}`);
    const vars = this.layers.flatMap((layer) => layer.weights.map((v) => ({ layer, v })));
    if (!this.built) throw new Error(`setWeights: the model ${this.name} is not built yet, so its weights do not exist; build it first (model.build or an inputShape)`);
    if (weights.length !== vars.length) {
      const missing = weights.length < vars.length ? `; the first weight without a value is ${vars[weights.length].v.name} of layer '${vars[weights.length].layer.name}'` : "";
      throw new Error(`setWeights: the model has ${vars.length} weights but ${weights.length} tensors were given${missing}`);
    }
    vars.forEach(({ layer, v }, i) => {
      const w = weights[i];
      if (!(w instanceof Tensor)) throw new Error(`setWeights: value ${i} (for ${v.name} of layer '${layer.name}') is not a tensor: got ${describe(w)}`);
      if (!shapesEqual(w.shape, v.shape)) {
        throw new Error(`setWeights: layer '${layer.name}': weight ${v.name} has shape ${fmt(v.shape)} but value ${i} has shape ${fmt(w.shape)}`);
      }
      if (w.dtype !== v.dtype) throw new Error(`setWeights: layer '${layer.name}': weight ${v.name} is ${v.dtype} but value ${i} is ${w.dtype}`);
    });
    vars.forEach(({ v }, i) => v.assign(fromValues(weights[i].data(), v.shape, v.dtype)));
  }

  /**
   * The number of scalars in all weights.
   * @throws Error when the model is not built.
   */
  countParams(): number {
    if (!this.built) throw new Error(`${this.name}: countParams needs the model built`);
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  /**
   * A Keras-style table of the layers (name and type, output shape, parameter count) and the
   * totals. Each line goes to `print`; the whole table is returned.
   * @param print - receives each line (default `console.log`); pass `() => {}` to only get the string.
   * @throws Error when the model is not built (its shapes are unknown).
   * @example `model.summary()`
   */
  summary(print: (line: string) => void = console.log): string {
    if (typeof print !== "function") throw new Error(`${this.name}: summary's print must be a function (line) => void, got ${describe(print)}`);
    if (!this.built) {
      throw new Error(`${this.name}: summary needs the model built; give the first layer an inputShape, call model.build([null, ...]) or run it on data first`);
    }
    const shapes = this.outputShapes();
    const rows = this._layers.map((l, i) => [` ${l.name} (${l.className})`, formatShape(shapes[i]), String(l.countParams())]);
    return drawSummary(this, ["Layer (type)", "Output Shape", "Param #"], [29, 26, 10], rows, print);
  }

  /** The architecture as plain JSON, from which `layers.modelFromConfig` rebuilds the model. */
  getConfig(): ModelConfig {
    const config: SequentialConfig["config"] = { name: this.name, layers: this._layers.map((l) => l.toJSON()) };
    if (this.inputShape !== undefined) config.buildInputShape = this.inputShape.slice();
    return { className: "Sequential", config };
  }

  /**
   * Saves the architecture and the weights to the folder `dir` (created if needed): `model.json`,
   * the manifest, and one binary weights file. The write is atomic: a crash at any point leaves
   * the previous save or this one loadable. `gt.loadModel(dir)` reads it back. Node only; in a
   * browser use `gt.toMemory(model)`. For training state too, use `gt.saveCheckpoint`.
   * @param dir - the folder, a path or a `file://` URL (`"file:///tmp/model"`, as TF.js writes it);
   * a previous save there is replaced.
   * @throws Error when `dir` is not a path or is a URL of another scheme (`indexeddb://`, `http://`), the folder cannot be written (the previous save is then
   * untouched), or outside Node.
   * @example
   * ```ts
   * model.save("models/mnist");
   * const same = gt.loadModel("models/mnist");
   * ```
   */
  save(dir: PathLike): void {
    saveModel(this, dir);
  }

  /**
   * The model as an ONNX file's bytes (opset 17, IR version 8) that gives the same numbers as
   * {@link Model.predict} on the same (NHWC) input. A sequential model has one input, `input`, and
   * one output, `output` (so has a functional model with one of each); several inputs or outputs
   * are named after their layers. A float32 model's values are FLOAT, a float64 model's DOUBLE; an
   * input that only embeddings read takes INT32 ids.
   * onnxruntime (Node, web, mobile) runs it and Netron draws it. In Node, `gt.saveONNX(model, path)` writes it.
   * @throws Error when the model is not built, or naming the first layer that cannot be exported
   * (and listing those that can).
   * @example
   * ```ts
   * const bytes = model.toONNX();   // Uint8Array
   * ```
   */
  toONNX(): Uint8Array {
    return modelToOnnx(this);
  }

  /**
   * Sets the optimizer, the loss and the metrics that {@link Model.fit} and
   * {@link Model.evaluate} use.
   * @param options - `optimizer` (an optimizer such as `new gt.optim.SGD(...)`), `loss` (a name
   * such as `'sparseCategoricalCrossentropy'` or `'mse'`, or a function `(yTrue, yPred) => scalar`),
   * `metrics` (`['accuracy']` or functions).
   * @throws Error for a missing optimizer, or an unknown loss or metric (listing the known ones).
   * @example `model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: "mse" })`
   */
  compile(options: CompileOptions): void {
    this.compiled = compileModel(options);
  }

  /** The optimizer set by {@link Model.compile}. */
  get optimizer(): CompileOptions["optimizer"] | undefined {
    return this.compiled?.optimizer;
  }

  /**
   * Trains the model: for each epoch, shuffle (seeded), cut into batches, and run
   * `trainStep` — the article's loop — on each batch. See {@link FitOptions}.
   * @returns the {@link History}: `history.history.loss`, `accuracy`, `val_loss`, `val_accuracy`.
   * @throws Error before training for bad arguments or an uncompiled model; during training
   * when the loss turns NaN or infinite (naming the epoch and batch; that batch's update is not applied).
   * @example `const history = await model.fit(x, y, { epochs: 5, batchSize: 64, validationSplit: 0.1, seed: 1 })`
   */
  fit(x: Tensor | readonly Tensor[], y: Tensor | readonly Tensor[], options: FitOptions = {}): Promise<History> {
    return fitModel(this, x, y, options);
  }

  /**
   * The compiled loss and metrics over all of `x` and `y`: batch-size-weighted means of
   * per-batch values, computed with `training: false`.
   * @throws Error when the model is not compiled or `x` and `y` differ in length.
   * @example `const { loss, accuracy } = model.evaluate(xTest, yTest)`
   */
  evaluate(x: Tensor | readonly Tensor[], y: Tensor | readonly Tensor[], options: EvaluateOptions = {}): Logs {
    return evaluateModel(this, x, y, options);
  }
}

/**
 * A model running `layerList` in order, Keras' `Sequential`. If the first layer has an
 * `inputShape`, the weights are made at once; otherwise on the first call.
 * @throws Error when an element is not a layer or two layers share a name.
 * @example
 * ```ts
 * const model = gt.sequential([
 *   gt.layers.dense({ units: 128, activation: "relu", inputShape: [784] }),
 *   gt.layers.dense({ units: 10 }),
 * ]);
 * model.summary();
 * ```
 */
export function sequential(layerList: readonly Layer[] = [], options: ModelOptions = {}): Model {
  return new Model(layerList, options);
}

/** @internal True for a non-empty array of tensors (a multi-input model's batch), as opposed to nested numbers. */
export function isTensorList(x: unknown): x is readonly Tensor[] {
  return Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof Tensor);
}

/**
 * @internal Draws Keras' summary table: a title, the header, one row per layer (cells padded to
 * `cols`, or to the column's longest cell where that is wider; the last cell unpadded), the
 * parameter totals. Each line goes to `print`.
 */
export function drawSummary(model: AnyModel, header: string[], cols: number[], rows: string[][], print: (line: string) => void): string {
  const head = [` ${header[0]}`, ...header.slice(1)];
  // Keras' widths, widened to the longest cell of a column (and its separating space), so that a
  // long layer name or class pushes the later columns right on every line alike.
  const last = cols.length - 1;
  const widths = cols.map((w, i) => Math.max(w, ...[head, ...rows].map((r) => (r[i] ?? "").length + (i < last ? 1 : 0))));
  const width = widths.reduce((a, b) => a + b, 0);
  const row = (cells: string[]) => cells.map((c, i) => (i < last ? `${c} `.padEnd(widths[i]) : c)).join("").trimEnd();
  const lines = [`Model: "${model.name}"`, "_".repeat(width), row(head), "=".repeat(width)];
  for (const r of rows) lines.push(row(r));
  const size = (vs: Variable[]) => [vs.reduce((n, v) => n + v.size, 0), vs.reduce((n, v) => n + v.size * BYTES[v.dtype], 0)] as const;
  const [total, totalBytes] = size(model.weights);
  const [trainable, trainableBytes] = size(model.trainableWeights);
  lines.push(
    "=".repeat(width),
    `Total params: ${total} (${readableSize(totalBytes)})`,
    `Trainable params: ${trainable} (${readableSize(trainableBytes)})`,
    `Non-trainable params: ${total - trainable} (${readableSize(totalBytes - trainableBytes)})`,
    "_".repeat(width),
  );
  for (const line of lines) print(line);
  return lines.join("\n");
}

function readableSize(bytes: number): string {
  const units = ["Byte", "KB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)} ${units[u]}`;
}
