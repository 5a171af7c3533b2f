/**
 * How `fit` and `evaluate` handle a model's outputs: one output takes the compiled loss as it
 * is; several outputs (a functional model whose outputs were a list) take one loss each, their
 * sum is minimized, and the logs hold the total `loss`, each `<output>_loss` and each
 * `<output>_<metric>`, as Keras logs them.
 * @module
 */
import { describe, Tensor } from "../tensor/tensor.js";
import { add } from "../ops/arithmetic.js";
import type { AnyModel, ModelOutput } from "../layers/model.js";
import type { CompiledMetric, CompiledState, LossOrMetricFn } from "./compile.js";

/** @internal The per-output view of a compiled model. */
export class OutputPlan {
  /** The outputs' names (the layers producing them). */
  readonly names: string[];
  /** Each output's loss; undefined for an output the loss record leaves out. */
  readonly losses: (LossOrMetricFn | undefined)[];
  /** True when the model returns a list (its outputs were given as a list). */
  readonly list: boolean;
  /** Each output's metrics. */
  readonly metrics: CompiledMetric[][];

  /** @throws Error when the loss list's length or the loss record's names do not fit the outputs. */
  constructor(model: AnyModel, compiled: CompiledState, where: string) {
    this.names = model.outputNames();
    this.list = model.returnsList;
    const n = this.names.length;
    const loss = compiled.loss;
    if (typeof loss === "function") {
      this.losses = this.names.map(() => loss);
    } else if (Array.isArray(loss)) {
      if (loss.length !== n) throw new Error(`${where}: compile was given ${loss.length} losses but the model has ${n} output${n === 1 ? "" : "s"} (${this.names.join(", ")})`);
      this.losses = loss.slice();
    } else {
      const unknown = Object.keys(loss).find((k) => !this.names.includes(k));
      if (unknown !== undefined) throw new Error(`${where}: compile's loss names the output '${unknown}', but the model's outputs are ${this.names.map((k) => `'${k}'`).join(", ")}`);
      this.losses = this.names.map((k) => (Object.hasOwn(loss, k) ? loss[k] : undefined));
    }
    const metrics = compiled.metrics;
    if (Array.isArray(metrics)) {
      this.metrics = this.names.map(() => metrics);
    } else {
      const unknown = Object.keys(metrics).find((k) => !this.names.includes(k));
      if (unknown !== undefined) throw new Error(`${where}: compile's metrics name the output '${unknown}', but the model's outputs are ${this.names.map((k) => `'${k}'`).join(", ")}`);
      this.metrics = this.names.map((k) => (Object.hasOwn(metrics, k) ? metrics[k] : []));
    }
  }

  /** True when the logs name each output (more than one output). */
  get prefixed(): boolean {
    return this.names.length > 1;
  }

  /**
   * The targets as a list, one per output.
   * @throws Error when a single-output model gets a list of more than one, or a list's length differs.
   */
  targets(where: string, y: unknown, label: string): Tensor[] {
    const n = this.names.length;
    if (!Array.isArray(y) || !y.some((t) => t instanceof Tensor)) {
      if (this.list && n > 1) throw new Error(`${where}: the model has ${n} outputs (${this.names.join(", ")}), so ${label} must be a list of ${n} tensors, got ${describe(y)}`);
      return [y as Tensor];
    }
    if (y.length !== n) throw new Error(`${where}: the model has ${n} output${n === 1 ? "" : "s"} (${this.names.join(", ")}) but ${label} is a list of ${y.length}`);
    return y.slice();
  }

  /** The outputs of a forward pass as a list. */
  predictions(p: ModelOutput): Tensor[] {
    return Array.isArray(p) ? p : [p];
  }

  /**
   * A batch's loss: the one output's loss, or the sum of the outputs' in order. `parts`, when
   * given, receives each output's loss (undefined where it has none).
   */
  loss(ys: readonly Tensor[], p: ModelOutput, parts?: (Tensor | undefined)[]): Tensor {
    const preds = this.predictions(p);
    if (!this.prefixed) return (this.losses[0] as LossOrMetricFn)(ys[0], preds[0]);
    let total: Tensor | undefined;
    this.losses.forEach((fn, i) => {
      const part = fn?.(ys[i], preds[i]);
      parts?.push(part);
      if (part !== undefined) total = total === undefined ? part : add(total, part);
    });
    return total as Tensor;
  }

  /** Adds one batch of `size` samples to `means`: the loss, each output's loss, each metric per output. */
  log(means: { add(name: string, numerator: number, denominator: number): void }, ys: readonly Tensor[], p: ModelOutput, loss: Tensor, parts: readonly (Tensor | undefined)[], size: number): void {
    means.add("loss", loss.item() * size, size);
    const preds = this.predictions(p);
    if (this.prefixed) parts.forEach((part, i) => part !== undefined && means.add(`${this.names[i]}_loss`, part.item() * size, size));
    preds.forEach((pred, i) => {
      for (const m of this.metrics[i]) means.add(this.prefixed ? `${this.names[i]}_${m.name}` : m.name, ...m.counts(ys[i], pred));
    });
  }
}
