// Trains a 784-128-10 MLP for 10,000 steps under `node --expose-gc` against dist/, printing every
// 1,000 steps (after a full collection) the WebAssembly memory's size and the JavaScript heap's,
// as one JSON line each: used by memory.test.ts.
//   node --expose-gc memory-child.mjs fit    through model.fit (which yields after every batch)
//   node --expose-gc memory-child.mjs loop   a synchronous loop: tape, gradient, applyGradients
import * as gt from "../../dist/index.js";
import { kernelsFor } from "../../dist/kernels/wasm/index.js";

const mode = process.argv[2];
const STEPS = 10_000;
const EVERY = 1_000;
// Batch 16 keeps 10,000 steps within seconds; every step allocates the same results as at 64 (the
// parameter-sized ones, weights and their gradients, are most of the bytes either way).
const BATCH = 16;
const PER_EPOCH = 50;

const model = gt.sequential([
  gt.layers.dense({ units: 128, activation: "relu", inputShape: [784], seed: 1 }),
  gt.layers.dense({ units: 10, seed: 2 }),
]);
const optimizer = new gt.optim.SGD({ learningRate: 0.01, momentum: 0.9 });
const lossFn = (y, logits) => gt.losses.sparseCategoricalCrossentropy(y, logits, { fromLogits: true });
const x = gt.randomUniform([BATCH * PER_EPOCH, 784], { seed: 3 });
const y = gt.tensor(Int32Array.from({ length: BATCH * PER_EPOCH }, (_, i) => (i * 7) % 10), [BATCH * PER_EPOCH], "int32");
const kernels = kernelsFor("memory-child");

function sample(step) {
  globalThis.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  const line = { step, wasmBytes: kernels.memory.buffer.byteLength, heapUsed, arrayBuffers, freedBlocks: kernels.counters.freedBlocks, residentResults: kernels.counters.residentResults };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

if (mode === "fit") {
  model.compile({ optimizer, loss: lossFn });
  const epochs = STEPS / PER_EPOCH;
  const onEpochEnd = (epoch) => {
    if (((epoch + 1) * PER_EPOCH) % EVERY === 0) sample((epoch + 1) * PER_EPOCH);
  };
  await model.fit(x, y, { batchSize: BATCH, epochs, verbose: 0, shuffle: false, callbacks: [{ onEpochEnd }] });
} else if (mode === "loop") {
  for (let step = 1; step <= STEPS; step++) {
    const start = ((step - 1) % PER_EPOCH) * BATCH;
    const xb = gt.slice(x, [start], [BATCH]);
    const yb = gt.slice(y, [start], [BATCH]);
    const tape = new gt.GradientTape();
    const loss = tape.record(() => lossFn(yb, model.call(xb, { training: true })));
    const vars = model.trainableVariables;
    optimizer.applyGradients(gt.zip(tape.gradient(loss, vars), vars));
    if (step % EVERY === 0) sample(step);
  }
} else {
  throw new Error(`memory-child: unknown mode ${mode}; expected fit or loop`);
}
