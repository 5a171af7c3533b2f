/**
 * `Tensor.toString()`: NumPy-like printing that elides the middle of long dimensions.
 * @module
 */
import type { Tensor } from "./tensor.js";

const EDGE = 3;
const THRESHOLD = 1000;

/** Renders dtype, shape and values, e.g. `Tensor float32 [2, 2]\n[[1, 2],\n [3, 4]]`. */
export function formatTensor(t: Tensor): string {
  const values = t.values();
  const shape = t.shape;
  const summarize = t.size > THRESHOLD;
  const isInt = t.dtype === "int32";
  const num = (v: number): string => {
    if (isInt || Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return String(v);
    const digits = t.dtype === "float64" ? 8 : 4;
    const abs = Math.abs(v);
    return abs !== 0 && (abs < 1e-4 || abs >= 1e6) ? v.toExponential(digits) : String(Number(v.toFixed(digits)));
  };
  const inner: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    inner[i] = s;
    s *= shape[i];
  }
  const render = (dim: number, start: number, indent: string): string => {
    if (dim === shape.length) return num(values[start]);
    const n = shape[dim];
    const pick = summarize && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
    const parts = pick.map((i) => (i < 0 ? "..." : render(dim + 1, start + i * inner[dim], indent + " ")));
    const sep = dim === shape.length - 1 ? ", " : ",\n" + indent + " ";
    return "[" + parts.join(sep) + "]";
  };
  return `Tensor ${t.dtype} [${shape.join(", ")}]\n${render(0, 0, "")}`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
