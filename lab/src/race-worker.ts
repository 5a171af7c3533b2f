/**
 * One racer of the MNIST race: builds the network from the seed, draws the same batches as every
 * other racer (the same seeded shuffle), and trains it with the article's loop on one of
 * gradtape's optimizers, reporting to the page as it goes. Runs in a Web Worker, so the page never
 * waits for it.
 */
import * as gt from "gradtape";
import { makeOptimizer } from "./optimizers.js";
import type { FromWorker, StartMessage, ToWorker } from "./race-protocol.js";

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

// Two to four racers already share the cores: each does its products on its own thread.
gt.setThreads(1);

/** The network, the same weights for every racer with the same seed. */
export function buildModel(kind: "mlp" | "cnn", seed: number): gt.Model {
  if (kind === "cnn") {
    return gt.sequential([
      gt.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784] }),
      gt.layers.conv2d({ filters: 8, kernelSize: 3, activation: "relu", seed }),
      gt.layers.maxPooling2d({ poolSize: 2 }),
      gt.layers.conv2d({ filters: 16, kernelSize: 3, activation: "relu", seed: seed + 1 }),
      gt.layers.maxPooling2d({ poolSize: 2 }),
      gt.layers.flatten(),
      gt.layers.dense({ units: 10, seed: seed + 2 }),
    ]);
  }
  return gt.sequential([
    gt.layers.dense({ units: 128, activation: "relu", inputShape: [784], seed }),
    gt.layers.dense({ units: 10, seed: seed + 1 }),
  ]);
}

const lossFn = (y: gt.Tensor, logits: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(y, logits, { fromLogits: true });

/** The first layer's weights as images: the MLP's first 16 units (28×28 each), or the CNN's 8 filters (3×3). */
function firstLayerTiles(model: gt.Model, kind: "mlp" | "cnn"): { tiles: Float32Array; tileSide: number; tileCount: number } {
  const kernel = model.getWeights()[0]!;
  const w = kernel.data() as Float32Array;
  if (kind === "cnn") {
    // [3, 3, 1, 8]: filter f's pixel p is w[p·8 + f].
    const count = kernel.shape[3]!;
    const tiles = new Float32Array(9 * count);
    for (let f = 0; f < count; f++) for (let p = 0; p < 9; p++) tiles[f * 9 + p] = w[p * count + f]!;
    return { tiles, tileSide: 3, tileCount: count };
  }
  // [784, 128]: unit u's pixel p is w[p·128 + u].
  const units = kernel.shape[1]!;
  const count = 16;
  const tiles = new Float32Array(784 * count);
  for (let u = 0; u < count; u++) for (let p = 0; p < 784; p++) tiles[u * 784 + p] = w[p * units + u]!;
  return { tiles, tileSide: 28, tileCount: count };
}

/** A race in progress. */
class Run {
  readonly model: gt.Model;
  readonly optimizer: gt.optim.Optimizer;
  readonly trainX: gt.Tensor;
  readonly trainY: gt.Tensor;
  readonly testX: gt.Tensor;
  readonly testY: gt.Tensor;
  step = 0;
  paused = false;
  /** True while {@link loop} runs: a resume that arrives before the loop saw the pause must not start a second one. */
  running = false;
  private epoch = 0;
  private batches: Iterator<gt.Tensor[]>;
  private readonly started = performance.now();

  constructor(readonly m: StartMessage) {
    this.model = buildModel(m.model, m.seed);
    this.optimizer = makeOptimizer(m.kind, m.optimizer);
    this.trainX = gt.tensor(m.train.x, [m.train.n, 784]);
    this.trainY = gt.tensor(m.train.y, [m.train.n], "int32");
    this.testX = gt.tensor(m.test.x, [m.test.n, 784]);
    this.testY = gt.tensor(m.test.y, [m.test.n], "int32");
    this.batches = this.epochBatches();
  }

  /** One epoch's batches, shuffled by the seed and the epoch: the same for every racer. */
  private epochBatches(): Iterator<gt.Tensor[]> {
    const ds = gt.data.fromTensorSlices([this.trainX, this.trainY]).shuffle({ seed: this.m.seed * 1000 + this.epoch }).batch(this.m.batchSize);
    return (ds as Iterable<gt.Tensor[]>)[Symbol.iterator]();
  }

  private nextBatch(): gt.Tensor[] {
    let next = this.batches.next();
    if (next.done) {
      this.epoch++;
      this.batches = this.epochBatches();
      next = this.batches.next();
    }
    return next.value as gt.Tensor[];
  }

  /** The article's loop body: tape, gradients, applyGradients. Returns the batch's loss. */
  trainStep(): number {
    const [x, y] = this.nextBatch();
    const tape = new gt.GradientTape();
    const loss = tape.record(() => lossFn(y!, this.model.call(x!, { training: true })));
    const gradients = tape.gradient(loss, this.model.trainableVariables);
    this.optimizer.applyGradients(gt.zip(gradients, this.model.trainableVariables));
    this.step++;
    return loss.item();
  }

  evaluate(): void {
    const logits = this.model.predict(this.testX);
    const loss = lossFn(this.testY, logits).item();
    const predicted = gt.argMax(logits, 1).data();
    const labels = this.testY.data();
    const confusion = new Array<number>(100).fill(0);
    let right = 0;
    for (let i = 0; i < labels.length; i++) {
      confusion[labels[i]! * 10 + predicted[i]!]!++;
      if (labels[i] === predicted[i]) right++;
    }
    const tiles = firstLayerTiles(this.model, this.m.model);
    post({ type: "eval", step: this.step, loss, accuracy: right / labels.length, confusion, ...tiles }, [tiles.tiles.buffer]);
  }

  /** Trains in slices of about 60 ms, yielding between them so that pause and predict get through. */
  async loop(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.slices();
    } finally {
      this.running = false;
    }
  }

  private async slices(): Promise<void> {
    if (this.step === 0) this.evaluate();
    while (this.step < this.m.steps && !this.paused) {
      const losses: number[] = [];
      const t0 = performance.now();
      while (this.step < this.m.steps && performance.now() - t0 < 60) {
        losses.push(this.trainStep());
        if (this.step % this.m.evalEvery === 0 || this.step === this.m.steps) {
          post({ type: "train", step: this.step, losses: losses.splice(0) });
          this.evaluate();
        }
      }
      if (losses.length > 0) post({ type: "train", step: this.step, losses });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (this.step >= this.m.steps) post({ type: "done", step: this.step, millis: performance.now() - this.started });
  }

  predict(id: number, pixels: Float32Array): void {
    const probabilities = gt.softmax(this.model.predict(gt.tensor(pixels, [1, 784]))).data();
    post({ type: "prediction", id, probabilities: Array.from(probabilities) });
  }
}

let run: Run | undefined;

scope.onmessage = (e) => {
  const m = e.data;
  try {
    if (m.type === "start") {
      run = new Run(m);
      void run.loop().catch(report);
    } else if (m.type === "pause" && run !== undefined) {
      run.paused = true;
    } else if (m.type === "resume" && run !== undefined) {
      run.paused = false;
      void run.loop().catch(report);
    } else if (m.type === "predict" && run !== undefined) {
      run.predict(m.id, m.pixels);
    }
  } catch (err) {
    report(err);
  }
};

function report(err: unknown): void {
  post({ type: "error", message: err instanceof Error ? err.message : String(err) });
}
