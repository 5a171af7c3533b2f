/**
 * Callbacks: objects whose hooks `fit` calls at the start and end of training, of each epoch and
 * of each batch, as in Keras. A callback is any object with some of the hooks; hooks may be async.
 * @module
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Seed } from "../tensor/create.js";
import { checkOptions } from "../layers/options.js";

/** Metric values by name: `{ loss, accuracy, val_loss, val_accuracy }`. */
export type Logs = Record<string, number>;

/** What `fit` tells callbacks about the run (Keras' `params`). */
export interface TrainingParams {
  /** The epoch `fit` stops before (its `epochs` option). */
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  /** Samples per batch. */
  batchSize: number;
  /** Training samples (after a validation split). */
  samples: number;
  /** The `verbose` option of `fit`. */
  verbose: 0 | 1 | 2;
  /** The epoch training starts at, when resuming (`fit`'s `initialEpoch` > 0); absent otherwise. */
  initialEpoch?: number;
  /** `fit`'s shuffle seed, when given (checkpoints save it so a resumed run shuffles the same). */
  seed?: Seed;
}

/** What callbacks may use of the model being trained. */
export interface CallbackModel {
  /** Set to true to end `fit` after the current batch. */
  stopTraining: boolean;
  /** Copies of every weight's value, as {@link Model.getWeights}. */
  getWeights(): Tensor[];
  /** Replaces every weight's value, as {@link Model.setWeights}. */
  setWeights(weights: readonly Tensor[]): void;
}

/**
 * Hooks `fit` calls, Keras' names in camelCase. Epochs and batches count from 0. Batch logs hold
 * the running means of the epoch so far; epoch logs the epoch's means and the validation metrics.
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 5, callbacks: [{ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) }] });
 * ```
 */
export interface Callback {
  /** Receives the model before training starts. */
  setModel?(model: CallbackModel): void;
  /** Receives the run's parameters before training starts. */
  setParams?(params: TrainingParams): void;
  /** Before the first epoch. */
  onTrainBegin?(logs: Logs): void | Promise<void>;
  /** After the last epoch (not when training ends with an error); `logs` are the last epoch's. */
  onTrainEnd?(logs: Logs): void | Promise<void>;
  /** Before each epoch. */
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  /** After each epoch and its validation: `logs` hold `loss`, the metrics and their `val_` versions. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** Before each batch. */
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** After each batch's update: `logs` hold the epoch's running means so far. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** The logged value to watch (default `'val_loss'`). */
  monitor?: string;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** `'min'`, `'max'`, or `'auto'` (default): `'max'` for names containing `acc`, else `'min'`. */
  mode?: "auto" | "min" | "max";
  /** Stop unless the value beats this within `patience` epochs. */
  baseline?: number;
  /** At the end of training, restore the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching at all (default 0). */
  startFromEpoch?: number;
}

/**
 * Keras' `EarlyStopping`: stops training when `monitor` has not improved by more than `minDelta`
 * for `patience` epochs. Made by {@link earlyStopping}.
 */
export class EarlyStopping implements Callback {
  /** The logged value watched. */
  readonly monitor: string;
  /** The smallest change that counts as an improvement (non-negative). */
  readonly minDelta: number;
  /** Epochs without improvement before stopping. */
  readonly patience: number;
  /** Whether lower (`'min'`) or higher (`'max'`) is better, `'auto'` resolved. */
  readonly mode: "min" | "max";
  /** The value to beat, if any. */
  readonly baseline: number | undefined;
  /** Whether the best epoch's weights are restored at the end of training. */
  readonly restoreBestWeights: boolean;
  /** Epochs ignored at the start. */
  readonly startFromEpoch: number;
  /** The epoch at which training was stopped (0 when it was not). */
  stoppedEpoch = 0;
  /** The epoch with the best value so far. */
  bestEpoch = 0;
  /** The best value so far. */
  best = Infinity;
  private wait = 0;
  private bestWeights: Tensor[] | undefined;
  private model: CallbackModel | undefined;

  /** @throws Error for an unknown option, or a negative `patience` or `minDelta`. */
  constructor(options: EarlyStoppingOptions = {}) {
    const o = checkOptions("earlyStopping", options, ["monitor", "minDelta", "patience", "mode", "baseline", "restoreBestWeights", "startFromEpoch"]);
    this.monitor = o.monitor ?? "val_loss";
    this.minDelta = Math.abs(o.minDelta ?? 0);
    this.patience = o.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new Error(`earlyStopping: patience must be an integer >= 0, got ${this.patience}`);
    if (!Number.isFinite(this.minDelta)) throw new Error(`earlyStopping: minDelta must be a finite number, got ${o.minDelta}`);
    const mode = o.mode ?? "auto";
    if (mode !== "auto" && mode !== "min" && mode !== "max") throw new Error(`earlyStopping: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
    this.mode = mode === "auto" ? (this.monitor.includes("acc") ? "max" : "min") : mode;
    this.baseline = o.baseline;
    if (this.baseline !== undefined && (typeof this.baseline !== "number" || !Number.isFinite(this.baseline))) throw new Error(`earlyStopping: baseline must be a finite number, got ${o.baseline}`);
    this.restoreBestWeights = o.restoreBestWeights ?? false;
    if (typeof this.restoreBestWeights !== "boolean") throw new Error(`earlyStopping: restoreBestWeights must be true or false, got ${JSON.stringify(o.restoreBestWeights)}`);
    this.startFromEpoch = o.startFromEpoch ?? 0;
    if (!Number.isInteger(this.startFromEpoch) || this.startFromEpoch < 0) throw new Error(`earlyStopping: startFromEpoch must be an integer >= 0, got ${this.startFromEpoch}`);
  }

  /** Keeps the model whose `stopTraining` it sets and whose weights it saves. */
  setModel(model: CallbackModel): void {
    this.model = model;
  }

  /** Resets the counters, so one instance can serve several `fit` calls. */
  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.bestWeights = undefined;
  }

  /**
   * Counts epochs without improvement and sets `model.stopTraining` after `patience` of them.
   * @throws Error listing the logged names when `monitor` is not among them.
   */
  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      throw new Error(`earlyStopping: monitor '${this.monitor}' is not in the logs; available: ${Object.keys(logs).join(", ")} (val_ values need validationData or validationSplit)`);
    }
    if (epoch < this.startFromEpoch) return;
    const model = this.model;
    if (this.restoreBestWeights && this.bestWeights === undefined && model !== undefined) {
      this.bestWeights = model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights && model !== undefined) this.bestWeights = model.getWeights();
      if (this.baseline === undefined || this.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      if (model !== undefined) model.stopTraining = true;
    }
  }

  /** Restores the best epoch's weights when `restoreBestWeights` is set. */
  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights !== undefined && this.model !== undefined) this.model.setWeights(this.bestWeights);
  }

  private improves(value: number, reference: number): boolean {
    return this.mode === "min" ? value + this.minDelta < reference : value - this.minDelta > reference;
  }
}

/**
 * Stops training when a logged value stops improving (Keras' `EarlyStopping`).
 * @param options - `monitor` (`'val_loss'`), `minDelta` (0), `patience` (0), `mode` (`'auto'`),
 * `baseline`, `restoreBestWeights` (false), `startFromEpoch` (0).
 * @throws Error for an unknown option or an invalid value.
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 100, validationSplit: 0.2,
 *   callbacks: [gt.callbacks.earlyStopping({ monitor: "val_loss", patience: 3, restoreBestWeights: true })] });
 * ```
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

export { ModelCheckpoint, modelCheckpoint, type ModelCheckpointOptions } from "../io/callback.js";
