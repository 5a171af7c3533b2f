/**
 * `model.fit` and `model.evaluate`. `fit` is the article's custom loop with bookkeeping around it:
 * per epoch, a seeded shuffle and batches; per batch, {@link trainStep}; then running means,
 * callbacks, validation, and a pause for the event loop so a page stays responsive.
 * @module
 */
import { tensor, randomUniform, type Seed } from "../tensor/create.js";
import { describe, Tensor } from "../tensor/tensor.js";
import { gather, slice } from "../ops/shape.js";
import { getBackend } from "../kernels/backend.js";
import { residentCopy } from "../kernels/wasm/index.js";
import { checkOptions, positiveInteger } from "../layers/options.js";
import type { AnyModel, ModelOutput } from "../layers/model.js";
import type { Callback, Logs, TrainingParams } from "./callbacks.js";
import type { CompiledState } from "./compile.js";
import { History } from "./history.js";
import { ProgressLogger, type ProgressSink } from "./progress.js";
import { NonFiniteLossError, trainStep } from "./train-step.js";
import { OutputPlan } from "./outputs.js";

/** Options of `model.fit`. */
export interface FitOptions {
  /** The epoch to stop before (default 1): training runs epochs `initialEpoch … epochs − 1`. */
  epochs?: number;
  /** Samples per batch (default 32); the last batch of an epoch keeps the remainder. */
  batchSize?: number;
  /** Reshuffle the training samples before every epoch (default true). */
  shuffle?: boolean;
  /**
   * Seed of the shuffles. Epoch `e` orders the samples by
   * ``gt.randomUniform([n], { seed: `${seed}/${e}`, dtype: 'float64' })`` (a stable argsort), so the same seed gives the same
   * batches — and, from the same initial weights, the same weights bit for bit — and a run
   * resumed at `initialEpoch` sees the batches it would have seen. Without a seed the shuffles
   * draw from the global stream.
   */
  seed?: Seed;
  /** `[x, y]` to evaluate after every epoch: logs `val_loss` and `val_<metric>` (lists for a model with several inputs or outputs). */
  validationData?: readonly [Tensor | readonly Tensor[], Tensor | readonly Tensor[]];
  /** The fraction of samples, taken from the end before any shuffling (as Keras), to validate on instead. */
  validationSplit?: number;
  /** Callbacks (see `Callback`), called in order after the progress display. */
  callbacks?: Callback[];
  /** 0 silent, 1 (default) a progress bar on a terminal and one line per epoch elsewhere, 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** The epoch to start at (default 0), to resume training. */
  initialEpoch?: number;
  /** Where `verbose` output goes (default `process.stdout`, or `console.log` outside Node). */
  progressSink?: ProgressSink;
}

/** Options of `model.evaluate`. */
export interface EvaluateOptions {
  /** Samples per forward pass (default 32). */
  batchSize?: number;
}

const FIT_OPTIONS = ["epochs", "batchSize", "shuffle", "seed", "validationData", "validationSplit", "callbacks", "verbose", "initialEpoch", "progressSink"];

