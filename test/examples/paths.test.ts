// The surfaces the momentum example and the lab's Paths tab share (examples/paths.ts): each
// surface's tape loss is its plain function, gradients match finite differences, the stated
// minimum is one, and the local-minimum surface does what the lab says with its defaults.
// "gradtape" is src/ here, as for every test (vitest.config.ts), and examples/paths.ts with it.
import * as gt from "gradtape";
import { describe, expect, it } from "vitest";
import { descend, localMinimum, rosenbrock, surfaces } from "../../examples/paths.js";

const point = (x: number, y: number) => gt.tensor([x, y], undefined, "float64");

describe("examples/paths surfaces", () => {
  for (const s of surfaces) {
    it(`${s.id}: the tape's loss is f, its gradient matches finite differences, argmin is a minimum`, () => {
      const [x0, x1] = s.box.x;
      const [y0, y1] = s.box.y;
      for (const [fx, fy] of [[0.1, 0.2], [0.5, 0.5], [0.8, 0.3], [0.35, 0.9]] as const) {
        const [x, y] = [x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)];
        expect(s.loss(point(x, y)).item()).toBeCloseTo(s.f(x, y), 10);
        expect(gt.checkGradients((w) => s.loss(w), [point(x, y)]).maxRelativeError).toBeLessThan(1e-6);
      }
      const [mx, my] = s.argmin;
      expect(s.f(mx, my)).toBeCloseTo(s.minimum, 12);
      const tape = new gt.GradientTape();
      const w = point(mx, my);
      tape.watch(w);
      const g = tape.gradient(tape.record(() => s.loss(w)), w).data();
      expect(Math.hypot(g[0]!, g[1]!)).toBeLessThan(1e-9);
      // No point of a fine grid over the box lies below the stated minimum.
      const grid = gt.plot.sampleGrid(s.f, s.box.x, s.box.y, 201);
      expect(Math.min(...grid.values)).toBeGreaterThanOrEqual(s.minimum - 1e-12);
      expect(s.start[0]).toBeGreaterThanOrEqual(x0);
      expect(s.start[1]).toBeLessThanOrEqual(y1);
    });
  }

  it("Rosenbrock from the article's defaults: momentum 0.9 at lr 1e-3 reaches 1e-4 in 934 steps", () => {
    const d = descend(rosenbrock, new gt.optim.SGD({ learningRate: rosenbrock.learningRate, momentum: 0.9 }), 1000, rosenbrock.tolerance);
    expect(d.reached).toBe(934);
  });

  // Around the defaults (start (2, 0.5), lr 0.01, momentum 0.9): SGD settles in the shallow well
  // (x ≈ 0.93, f ≈ −0.517), momentum in the deep one (x ≈ −1.06, f ≈ −1.515).
  const cases: [number, number, number][] = [[2, 0.5, 0.01], [1.8, 0.5, 0.01], [2.2, 0.5, 0.01], [2, 0, 0.01], [2, 1, 0.01], [2, 0.5, 0.005], [2, 0.5, 0.02]];
  for (const [x, y, lr] of cases) {
    it(`local minimum from (${x}, ${y}) at lr ${lr}: SGD stops in the shallow well, momentum rolls through`, () => {
      const sgd = descend(localMinimum, new gt.optim.SGD({ learningRate: lr }), 1000, localMinimum.tolerance, [x, y]);
      const [sx] = sgd.path.at(-1)!;
      expect(sx).toBeCloseTo(0.93, 2);
      expect(sgd.losses.at(-1)! - localMinimum.minimum).toBeGreaterThan(0.99);
      expect(sgd.reached).toBeUndefined();
      const momentum = descend(localMinimum, new gt.optim.SGD({ learningRate: lr, momentum: 0.9 }), 1000, localMinimum.tolerance, [x, y]);
      const [mx] = momentum.path.at(-1)!;
      expect(mx).toBeCloseTo(localMinimum.argmin[0], 3);
      expect(momentum.reached).toBeDefined();
    });
  }
  it("the local minimum's defaults are the ones tested", () => {
    expect([...localMinimum.start, localMinimum.learningRate]).toEqual(cases[0]);
  });
});
