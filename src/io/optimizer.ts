/**
 * Optimizers in a manifest: the class by name, the config as JSON (a built-in schedule as its
 * `.config`), `iterations`, and every slot as a byte range of the weights file.
 * @module
 */
import { Adadelta, Adagrad, Adam, Adamax, AdamW, cosineDecay, exponentialDecay, Optimizer, piecewiseConstant, RMSprop, SGD, type LearningRateSchedule, type OptimizerState } from "../optim/index.js";
import type { Variable } from "../tensor/tensor.js";
import { describe } from "../tensor/tensor.js";
import { sizeOf } from "../tensor/shape.js";
import { ByteWriter, readArray, type ByteRange } from "./bytes.js";
import { bad, integer, list, ModelFormatError, record, shape, show, string } from "./check.js";

/** One slot of one variable in {@link OptimizerManifest}. */
export interface SlotManifest extends ByteRange {
  /** The slot's name (`velocity`, `m`, `v`, …). */
  name: string;
}

/** One variable's optimizer state in {@link OptimizerManifest}. */
export interface OptimizerVariableManifest {
  /** The variable's name (`dense/kernel`). */
  name: string;
  /** The variable's shape. */
  shape: number[];
  /** The variable's dtype; slots have the same. */
  dtype: "float32" | "float64";
  /** Updates applied to this variable. */
  step: number;
  /** Where each slot's values lie in the weights bytes. */
  slots: SlotManifest[];
}

/** The optimizer in a checkpoint's manifest. */
export interface OptimizerManifest {
  /** The optimizer's class name: `"SGD"`, `"Adam"`, `"RMSprop"`, `"Adagrad"`, `"Adadelta"`, `"Adamax"` or `"AdamW"`. */
  className: string;
  /** The options that rebuild it; a schedule learning rate is its `.config` (`{ name, ... }`). */
  config: Record<string, unknown>;
  /** `optimizer.iterations`. */
  iterations: number;
  /** The state of each variable it has updated. */
  variables: OptimizerVariableManifest[];
}

const CLASSES: Record<string, { type: abstract new (...args: never[]) => Optimizer; make: (config: Record<string, unknown>) => Optimizer }> = {
  SGD: { type: SGD, make: (c) => new SGD(c) },
  Adam: { type: Adam, make: (c) => new Adam(c) },
  RMSprop: { type: RMSprop, make: (c) => new RMSprop(c) },
  Adagrad: { type: Adagrad, make: (c) => new Adagrad(c) },
  Adadelta: { type: Adadelta, make: (c) => new Adadelta(c) },
  Adamax: { type: Adamax, make: (c) => new Adamax(c) },
  AdamW: { type: AdamW, make: (c) => new AdamW(c) },
};

const SCHEDULES: Record<string, (c: Record<string, unknown>) => LearningRateSchedule> = {
  exponentialDecay: (c) => exponentialDecay(c as never),
  piecewiseConstant: (c) => piecewiseConstant(c.boundaries as number[], c.values as number[]),
  cosineDecay: (c) => cosineDecay(c as never),
};

/** @internal The optimizer as manifest JSON, its slots appended to `writer`. Throws for what cannot be saved. */
export function optimizerToManifest(where: string, optimizer: unknown, writer: ByteWriter): OptimizerManifest {
  const className = Object.keys(CLASSES).find((k) => optimizer instanceof Optimizer && optimizer.constructor === CLASSES[k].type);
  if (className === undefined) {
    if (!(optimizer instanceof Optimizer)) {
      throw new Error(`${where}: optimizer must be an optimizer object such as new gt.optim.SGD({ learningRate: 0.1 }), got ${typeof optimizer === "string" ? JSON.stringify(optimizer) : describe(optimizer)}`);
    }
    throw new Error(`${where}: cannot save an optimizer of class ${optimizer.constructor.name}; checkpoints hold the built-in optimizers: ${Object.keys(CLASSES).join(", ")}`);
  }
  const opt = optimizer as Optimizer;
  const config: Record<string, unknown> = { ...opt.getConfig() };
  const lr = config.learningRate;
  if (typeof lr === "function") {
    const schedule = (lr as { config?: { name?: unknown } }).config;
    if (schedule === undefined || typeof schedule.name !== "string" || !Object.hasOwn(SCHEDULES, schedule.name)) {
      throw new Error(
        `${where}: the ${className} optimizer's learning rate is a plain function, which cannot be saved; ` +
          `use a number or a built-in schedule (${Object.keys(SCHEDULES).map((s) => `gt.optim.${s}`).join(", ")}), or save the model alone with model.save(dir)`,
      );
    }
    config.learningRate = { ...schedule };
  }
  const state = opt.getState();
  const variables = Object.entries(state.variables).map(([name, vs]) => ({
    name,
    shape: vs.shape.slice(),
    dtype: vs.dtype,
    step: vs.step,
    slots: Object.entries(vs.slots).map(([slot, values]) => ({ name: slot, ...writer.add(values) })),
  }));
  return { className, config, iterations: state.iterations, variables };
}