/** @internal `model.fit`. */
export async function fitModel(model: AnyModel, x: Tensor | readonly Tensor[], y: Tensor | readonly Tensor[], options: FitOptions = {}): Promise<History> {
  const o = checkOptions("fit", options, FIT_OPTIONS);
  const compiled = requireCompiled(model, "fit");
  if (model.fitting) throw new Error("fit: this model is already training; await the running fit first");
  const plan = new OutputPlan(model, compiled, "fit");
  const data = readData("fit", plan, x, y, "x", "y");
  const n = data.n;
  const epochs = positiveInteger("fit", "epochs", o.epochs ?? 1);
  const batchSize = positiveInteger("fit", "batchSize", o.batchSize ?? 32);
  const initialEpoch = o.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) {
    throw new Error(`fit: initialEpoch must be an integer in [0, epochs) = [0, ${epochs}), got ${initialEpoch}`);
  }
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== "boolean") throw new Error(`fit: shuffle must be true or false, got ${describe(shuffle)}`);
  const verbose = o.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new Error(`fit: verbose must be 0, 1 or 2, got ${describe(verbose)}`);
  const userCallbacks = o.callbacks ?? [];
  if (!Array.isArray(userCallbacks) || userCallbacks.some((c) => c === null || typeof c !== "object")) {
    throw new Error(`fit: callbacks must be an array of callback objects, got ${describe(userCallbacks)}`);
  }

  let train = data;
  let validation: Data | undefined;
  if (o.validationData !== undefined && o.validationSplit !== undefined) {
    throw new Error("fit: give validationData or validationSplit, not both");
  }
  if (o.validationData !== undefined) {
    const vd = o.validationData;
    if (!Array.isArray(vd) || vd.length !== 2) throw new Error(`fit: validationData must be [x, y], got ${describe(vd)}`);
    validation = readData("fit", plan, vd[0], vd[1], "validationData x", "validationData y");
  } else if (o.validationSplit !== undefined) {
    const split = o.validationSplit;
    if (typeof split !== "number" || !(split > 0 && split < 1)) throw new Error(`fit: validationSplit must be a number in (0, 1), got ${describe(split)}`);
    const cut = Math.floor(n * (1 - split));
    if (cut === 0 || cut === n) throw new Error(`fit: validationSplit ${split} of ${n} samples leaves ${cut} for training and ${n - cut} for validation; both need at least one`);
    train = sliceData(data, 0, cut);
    validation = sliceData(data, cut, n - cut);
  }

  const samples = train.n;
  const steps = Math.ceil(samples / batchSize);
  const params: TrainingParams = { epochs, steps, batchSize, samples, verbose };
  if (initialEpoch > 0) params.initialEpoch = initialEpoch;
  if (o.seed !== undefined) params.seed = o.seed;
  const history = new History();
  const progress = verbose === 0 ? undefined : new ProgressLogger(o.progressSink);
  const callbacks = new CallbackList([...(progress === undefined ? [] : [progress]), ...userCallbacks, history]);
  for (const cb of callbacks.callbacks) {
    cb.setModel?.(model);
    cb.setParams?.(params);
  }

  model.stopTraining = false;
  model.fitting = true;
  model.history = history;
  let epochLogs: Logs = {};
  try {
    await callbacks.call("onTrainBegin", {});
    for (let epoch = initialEpoch; epoch < epochs; epoch++) {
      await callbacks.call("onEpochBegin", epoch, {});
      const order = shuffle ? permutation(samples, o.seed, epoch) : undefined;
      const means = new RunningMeans();
      for (let batch = 0; batch < steps; batch++) {
        await callbacks.call("onBatchBegin", batch, {});
        const start = batch * batchSize;
        const size = Math.min(batchSize, samples - start);
        const b = residentInputs(order === undefined ? sliceData(train, start, size) : takeRows(train, order.subarray(start, start + size)));
        const parts: (Tensor | undefined)[] = [];
        let step;
        try {
          step = trainStep(model, compiled.optimizer, (ys: Tensor[], p: ModelOutput) => plan.loss(ys, p, parts), modelInput(b), b.ys);
        } catch (e) {
          progress?.interrupt();
          throw e instanceof NonFiniteLossError ? atBatch(e, epoch, epochs, batch, steps) : e;
        }
        plan.log(means, b.ys, step.predictions, step.loss, parts, size);
        await callbacks.call("onBatchEnd", batch, means.logs());
        if (model.stopTraining) break;
        await nextTick();
      }
      epochLogs = means.logs();
      if (validation !== undefined) {
        for (const [k, v] of Object.entries(evaluateCompiled(model, compiled, plan, validation, batchSize))) epochLogs[`val_${k}`] = v;
      }
      await callbacks.call("onEpochEnd", epoch, epochLogs);
      if (model.stopTraining) break;
    }
    await callbacks.call("onTrainEnd", epochLogs);
  } finally {
    model.fitting = false;
  }
  return history;
}

/** @internal `model.evaluate`. */
export function evaluateModel(model: AnyModel, x: Tensor | readonly Tensor[], y: Tensor | readonly Tensor[], options: EvaluateOptions = {}): Logs {
  const o = checkOptions("evaluate", options, ["batchSize"]);
  const compiled = requireCompiled(model, "evaluate");
  const plan = new OutputPlan(model, compiled, "evaluate");
  const data = readData("evaluate", plan, x, y, "x", "y");
  return evaluateCompiled(model, compiled, plan, data, positiveInteger("evaluate", "batchSize", o.batchSize ?? 32));
}

function evaluateCompiled(model: AnyModel, compiled: CompiledState, plan: OutputPlan, data: Data, batchSize: number): Logs {
  const means = new RunningMeans();
  for (let start = 0; start < data.n; start += batchSize) {
    const size = Math.min(batchSize, data.n - start);
    const b = sliceData(data, start, size);
    const predictions = model.call(modelInput(b), { training: false });
    const parts: (Tensor | undefined)[] = [];
    plan.log(means, b.ys, predictions, plan.loss(b.ys, predictions, parts), parts, size);
  }
  return means.logs();
}

/** A data set as `fit` sees it: one tensor per input and per output, `n` samples each. */
interface Data {
  xs: Tensor[];
  ys: Tensor[];
  /** True when the model takes its inputs as a list. */
  xList: boolean;
  n: number;
}

/** What the model's `call` takes: the one input, or the list. */
/**
 * The batch with its large float32 inputs copied into WebAssembly memory where results live there:
 * the first layer's forward and backward products then read them in place, one copy instead of
 * two (each product would copy a batch that lives on the JavaScript heap in).
 */
function residentInputs(d: Data): Data {
  if (getBackend() !== "wasm") return d;
  const xs = d.xs.map((t) => {
    if (t.dtype !== "float32" || t.size < 1024) return t;
    const copy = residentCopy(t.values() as Float32Array);
    return copy === undefined ? t : new Tensor(copy, t.shape, "float32");
  });
  return { ...d, xs };
}

function modelInput(d: Data): Tensor | Tensor[] {
  return d.xList ? d.xs : d.xs[0];
}

