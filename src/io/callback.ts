/**
 * `modelCheckpoint`: Keras' `ModelCheckpoint`, saving a resumable checkpoint at each epoch's end.
 * @module
 */
import { Model, type AnyModel } from "../layers/model.js";
import { checkOptions } from "../layers/options.js";
import type { Callback, CallbackModel, Logs, TrainingParams } from "../training/callbacks.js";
import { localPath, type PathLike } from "../util/path.js";
import { peekTraining, saveCheckpoint } from "./folder.js";
import type { HistoryRecord } from "./memory.js";

/** Options of {@link modelCheckpoint}. */
export interface ModelCheckpointOptions {
  /** Save only when `monitor` improves on the best value so far (default false: every epoch). */
  saveBestOnly?: boolean;
  /** The logged value `saveBestOnly` watches (default `'val_loss'`). */
  monitor?: string;
  /** `'min'`, `'max'`, or `'auto'` (default): `'max'` for names containing `acc`, else `'min'`. */
  mode?: "auto" | "min" | "max";
}

/**
 * Saves a checkpoint (model, optimizer, next epoch, `fit`'s seed, history) to a folder at the end
 * of each epoch, atomically, as {@link saveCheckpoint} does: Keras' `ModelCheckpoint`. Made by
 * {@link modelCheckpoint}.
 */
export class ModelCheckpoint implements Callback {
  /** The checkpoint's folder, as a path (a `file://` URL given is turned into its path). */
  readonly dir: string;
  /** Whether only improvements of `monitor` are saved. */
  readonly saveBestOnly: boolean;
  /** The logged value `saveBestOnly` watches. */
  readonly monitor: string;
  /** Whether lower (`'min'`) or higher (`'max'`) is better, `'auto'` resolved. */
  readonly mode: "min" | "max";
  /** The epoch last saved (-1 before the first save). */
  lastSavedEpoch = -1;
  /** The best value of `monitor` so far (with `saveBestOnly`). */
  best = Infinity;
  private model: AnyModel | undefined;
  private params: TrainingParams | undefined;
  private history: HistoryRecord = { epoch: [], history: {} };

  /** @throws Error for a `dir` that is not a non-empty string, or an unknown or invalid option. */
  constructor(dir: PathLike, options: ModelCheckpointOptions = {}) {
    const o = checkOptions("modelCheckpoint", options, ["saveBestOnly", "monitor", "mode"]);
    this.dir = localPath("modelCheckpoint", dir);
    this.saveBestOnly = o.saveBestOnly ?? false;
    if (typeof this.saveBestOnly !== "boolean") throw new Error(`modelCheckpoint: saveBestOnly must be true or false, got ${JSON.stringify(o.saveBestOnly)}`);
    this.monitor = o.monitor ?? "val_loss";
    if (typeof this.monitor !== "string") throw new Error(`modelCheckpoint: monitor must be the name of a logged value, such as 'val_loss', got ${JSON.stringify(o.monitor)}`);
    const mode = o.mode ?? "auto";
    if (mode !== "auto" && mode !== "min" && mode !== "max") throw new Error(`modelCheckpoint: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
    this.mode = mode === "auto" ? (this.monitor.includes("acc") ? "max" : "min") : mode;
  }

  /** Keeps the model; it must be a `Model` (from `gt.sequential`), whose optimizer is saved too. */
  setModel(model: CallbackModel): void {
    if (!(model instanceof Model)) throw new Error("modelCheckpoint: it saves gradtape Models (from gt.sequential); this fit's model is not one");
    this.model = model;
  }

  /** Keeps the run's parameters: the initial epoch and the seed that the checkpoint records. */
  setParams(params: TrainingParams): void {
    this.params = params;
  }

  /**
   * Starts the history. When resuming (`initialEpoch` > 0) from the checkpoint in this folder,
   * its history is kept in front, so the checkpoints keep the whole run's.
   */
  onTrainBegin(): void {
    const start = this.params?.initialEpoch ?? 0;
    const previous = start > 0 ? peekTraining(this.dir) : undefined;
    const record = previous?.epoch === start ? previous.history : { epoch: [], history: {} };
    this.history = {
      epoch: record.epoch.slice(),
      history: Object.fromEntries(Object.entries(record.history).map(([k, vs]) => [k, vs.map(Number)])),
    };
    const seen = this.history.history[this.monitor] ?? [];
    this.best = this.mode === "min" ? Math.min(Infinity, ...seen) : Math.max(-Infinity, ...seen);
  }

  /**
   * Saves the checkpoint for the epoch just ended (with `saveBestOnly`, only when `monitor`
   * improved).
   * @throws Error listing the logged names when `monitor` is not among them, or when the save fails
   * (the previous checkpoint is then untouched).
   */
  onEpochEnd(epoch: number, logs: Logs): void {
    this.history.epoch.push(epoch);
    for (const [name, value] of Object.entries(logs)) (this.history.history[name] ??= []).push(value);
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        throw new Error(`modelCheckpoint: monitor '${this.monitor}' is not in the logs; available: ${Object.keys(logs).join(", ")} (val_ values need validationData or validationSplit)`);
      }
      if (!(this.mode === "min" ? current < this.best : current > this.best)) return;
      this.best = current;
    }
    const model = this.model;
    if (model === undefined) throw new Error("modelCheckpoint: no model; fit passes it through setModel before training");
    saveCheckpoint(this.dir, { model, epoch: epoch + 1, seed: this.params?.seed, history: this.history });
    this.lastSavedEpoch = epoch;
  }
}

/**
 * Saves a resumable checkpoint to `dir` at the end of every epoch (Keras' `ModelCheckpoint`): the
 * model, its compiled optimizer with every slot, the next epoch, `fit`'s seed and the history.
 * Resume with `gt.loadCheckpoint(dir)` and `fit(..., { initialEpoch: epoch, seed })`; give `fit` a
 * seed, or the resumed shuffles will differ.
 *
 * @param dir - the checkpoint's folder, a path or a `file://` URL (each save replaces the last, atomically).
 * @param options - `saveBestOnly` (false), `monitor` (`'val_loss'`), `mode` (`'auto'`).
 * @throws Error for an invalid `dir` or option.
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 20, seed: 1, callbacks: [gt.callbacks.modelCheckpoint("ckpt")] });
 * // after a crash:
 * const { model: m, optimizer, epoch, seed } = gt.loadCheckpoint("ckpt");
 * m.compile({ optimizer, loss: "sparseCategoricalCrossentropy" });
 * await m.fit(x, y, { epochs: 20, initialEpoch: epoch, seed, callbacks: [gt.callbacks.modelCheckpoint("ckpt")] });
 * ```
 */
export function modelCheckpoint(dir: PathLike, options: ModelCheckpointOptions = {}): ModelCheckpoint {
  return new ModelCheckpoint(dir, options);
}
