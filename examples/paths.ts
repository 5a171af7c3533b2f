/**
 * Optimizer paths on 2-D surfaces, shared by the momentum example (`npm run example:momentum`) and
 * the lab's Paths tab (lab/), so that both report the same step counts: each step is the
 * article's, gradients from a tape and `applyGradients`, in float64.
 *
 * No Node imports here: the lab bundles this file for the browser.
 */
import * as gt from "gradtape";

/** A 2-D test function: `f` for contour lines, `loss` (the same function) for the tape. */
export interface Surface {
  /** Short name used in the lab's URL. */
  id: string;
  /** Name shown in plots and tables. */
  name: string;
  /** The function on plain numbers, for contours and for the loss reported after each step. */
  f: (x: number, y: number) => number;
  /** The same function on a float64 tensor `[x, y]`, recorded on the tape. */
  loss: (w: gt.Tensor) => gt.Tensor;
  /** The global minimum's value: a run has reached the tolerance when `f − minimum < tolerance`. */
  minimum: number;
  /** Where the global minimum lies, marked in the lab. */
  argmin: [number, number];
  /** Default start. */
  start: [number, number];
  /** The box drawn. */
  box: { x: [number, number]; y: [number, number] };
  /** Default learning rate for SGD, momentum and Nesterov. */
  learningRate: number;
  /** Default learning rate for Adam and RMSprop, whose steps do not scale with the gradient. */
  adaptiveLearningRate: number;
  /** Default tolerance on `f − minimum`. */
  tolerance: number;
  /** Default number of steps before a run stops. */
  maxSteps: number;
  /** Contour spacing: log suits deep narrow valleys (Rosenbrock), linear the rest. */
  levelSpacing: "log" | "linear";
}

/** `[x, y]` of a tensor `w` of shape [2], as two tensors of shape [1]. */
function coordinates(w: gt.Tensor): [gt.Tensor, gt.Tensor] {
  return [w.slice([0], [1]), w.slice([1], [1])];
}

/** Rosenbrock's banana valley `(1 − x)² + 100·(y − x²)²`, minimum 0 at (1, 1). */
export const rosenbrock: Surface = {
  id: "rosenbrock",
  name: "Rosenbrock",
  f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  loss: (w) => {
    const [x, y] = coordinates(w);
    return gt.sub(1, x).square().add(y.sub(x.square()).square().mul(100)).sum();
  },
  minimum: 0,
  argmin: [1, 1],
  start: [-1.5, 2],
  box: { x: [-2, 2], y: [-1, 3] },
  learningRate: 1e-3,
  adaptiveLearningRate: 0.02,
  tolerance: 1e-4,
  maxSteps: 10000,
  levelSpacing: "log",
};

/** An ill-conditioned quadratic `0.5·(x² + 50y²)`: curvature 1 along x, 50 along y. */
export const quadratic: Surface = {
  id: "quadratic",
  name: "0.5·(x² + 50y²)",
  f: (x, y) => 0.5 * (x * x + 50 * y * y),
  loss: (w) => w.square().mul(gt.tensor([0.5, 25], undefined, "float64")).sum(),
  minimum: 0,
  argmin: [0, 0],
  start: [10, 1],
  box: { x: [-11, 11], y: [-3, 3] },
  learningRate: 0.035,
  adaptiveLearningRate: 0.3,
  tolerance: 1e-3,
  maxSteps: 2000,
  levelSpacing: "log",
};

/**
 * A saddle at the origin between two valleys, `0.5·x² + y⁴/4 − y²/2`, minimum −1/4 at (0, ±1).
 * Started just off the ridge, plain SGD creeps along it (y grows by `1 + lr` per step) before
 * it falls off.
 */
export const saddle: Surface = {
  id: "saddle",
  name: "saddle 0.5·x² + y⁴/4 − y²/2",
  f: (x, y) => 0.5 * x * x + (y ** 4) / 4 - (y * y) / 2,
  loss: (w) => {
    const [x, y] = coordinates(w);
    return x.square().mul(0.5).add(y.pow(4).mul(0.25)).sub(y.square().mul(0.5)).sum();
  },
  minimum: -0.25,
  argmin: [0, 1],
  start: [-2.5, 0.001],
  box: { x: [-3, 3], y: [-1.6, 1.6] },
  learningRate: 0.05,
  adaptiveLearningRate: 0.05,
  tolerance: 1e-3,
  maxSteps: 2000,
  levelSpacing: "linear",
};