function sliceData(d: Data, start: number, size: number): Data {
  const cut = (t: Tensor) => slice(t, [start], [size]);
  return { xs: d.xs.map(cut), ys: d.ys.map(cut), xList: d.xList, n: size };
}

function takeRows(d: Data, rows: Int32Array): Data {
  const indices = tensor(rows, [rows.length], "int32");
  const take = (t: Tensor) => gather(t, indices, 0);
  return { xs: d.xs.map(take), ys: d.ys.map(take), xList: d.xList, n: rows.length };
}

/**
 * Checks that `x` (a tensor, or a list for several inputs) and `y` (one tensor per output) are
 * tensors with the same number of samples.
 */
function readData(where: string, plan: OutputPlan, x: unknown, y: unknown, xName: string, yName: string): Data {
  // A list holds tensors; nested numbers are one (mistaken) x, reported as such below.
  const xList = Array.isArray(x) && x.some((t) => t instanceof Tensor);
  const xs = (xList ? x : [x]) as Tensor[];
  const ys = plan.targets(where, y, yName);
  const named = [...xs.map((t, i) => [t, xList ? `${xName}[${i}]` : xName] as const), ...ys.map((t, i) => [t, ys.length > 1 || ys[0] !== y ? `${yName}[${i}]` : yName] as const)];
  for (const [t, name] of named) {
    if (!(t instanceof Tensor) || t.rank === 0) throw new Error(`${where}: ${name} must be a tensor with the samples along its first axis, got ${describe(t)}`);
  }
  const [first, firstName] = named[0];
  for (const [t, name] of named.slice(1)) {
    if (t.shape[0] !== first.shape[0]) {
      throw new Error(`${where}: ${firstName} and ${name} hold different numbers of samples: ${firstName} has ${first.shape[0]} (shape [${first.shape.join(", ")}]), ${name} has ${t.shape[0]} (shape [${t.shape.join(", ")}])`);
    }
  }
  if (first.shape[0] === 0) throw new Error(`${where}: ${firstName} has no samples`);
  return { xs, ys, xList, n: first.shape[0] };
}

/**
 * Ratios of sums accumulated in float64: `loss` and mean metrics add `value · rows` over `rows`,
 * so each epoch's value is the mean over its samples; precision and recall add their counts, so
 * theirs is the ratio over the epoch (Keras' stateful metrics), 0 while the denominator is 0.
 */
class RunningMeans {
  private readonly numerators = new Map<string, number>();
  private readonly denominators = new Map<string, number>();

  add(name: string, numerator: number, denominator: number): void {
    this.numerators.set(name, (this.numerators.get(name) ?? 0) + numerator);
    this.denominators.set(name, (this.denominators.get(name) ?? 0) + denominator);
  }

  logs(): Logs {
    const out: Logs = {};
    for (const [name, sum] of this.numerators) {
      const d = this.denominators.get(name) as number;
      out[name] = d === 0 ? 0 : sum / d;
    }
    return out;
  }
}

/**
 * The sample order of epoch `epoch`: a stable argsort of seeded uniform keys. Argsort (rather than
 * Fisher–Yates on a private generator) keeps it reproducible with the public API alone.
 */
function permutation(n: number, seed: Seed | undefined, epoch: number): Int32Array {
  const keys = randomUniform([n], { seed: seed === undefined ? undefined : `${seed}/${epoch}`, dtype: "float64" }).values();
  const order = Int32Array.from({ length: n }, (_, i) => i);
  return order.sort((a, b) => keys[a] - keys[b] || a - b);
}

function requireCompiled(model: AnyModel, where: string): CompiledState {
  const compiled = model.compiled;
  if (compiled === undefined) throw new Error(`${where}: the model must be compiled first: model.compile({ optimizer, loss, metrics })`);
  return compiled;
}

function atBatch(e: NonFiniteLossError, epoch: number, epochs: number, batch: number, steps: number): NonFiniteLossError {
  const what = e.variables.length > 0 ? `the gradients of ${e.variables.join(", ")} became non-finite (loss ${e.loss})` : `the loss became ${e.loss}`;
  const err = new NonFiniteLossError(
    `fit: ${what} at epoch ${epoch + 1}/${epochs}, batch ${batch + 1}/${steps}; training stopped before applying that batch, so the weights are those after the previous batch. ` +
      "Lower the learning rate, check the inputs for NaN, or use a loss on logits (fromLogits: true).",
    e.loss,
    e.variables,
  );
  err.epoch = epoch;
  err.batch = batch;
  return err;
}

/** Lets the event loop run (rendering, input) between batches. */
function nextTick(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** Calls a hook on every callback in order, awaiting each. */
class CallbackList {
  constructor(readonly callbacks: readonly Callback[]) {}

  async call<K extends keyof Callback>(hook: K, ...args: Parameters<NonNullable<Callback[K]>>): Promise<void> {
    for (const cb of this.callbacks) {
      const f = cb[hook] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof f === "function") await f.apply(cb, args);
    }
  }
}
