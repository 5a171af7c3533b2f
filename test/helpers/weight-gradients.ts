// Gradients with respect to a layer's own weights (variables), which `checkGradients` cannot
// reach because a layer reads them itself: the tape's gradient of sum(f() · r), for fixed random
// r, against central differences taken by assigning perturbed values to each weight in turn.
import * as gt from "../../src/index.js";

/** The largest |analytic − numeric| / max(1, |analytic|, |numeric|) over every element of every weight, and the largest gradient seen. */
export function checkWeightGradients(f: () => gt.Tensor, weights: gt.Variable[], epsilon = 1e-6): { maxRelativeError: number; largest: number } {
  const r = gt.randomNormal(f().shape, { seed: 17, dtype: "float64" });
  const loss = () => gt.sum(gt.mul(f(), r));
  const tape = new gt.GradientTape();
  const target = tape.record(loss);
  const analytic = tape.gradient(target, weights);
  let maxRelativeError = 0, largest = 0;
  weights.forEach((w, k) => {
    if (w.dtype !== "float64") throw new Error(`checkWeightGradients: ${w.name} is ${w.dtype}; check in float64`);
    const base = w.data();
    const g = analytic[k]?.data() ?? new Float64Array(base.length);
    for (let i = 0; i < base.length; i++) {
      const h = epsilon * Math.max(1, Math.abs(base[i]));
      const at = (delta: number) => {
        const v = base.slice();
        v[i] += delta;
        w.assign(gt.tensor(v, w.shape, "float64"));
        return loss().item();
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      maxRelativeError = Math.max(maxRelativeError, Math.abs(g[i] - numeric) / Math.max(1, Math.abs(g[i]), Math.abs(numeric)));
      largest = Math.max(largest, Math.abs(g[i]));
    }
    w.assign(gt.tensor(base, w.shape, "float64"));
  });
  return { maxRelativeError, largest };
}
