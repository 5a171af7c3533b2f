/**
 * The CNN row of `npm run bench`: the standard small MNIST network, the same for every peer —
 * conv 3×3×32 relu → maxPool 2 → conv 3×3×64 relu → maxPool 2 → flatten → dense 128 relu →
 * dense 10, momentum SGD (lr 0.05, m 0.9), batch 64, softmax cross-entropy on the logits.
 * Weights are `[k1, b1, k2, b2, w3, b3, w4, b4]`, kernels NHWC `[kh, kw, in, out]`, dense
 * `[in, out]`, all row-major and drawn here, so every peer starts from the same numbers.
 */
import { makeRng, type TrainOptions } from './harness.js';

export const CNN_NAME = 'CNN conv32-pool-conv64-pool-128-10, batch 64';
export const CNN_BATCH = 64;
export const CNN_LEARNING_RATE = 0.05;
export const CNN_MOMENTUM = 0.9;

/** The weight shapes, in order. */
export const CNN_SHAPES: readonly (readonly number[])[] = [
  [3, 3, 1, 32], [32], [3, 3, 32, 64], [64], [5 * 5 * 64, 128], [128], [128, 10], [10],
];

/** Glorot-uniform kernels with Keras' fans (receptive field × channels), zero biases. */
export function cnnInitialWeights(seed: string | number): Float32Array[] {
  const rng = makeRng(`cnn:${seed}`);
  return CNN_SHAPES.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(size);
    if (shape.length === 1) return w;
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const limit = Math.sqrt(6 / (receptive * (shape[shape.length - 2]! + shape[shape.length - 1]!)));
    for (let i = 0; i < size; i++) w[i] = (2 * rng() - 1) * limit;
    return w;
  });
}

/**
 * Options of a peer's CNN run: the MLP runs' options without the layer sizes and batch size,
 * which the CNN fixes. `images` stay `[n, 784]`; each peer reshapes them to `[n, 28, 28, 1]`, and
 * `initialWeights` follow {@link CNN_SHAPES}.
 */
export type CnnRunOptions = Omit<TrainOptions, 'layerSizes' | 'batchSize'>;

/** What a peer's CNN run reports: timed steps, or why it cannot train. */
export type CnnRunResult =
  | { msPerStep: number[]; losses: number[] }
  | { cannotTrain: string };

/** The batch of step `s`: images NHWC and labels. */
export function cnnBatch(o: CnnRunOptions, s: number): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(CNN_BATCH * 784);
  const y = new Int32Array(CNN_BATCH);
  for (let i = 0; i < CNN_BATCH; i++) {
    const idx = o.batchOrder[s * CNN_BATCH + i]!;
    x.set(o.images.subarray(idx * 784, (idx + 1) * 784), i * 784);
    y[i] = o.labels[idx]!;
  }
  return { x, y };
}