/**
 * @internal Checks an optimizer manifest's form and byte ranges (`checkRange` throws for a range
 * outside the weights) without building anything.
 */
export function checkOptimizerManifest(where: string, value: unknown, checkRange: (path: string, range: unknown, dtype: "float32" | "float64", size: number) => void): OptimizerManifest {
  const o = record(where, "manifest.optimizer", value, ["className", "config", "iterations", "variables"]);
  const className = string(where, "manifest.optimizer.className", o.className);
  if (!Object.hasOwn(CLASSES, className)) bad(where, "manifest.optimizer.className", `one of ${Object.keys(CLASSES).join(", ")}`, className);
  if (o.config === null || typeof o.config !== "object" || Array.isArray(o.config)) bad(where, "manifest.optimizer.config", "an object of options", o.config);
  integer(where, "manifest.optimizer.iterations", o.iterations);
  list(where, "manifest.optimizer.variables", o.variables).forEach((v, i) => {
    const path = `manifest.optimizer.variables[${i}]`;
    const e = record(where, path, v, ["name", "shape", "dtype", "step", "slots"]);
    string(where, `${path}.name`, e.name);
    const s = shape(where, `${path}.shape`, e.shape);
    if (e.dtype !== "float32" && e.dtype !== "float64") bad(where, `${path}.dtype`, "'float32' or 'float64'", e.dtype);
    integer(where, `${path}.step`, e.step);
    const names = new Set<string>();
    list(where, `${path}.slots`, e.slots).forEach((slot, j) => {
      const sp = `${path}.slots[${j}]`;
      const r = record(where, sp, slot, ["name", "byteOffset", "byteLength"]);
      const name = string(where, `${sp}.name`, r.name);
      if (names.has(name)) throw new ModelFormatError(`${where}: ${sp}.name: slot '${name}' appears twice`);
      names.add(name);
      checkRange(sp, r, e.dtype as "float32" | "float64", sizeOf(s));
    });
  });
  return o as unknown as OptimizerManifest;
}

/**
 * @internal Rebuilds the optimizer of a checked manifest and restores its state into `variables`.
 * @throws ModelFormatError when the config or the state does not fit.
 */
export function optimizerFromManifest(where: string, m: OptimizerManifest, bytes: Uint8Array, variables: Variable[]): Optimizer {
  const config = { ...m.config };
  const lr = config.learningRate;
  if (lr !== null && typeof lr === "object") {
    const { name, ...args } = lr as Record<string, unknown>;
    if (typeof name !== "string" || !Object.hasOwn(SCHEDULES, name)) {
      bad(where, "manifest.optimizer.config.learningRate.name", `one of ${Object.keys(SCHEDULES).join(", ")}`, name);
    }
    config.learningRate = rethrow(where, "manifest.optimizer.config.learningRate", () => SCHEDULES[name as string](args));
  }
  const optimizer = rethrow(where, "manifest.optimizer.config", () => CLASSES[m.className].make(config));
  const state: OptimizerState = {
    optimizer: m.className,
    iterations: m.iterations,
    variables: Object.fromEntries(
      m.variables.map((v) => [
        v.name,
        { shape: v.shape, dtype: v.dtype, step: v.step, slots: Object.fromEntries(v.slots.map((s) => [s.name, readArray(bytes, v.dtype, s) as Float32Array | Float64Array])) },
      ]),
    ),
  };
  if (m.variables.length !== Object.keys(state.variables).length) throw new ModelFormatError(`${where}: manifest.optimizer.variables names a variable twice`);
  rethrow(where, "manifest.optimizer", () => optimizer.setState(state, variables));
  return optimizer;
}

function rethrow<T>(where: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new ModelFormatError(`${where}: ${path} does not rebuild: ${e instanceof Error ? e.message : show(e)}`);
  }
}
