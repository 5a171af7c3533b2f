/**
 * The optimizers the lab compares, made with gradtape's own classes (the page has no update rule of
 * its own): the Paths tab and the race's workers both build them here.
 */
import * as gt from "gradtape";

/** The optimizers the lab knows, in the order they are drawn. */
export const OPTIMIZER_KINDS = ["sgd", "momentum", "nesterov", "adam", "rmsprop"] as const;
/** One of {@link OPTIMIZER_KINDS}. */
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

/** Each optimizer's colour, the same in every tab. */
export const COLORS: Record<OptimizerKind, string> = {
  sgd: gt.plot.PALETTE[0]!,
  momentum: gt.plot.PALETTE[1]!,
  nesterov: gt.plot.PALETTE[2]!,
  adam: gt.plot.PALETTE[3]!,
  rmsprop: gt.plot.PALETTE[4]!,
};

/** What an optimizer is built from. */
export interface OptimizerSettings {
  /** SGD's, momentum's and Nesterov's learning rate. */
  learningRate: number;
  /** Adam's and RMSprop's: their steps are about this long whatever the gradient's size. */
  adaptiveLearningRate: number;
  /** Momentum's and Nesterov's factor m in v ← m·v + g (Adam keeps its β₁ = 0.9). */
  momentum: number;
  /** Multiply the learning rate by {@link dropFactor} after this many steps; 0: never. */
  drop: number;
  /** The factor of the drop. */
  dropFactor: number;
  /** Whose update rule: PyTorch's (the article's) or Keras'. */
  convention: gt.optim.Convention;
}

/** The label a kind is shown with. */
export function optimizerLabel(kind: OptimizerKind, s: Pick<OptimizerSettings, "momentum">): string {
  switch (kind) {
    case "sgd": return "SGD";
    case "momentum": return `momentum ${s.momentum}`;
    case "nesterov": return `Nesterov ${s.momentum}`;
    case "adam": return "Adam";
    case "rmsprop": return "RMSprop";
  }
}

/** True for the kinds whose two conventions differ after a learning-rate drop. */
export function hasVelocity(kind: OptimizerKind): boolean {
  return kind === "momentum" || kind === "nesterov";
}

/** A constant rate, or the rate with the drop: `piecewiseConstant` is called with the updates already applied. */
function rate(lr: number, s: OptimizerSettings): number | gt.optim.LearningRateSchedule {
  return s.drop > 0 ? gt.optim.piecewiseConstant([s.drop - 1], [lr, lr * s.dropFactor]) : lr;
}

/** A fresh gradtape optimizer of `kind`. */
export function makeOptimizer(kind: OptimizerKind, s: OptimizerSettings): gt.optim.Optimizer {
  const convention = s.convention;
  switch (kind) {
    case "sgd": return new gt.optim.SGD({ learningRate: rate(s.learningRate, s), convention });
    case "momentum": return new gt.optim.SGD({ learningRate: rate(s.learningRate, s), momentum: s.momentum, convention });
    case "nesterov": return new gt.optim.SGD({ learningRate: rate(s.learningRate, s), momentum: s.momentum, nesterov: true, convention });
    case "adam": return new gt.optim.Adam({ learningRate: rate(s.adaptiveLearningRate, s), convention });
    case "rmsprop": return new gt.optim.RMSprop({ learningRate: rate(s.adaptiveLearningRate, s), convention });
  }
}
