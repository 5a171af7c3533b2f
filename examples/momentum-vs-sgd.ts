/**
 * What momentum does, drawn: plain SGD, momentum and Nesterov on two classic surfaces, then on
 * the MNIST MLP. Each optimizer step is the article's: gradients from a tape, `applyGradients`.
 *
 * - Rosenbrock's banana valley from (−1.5, 2) at lr 1e-3.
 * - An ill-conditioned quadratic 0.5·(x² + 50y²) from (10, 1) at lr 0.035. There Nesterov is past
 *   its stability limit and diverges, which teaches something, so it is shown next to a Nesterov
 *   run at a rate where it converges.
 */
import * as gt from "gradtape";
import { quick, writeOutput } from "./common.js";

type Surface = { name: string; f: (x: number, y: number) => number; loss: (w: gt.Tensor) => gt.Tensor; start: [number, number] };

const rosenbrock: Surface = {
  name: "Rosenbrock",
  f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  loss: (w) => {
    const [x, y] = [w.slice([0], [1]), w.slice([1], [1])];
    return gt.sub(1, x).square().add(y.sub(x.square()).square().mul(100)).sum();
  },
  start: [-1.5, 2],
};
const quadratic: Surface = {
  name: "0.5·(x² + 50y²)",
  f: (x, y) => 0.5 * (x * x + 50 * y * y),
  loss: (w) => w.square().mul(gt.tensor([0.5, 25], undefined, "float64")).sum(),
  start: [10, 1],
};

/** Runs `optimizer` on `surface` and returns the path and the first step whose loss is below `threshold`. */
function descend(surface: Surface, optimizer: gt.optim.Optimizer, steps: number, threshold: number) {
  const w = gt.variable(gt.tensor(surface.start, undefined, "float64"));
  const path: [number, number][] = [[...surface.start]];
  let reached: number | undefined;
  for (let step = 1; step <= steps; step++) {
    const tape = new gt.GradientTape();
    const loss = tape.record(() => surface.loss(w));
    const [g] = tape.gradient(loss, [w]);
    optimizer.applyGradients(gt.zip([g], [w]));
    const [x, y] = w.data();
    path.push([x, y]);
    const value = surface.f(x, y);
    if (reached === undefined && value < threshold) reached = step;
    if (!Number.isFinite(value)) break;
  }
  return { path, reached };
}

function compare(surface: Surface, runs: [string, () => gt.optim.Optimizer][], steps: number, threshold: number, box: { x: [number, number]; y: [number, number] }, file: string) {
  console.log(`\n${surface.name} from (${surface.start.join(", ")}), loss threshold ${threshold}:`);
  const paths = runs.map(([name, make]) => {
    const { path, reached } = descend(surface, make(), steps, threshold);
    const last = path[path.length - 1];
    const fate = reached !== undefined ? `reaches it in ${reached} steps` : Number.isFinite(surface.f(...last)) ? `not within ${steps} steps` : "diverges";
    console.log(`  ${name.padEnd(34)} ${fate}`);
    return { name: `${name}: ${fate}`, points: path.slice(0, 400) };
  });
  const svg = gt.plot.contourPlot({
    f: surface.f, xRange: box.x, yRange: box.y, levels: 14, levelSpacing: "log", resolution: 160, paths,
    title: `${surface.name}: the first 400 steps`, xLabel: "x", yLabel: "y",
  });
  console.log(`  paths: ${writeOutput(file, svg)}`);
}

const sgd = (learningRate: number, momentum = 0, nesterov = false) => () => new gt.optim.SGD({ learningRate, momentum, nesterov });
const steps = quick ? 2000 : 20000;
compare(rosenbrock, [
  ["SGD lr 1e-3", sgd(1e-3)],
  ["momentum 0.9, lr 1e-3", sgd(1e-3, 0.9)],
  ["Nesterov 0.9, lr 1e-3", sgd(1e-3, 0.9, true)],
], steps, 1e-4, { x: [-2, 2], y: [-1, 3] }, "rosenbrock.svg");
compare(quadratic, [
  ["SGD lr 0.035", sgd(0.035)],
  ["momentum 0.9, lr 0.035", sgd(0.035, 0.9)],
  ["Nesterov 0.9, lr 0.035", sgd(0.035, 0.9, true)],
  ["Nesterov 0.9, lr 0.02", sgd(0.02, 0.9, true)],
], steps, 1e-3, { x: [-11, 11], y: [-3, 3] }, "quadratic.svg");

// The same three on the MNIST MLP: the mean loss of every `every` batches.
const every = quick ? 2 : 25;
const { train } = gt.data.loadMnist({ trainSize: quick ? 640 : 8000 });
const series: gt.plot.LineSeries[] = [];
console.log("\nMNIST MLP 784-128-10, lr 0.05, batch 64:");
for (const [name, make] of [["SGD", sgd(0.05)], ["momentum 0.9", sgd(0.05, 0.9)], ["Nesterov 0.9", sgd(0.05, 0.9, true)]] as const) {
  const model = gt.sequential([
    gt.layers.dense({ units: 128, activation: "relu", inputShape: [784], seed: 1 }),
    gt.layers.dense({ units: 10, seed: 2 }),
  ]);
  const optimizer = make();
  const lossFn = (y: gt.Tensor, logits: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(y, logits, { fromLogits: true });
  const losses: number[] = [];
  let window = 0;
  let count = 0;
  for (let epoch = 0; epoch < (quick ? 1 : 2); epoch++) {
    for (const [x, y] of gt.data.fromTensorSlices([train.x, train.y]).shuffle({ seed: epoch }).batch(64)) {
      const tape = new gt.GradientTape();
      const loss = tape.record(() => lossFn(y, model.call(x, { training: true })));
      const gradients = tape.gradient(loss, model.trainableVariables);
      optimizer.applyGradients(gt.zip(gradients, model.trainableVariables));
      window += loss.item();
      if (++count % every === 0) {
        losses.push(window / every);
        window = 0;
      }
    }
  }
  console.log(`  ${name.padEnd(14)} mean loss of the last ${every} batches: ${losses[losses.length - 1].toFixed(4)}`);
  // Momentum's and Nesterov's curves nearly coincide: Nesterov's is dashed so both stay visible.
  series.push({ name, x: losses.map((_, i) => every * (i + 1)), y: losses, dashed: name.startsWith("Nesterov") });
}
console.log(`  curves: ${writeOutput("mnist-optimizers.svg", gt.plot.lineChart({ title: "MNIST MLP: training loss by optimizer", xLabel: "batch", yLabel: `loss (mean of ${every} batches)`, logY: true, series }))}`);
