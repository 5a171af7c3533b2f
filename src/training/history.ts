/**
 * `History`: what `fit` returns, the per-epoch logs as Keras keeps them.
 * @module
 */
import type { Callback, Logs, TrainingParams } from "./callbacks.js";

/**
 * The record of a `fit` run: `history.history.loss` holds one number per epoch, as do
 * `accuracy`, `val_loss`, `val_accuracy` and any other metric; `history.epoch` the epoch indices.
 * It is a callback, which `fit` adds itself.
 * @example
 * ```ts
 * const history = await model.fit(x, y, { epochs: 5, validationSplit: 0.1 });
 * history.history.val_loss.at(-1);
 * ```
 */
export class History implements Callback {
  /** The indices of the epochs run (from `initialEpoch`). */
  epoch: number[] = [];
  /** Each logged value, one entry per epoch. */
  history: Record<string, number[]> = {};
  /** The run's parameters: epochs, steps per epoch, batch size, samples, verbose. */
  params: TrainingParams | undefined;

  /** Keeps the run's parameters. */
  setParams(params: TrainingParams): void {
    this.params = params;
  }

  /** Starts a new list of epochs. */
  onTrainBegin(): void {
    this.epoch = [];
  }

  /** Appends the epoch's logs. */
  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [name, value] of Object.entries(logs)) (this.history[name] ??= []).push(value);
  }
}
