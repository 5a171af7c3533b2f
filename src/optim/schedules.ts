/**
 * Learning-rate schedules with Keras' formulas: functions of the number of updates already applied
 * (0 for the first update), which is what an optimizer passes them.
 * @module
 */
import { checkNumber, checkBoolean, checkOptionNames, nonNegative, positive } from "./options.js";

/**
 * A learning rate that depends on the step: called with the number of updates already applied
 * (0 for the first), it returns the learning rate of the next update.
 */
export type LearningRateSchedule = (step: number) => number;

/** A built-in schedule: the function, plus the arguments it was made with, for checkpoints. */
export interface ConfiguredSchedule<C> extends LearningRateSchedule {
  /** The schedule's name and arguments, as plain data. */
  readonly config: Readonly<C & {
    /** The function that made the schedule: `'exponentialDecay'`, `'piecewiseConstant'` or `'cosineDecay'`. */
    name: string;
  }>;
}

function configured<C>(fn: LearningRateSchedule, config: C & { name: string }): ConfiguredSchedule<C> {
  return Object.assign(fn, { config: Object.freeze({ ...config }) });
}

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  /** The learning rate at step 0. */
  initialLearningRate: number;
  /** How many steps one factor of `decayRate` takes. */
  decaySteps: number;
  /** The factor applied every `decaySteps` steps. */
  decayRate: number;
  /** Decay in whole periods (a step function) instead of continuously (default false). */
  staircase?: boolean;
}

/**
 * `initialLearningRate · decayRate^(step / decaySteps)`, with the exponent floored when
 * `staircase` is set: Keras' `ExponentialDecay`.
 *
 * @throws Error for a missing or non-finite argument, `decaySteps <= 0`, a negative rate, or an
 * unknown option name.
 * @example
 * ```ts
 * const lr = gt.optim.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96 });
 * new gt.optim.SGD({ learningRate: lr, momentum: 0.9 });
 * ```
 */
export function exponentialDecay(options: ExponentialDecayOptions): ConfiguredSchedule<ExponentialDecayOptions> {
  const where = "exponentialDecay";
  const o = checkOptionNames(where, options, ["initialLearningRate", "decaySteps", "decayRate", "staircase"]);
  const initialLearningRate = nonNegative(where, "initialLearningRate", o.initialLearningRate);
  const decaySteps = positive(where, "decaySteps", o.decaySteps);
  const decayRate = nonNegative(where, "decayRate", o.decayRate);
  const staircase = checkBoolean(where, "staircase", o.staircase ?? false);
  return configured(
    (step) => {
      const p = step / decaySteps;
      return initialLearningRate * Math.pow(decayRate, staircase ? Math.floor(p) : p);
    },
    { name: where, initialLearningRate, decaySteps, decayRate, staircase },
  );
}

/**
 * A constant learning rate in each interval between `boundaries`: `values[0]` while
 * `step <= boundaries[0]`, `values[i]` while `boundaries[i-1] < step <= boundaries[i]`, and the last
 * value after the last boundary: Keras' `PiecewiseConstantDecay`.
 *
 * @param boundaries - increasing step numbers.
 * @param values - one more learning rate than there are boundaries.
 * @throws Error when the lengths do not fit, the boundaries do not increase, or a value is not a
 * finite number >= 0.
 * @example
 * ```ts
 * // 0.1 for steps 0..1000, 0.01 up to step 2000, then 0.001
 * const lr = gt.optim.piecewiseConstant([1000, 2000], [0.1, 0.01, 0.001]);
 * ```
 */
export function piecewiseConstant(boundaries: readonly number[], values: readonly number[]): ConfiguredSchedule<{
  /** The boundaries, as given. */
  boundaries: number[];
  /** The learning rates, as given. */
  values: number[];
}> {
  const where = "piecewiseConstant";
  if (!Array.isArray(boundaries) || !Array.isArray(values)) {
    throw new Error(`${where}: expected two arrays (boundaries, values), got ${typeof boundaries} and ${typeof values}`);
  }
  if (values.length !== boundaries.length + 1) {
    throw new Error(`${where}: values must have one more element than boundaries: got ${boundaries.length} boundaries and ${values.length} values`);
  }
  boundaries.forEach((b, i) => {
    checkNumber(where, `boundaries[${i}]`, b, () => true, "");
    if (i > 0 && !(b > boundaries[i - 1])) throw new Error(`${where}: boundaries must increase: boundaries[${i - 1}] is ${boundaries[i - 1]}, boundaries[${i}] is ${b}`);
  });
  values.forEach((v, i) => nonNegative(where, `values[${i}]`, v));
  const b = boundaries.slice();
  const v = values.slice();
  return configured(
    (step) => {
      let i = 0;
      while (i < b.length && step > b[i]) i++;
      return v[i];
    },
    { name: where, boundaries: b.slice(), values: v.slice() },
  );
}

/** Options of {@link cosineDecay}. */
export interface CosineDecayOptions {
  /** The learning rate at step 0. */
  initialLearningRate: number;
  /** The number of steps over which the rate falls to `alpha · initialLearningRate`. */
  decaySteps: number;
  /** The final rate as a fraction of the initial one (default 0). */
  alpha?: number;
}

/**
 * Half a cosine from `initialLearningRate` down to `alpha · initialLearningRate` over `decaySteps`
 * steps, then constant: `initial · ((1 − alpha) · ½(1 + cos(π · min(step, decaySteps) / decaySteps)) + alpha)`,
 * Keras' `CosineDecay` (without its optional warm-up).
 *
 * @throws Error for `decaySteps <= 0`, `alpha` outside [0, 1], or an unknown option name.
 * @example
 * ```ts
 * const lr = gt.optim.cosineDecay({ initialLearningRate: 0.1, decaySteps: 10_000 });
 * ```
 */
export function cosineDecay(options: CosineDecayOptions): ConfiguredSchedule<Required<CosineDecayOptions>> {
  const where = "cosineDecay";
  const o = checkOptionNames(where, options, ["initialLearningRate", "decaySteps", "alpha"]);
  const initialLearningRate = nonNegative(where, "initialLearningRate", o.initialLearningRate);
  const decaySteps = positive(where, "decaySteps", o.decaySteps);
  const alpha = checkNumber(where, "alpha", o.alpha ?? 0, (a) => a >= 0 && a <= 1, "in [0, 1]");
  return configured(
    (step) => {
      const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps));
      return initialLearningRate * ((1 - alpha) * cosine + alpha);
    },
    { name: where, initialLearningRate, decaySteps, alpha },
  );
}
