/**
 * Naive references for tests: NumPy-style broadcasting done with explicit index arithmetic,
 * written independently of the kernels so that a kernel bug cannot hide in both.
 */
export function broadcastRef(
  a: ArrayLike<number>, aShape: number[], b: ArrayLike<number>, bShape: number[], f: (x: number, y: number) => number,
): { values: number[]; shape: number[] } {
  const rank = Math.max(aShape.length, bShape.length);
  const pa = [...Array(rank - aShape.length).fill(1), ...aShape];
  const pb = [...Array(rank - bShape.length).fill(1), ...bShape];
  const shape = pa.map((d, i) => Math.max(d, pb[i]));
  const size = shape.reduce((x, y) => x * y, 1);
  const values: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    let rem = flat;
    const idx = new Array(rank).fill(0);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
    }
    const at = (s: number[]) => idx.reduce((acc, i, d) => acc * s[d] + (s[d] === 1 ? 0 : i), 0);
    values.push(f(a[at(pa)], b[at(pb)]));
  }
  return { values, shape };
}

/** Asserts two flat arrays agree within a mixed absolute/relative tolerance; returns the worst error. */
export function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(e <= worst)) worst = e;
  }
  return worst;
}
