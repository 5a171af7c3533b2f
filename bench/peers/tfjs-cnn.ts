/**
 * TensorFlow.js' side of the CNN row: the network of `bench/cnn.ts` as a custom loop with
 * `tf.fused.conv2d`, `tf.maxPool`, `tf.fused.matMul` and `tf.train.momentum`, on the `cpu` or
 * `wasm` backend. A backend that lacks a kernel the step needs is reported as "cannot train"
 * with TF.js' own message, found by running a step, so the row follows TF.js releases.
 */
import * as tf from '@tensorflow/tfjs';
import { CNN_BATCH, CNN_LEARNING_RATE, CNN_MOMENTUM, CNN_SHAPES, cnnBatch, type CnnRunOptions, type CnnRunResult } from '../cnn.js';
import { setupTfjs, type TfjsBackend } from './tfjs.js';

export async function trainCnnTfjs(backend: TfjsBackend, o: CnnRunOptions): Promise<CnnRunResult> {
  await setupTfjs(backend);
  const vars = o.initialWeights.map((w, i) => tf.variable(tf.tensor(w.slice(), CNN_SHAPES[i] as number[], 'float32'), true, `cnn${i}`));
  const [k1, b1, k2, b2, w3, b3, w4, b4] = vars as [tf.Variable<tf.Rank.R4>, tf.Variable<tf.Rank.R1>, tf.Variable<tf.Rank.R4>, tf.Variable<tf.Rank.R1>, tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>, tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>];
  const optimizer = tf.train.momentum(CNN_LEARNING_RATE, CNN_MOMENTUM, false);
  const forwardLoss = (xs: tf.Tensor4D, ys: tf.Tensor2D): tf.Scalar => {
    let h = tf.fused.conv2d({ x: xs, filter: k1, strides: 1, pad: 'valid', bias: b1, activation: 'relu' });
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.fused.conv2d({ x: h, filter: k2, strides: 1, pad: 'valid', bias: b2, activation: 'relu' });
    h = tf.maxPool(h, 2, 2, 'valid');
    const flat = tf.reshape(h, [CNN_BATCH, 5 * 5 * 64]) as tf.Tensor2D;
    const hidden = tf.fused.matMul({ a: flat, b: w3, bias: b3, activation: 'relu' });
    const logits = tf.fused.matMul({ a: hidden, b: w4, bias: b4 });
    return tf.losses.softmaxCrossEntropy(ys, logits) as tf.Scalar;
  };
  const msPerStep: number[] = [];
  const losses: number[] = [];
  try {
    for (let s = 0; s < o.steps; s++) {
      const { x, y } = cnnBatch(o, s);
      const t0 = performance.now();
      const cost = tf.tidy(() => {
        const xs = tf.tensor4d(x, [CNN_BATCH, 28, 28, 1]);
        const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 10).toFloat() as tf.Tensor2D;
        return optimizer.minimize(() => forwardLoss(xs, ys), true, vars)!;
      });
      losses.push(cost.dataSync()[0]!);
      cost.dispose();
      if (s >= o.warmupSteps) msPerStep.push(performance.now() - t0);
    }
    return { msPerStep, losses };
  } catch (err) {
    return { cannotTrain: (err as Error).message.split('\n')[0]! };
  } finally {
    optimizer.dispose();
    for (const v of vars) v.dispose();
  }
}