/** The well's profile along x: a tilted double well, shallow near x ≈ 0.93, deep near x ≈ −1.06. */
const well = (x: number) => x ** 4 - 2 * x * x + 0.5 * x;

/** The deep minimum of {@link well}, by Newton's method on its derivative 4x³ − 4x + 0.5. */
function deepWell(): number {
  let x = -1;
  for (let i = 0; i < 50; i++) x -= (4 * x ** 3 - 4 * x + 0.5) / (12 * x * x - 4);
  return x;
}
const deepX = deepWell();

/**
 * A shallow local minimum next to a deeper one: `x⁴ − 2x² + 0.5x + 2·(y − 0.3x)²`. From the
 * default start (2, 0.5), plain SGD at lr 0.01 settles in the shallow well (f ≈ −0.52 at x ≈ 0.93),
 * while momentum 0.9 gathers enough speed on the way down to roll over the ridge near x ≈ 0.13
 * and settle in the deep one (f ≈ −1.51 at x ≈ −1.06). The test in test/examples/paths.test.ts
 * holds this for a band of starts and learning rates around the defaults.
 */
export const localMinimum: Surface = {
  id: "local-minimum",
  name: "local minimum x⁴ − 2x² + 0.5x + 2(y − 0.3x)²",
  f: (x, y) => well(x) + 2 * (y - 0.3 * x) ** 2,
  loss: (w) => {
    const [x, y] = coordinates(w);
    return x.pow(4).sub(x.square().mul(2)).add(x.mul(0.5)).add(y.sub(x.mul(0.3)).square().mul(2)).sum();
  },
  minimum: well(deepX),
  argmin: [deepX, 0.3 * deepX],
  start: [2, 0.5],
  box: { x: [-2, 2.5], y: [-1.5, 2] },
  learningRate: 0.01,
  adaptiveLearningRate: 0.05,
  tolerance: 1e-3,
  maxSteps: 3000,
  levelSpacing: "linear",
};

/** Every surface, in the lab's order. */
export const surfaces: readonly Surface[] = [rosenbrock, quadratic, saddle, localMinimum];

/**
 * One optimizer's walk on a surface, a step at a time (the lab animates it; {@link descend} runs it
 * to the end).
 */
export class Descent {
  /** Every point visited, the start first. */
  readonly path: [number, number][];
  /** `f` at each point of {@link path}. */
  readonly losses: number[];
  /** The first step after which `f − minimum < tolerance`, if any yet. */
  reached: number | undefined;
  /** True once `f` is no longer finite. */
  diverged = false;
  private readonly w: gt.Variable;

  /**
   * @param surface - The function to minimize.
   * @param optimizer - A fresh optimizer (it keeps its velocities between steps).
   * @param tolerance - Reached when `f − surface.minimum < tolerance`.
   * @param start - Where to start, default the surface's.
   */
  constructor(readonly surface: Surface, readonly optimizer: gt.optim.Optimizer, readonly tolerance: number, start: readonly [number, number] = surface.start) {
    this.w = gt.variable(gt.tensor([start[0], start[1]], undefined, "float64"));
    this.path = [[start[0], start[1]]];
    this.losses = [surface.f(start[0], start[1])];
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.path.length - 1;
  }

  /** Takes one step (the article's loop body); does nothing once diverged. */
  step(): void {
    if (this.diverged) return;
    const tape = new gt.GradientTape();
    const loss = tape.record(() => this.surface.loss(this.w));
    const [g] = tape.gradient(loss, [this.w]);
    this.optimizer.applyGradients(gt.zip([g!], [this.w]));
    const [x, y] = this.w.data() as Float64Array;
    const value = this.surface.f(x!, y!);
    this.path.push([x!, y!]);
    this.losses.push(value);
    if (this.reached === undefined && value - this.surface.minimum < this.tolerance) this.reached = this.steps;
    if (!Number.isFinite(value)) this.diverged = true;
  }
}

/**
 * Runs `optimizer` on `surface` for up to `steps` steps (fewer if it diverges).
 *
 * @returns The walk: its path, and the first step whose loss is within `tolerance` of the minimum.
 */
export function descend(surface: Surface, optimizer: gt.optim.Optimizer, steps: number, tolerance: number, start?: readonly [number, number]): Descent {
  const d = new Descent(surface, optimizer, tolerance, start);
  while (d.steps < steps && !d.diverged) d.step();
  return d;
}
