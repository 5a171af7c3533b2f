/**
 * The convolutional network of the MNIST example (`npm run example:cnn`), in one place: the
 * example trains it, and the interop tests carry it to ONNX and TF.js and back.
 *
 * No Node imports here: only gradtape (which the tests resolve to src/).
 */
import * as gt from "gradtape";

/**
 * Two 3×3 convolutions with max pooling, batch normalization and relu, dropout, and a dense head
 * ending in a softmax over the 10 digits; input [n, 28, 28, 1] images. Seeded: every call draws
 * the same weights.
 */
export function mnistCnn(): gt.Model {
  return gt.sequential([
    // Convolution, pooling, then normalization and relu: normalizing after the pooling touches a
    // quarter of the values, and normalizing before relu keeps filters from dying early.
    gt.layers.conv2d({ filters: 32, kernelSize: 3, inputShape: [28, 28, 1], seed: 1 }),
    gt.layers.maxPooling2d({ poolSize: 2 }),
    gt.layers.batchNormalization({ momentum: 0.9 }),
    gt.layers.relu(),
    gt.layers.conv2d({ filters: 64, kernelSize: 3, seed: 2 }),
    gt.layers.maxPooling2d({ poolSize: 2 }),
    gt.layers.batchNormalization({ momentum: 0.9 }),
    gt.layers.relu(),
    gt.layers.flatten(),
    gt.layers.dropout({ rate: 0.25, seed: 3 }),
    gt.layers.dense({ units: 128, activation: "relu", seed: 4 }),
    gt.layers.dropout({ rate: 0.25, seed: 5 }),
    gt.layers.dense({ units: 10, activation: "softmax", seed: 6 }),
  ]);
}
