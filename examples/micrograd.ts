/**
 * micrograd's README expression (karpathy/micrograd), op for op on a gradtape tape, in one
 * place: the lab's Tape tab draws it and test/autograd/graph.test.ts checks its graph. micrograd
 * prints g = 24.7041, a.grad = 138.8338, b.grad = 645.5773 for it.
 *
 * No Node imports here: the lab bundles this file for the browser.
 */
import * as gt from "gradtape";

/** The expression at a = −4, b = 2 in float64, recorded on a tape that watches a and b; no gradient taken yet. */
export function micrograd(): { a: gt.Tensor; b: gt.Tensor; g: gt.Tensor; tape: gt.GradientTape } {
  const a = gt.tensor(-4, [], "float64");
  const b = gt.tensor(2, [], "float64");
  const tape = new gt.GradientTape();
  tape.watch([a, b]);
  const g = tape.record(() => {
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(gt.add(1, c).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(gt.mul(3, d).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    return f.div(2).add(gt.div(10, f));
  });
  return { a, b, g, tape };
}
