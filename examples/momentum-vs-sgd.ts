/**
 * What momentum does, drawn: plain SGD, momentum and Nesterov on two classic surfaces, then on
 * the MNIST MLP. Each optimizer step is the article's: gradients from a tape, `applyGradients`.
 * The surfaces and the walk are in paths.ts, which the lab's Paths tab runs too.
 *
 * - Rosenbrock's banana valley from (−1.5, 2) at lr 1e-3.
 * - An ill-conditioned quadratic 0.5·(x² + 50y²) from (10, 1) at lr 0.035. There Nesterov is past
 *   its stability limit and diverges, which teaches something, so it is shown next to a Nesterov
 *   run at a rate where it converges.
 */
import * as gt from "gradtape";
import { quick, writeOutput } from "./common.js";
import { descend, quadratic, rosenbrock, type Surface } from "./paths.js";

function compare(surface: Surface, runs: [string, () => gt.optim.Optimizer][], steps: number, threshold: number, file: string) {
  console.log(`\n${surface.name} from (${surface.start.join(", ")}), loss threshold ${threshold}:`);
  const paths = runs.map(([name, make]) => {
    const { path, reached, diverged } = descend(surface, make(), steps, threshold);
    const fate = reached !== undefined ? `reaches it in ${reached} steps` : diverged ? "diverges" : `not within ${steps} steps`;
    console.log(`  ${name.padEnd(34)} ${fate}`);
    return { name: `${name}: ${fate}`, points: path.slice(0, 400) };
  });
  const svg = gt.plot.contourPlot({
    f: surface.f, xRange: surface.box.x, yRange: surface.box.y, levels: 14, levelSpacing: "log", resolution: 160, paths,
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
], steps, 1e-4, "rosenbrock.svg");
compare(quadratic, [
  ["SGD lr 0.035", sgd(0.035)],
  ["momentum 0.9, lr 0.035", sgd(0.035, 0.9)],
  ["Nesterov 0.9, lr 0.035", sgd(0.035, 0.9, true)],
  ["Nesterov 0.9, lr 0.02", sgd(0.02, 0.9, true)],
], steps, 1e-3, "quadratic.svg");

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
