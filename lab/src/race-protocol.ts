/** The messages between the race's page and its workers (one worker per optimizer). */
import type { OptimizerKind, OptimizerSettings } from "./optimizers.js";

/** Digits as flat arrays: `x` is `n·784` pixels in [0, 1], `y` the `n` labels. */
export interface DigitArrays {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/** Page → worker: build the model from the seed and train. */
export interface StartMessage {
  type: "start";
  kind: OptimizerKind;
  optimizer: OptimizerSettings;
  model: "mlp" | "cnn";
  seed: number;
  batchSize: number;
  steps: number;
  /** Evaluate on the held-out digits every this many steps (and after the last). */
  evalEvery: number;
  train: DigitArrays;
  test: DigitArrays;
}

/** Page → worker. */
export type ToWorker =
  | StartMessage
  | { type: "pause" }
  | { type: "resume" }
  | { type: "predict"; id: number; pixels: Float32Array };

/** Worker → page. */
export type FromWorker =
  /** Training losses of the steps since the last message, the first being `step − losses.length + 1`. */
  | { type: "train"; step: number; losses: number[] }
  /** The held-out digits after `step` steps: loss, accuracy, confusion (true label × 10 + predicted), first-layer tiles. */
  | { type: "eval"; step: number; loss: number; accuracy: number; confusion: number[]; tiles: Float32Array; tileSide: number; tileCount: number }
  | { type: "done"; step: number; millis: number }
  | { type: "prediction"; id: number; probabilities: number[] }
  | { type: "error"; message: string };
