/**
 * Shape arithmetic shared by kernels and ops: sizes, strides, broadcasting and axes.
 * @module
 */

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Formats a shape the way error messages print it: `[64, 784]`. */
export function fmt(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless every dimension is a non-negative integer. */
export function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape)) throw new Error(`${where}: shape must be an array of integers, got ${describeValue(shape)}`);
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new Error(`${where}: shape ${JSON.stringify(shape)} has an invalid dimension ${String(d)}; dimensions are non-negative integers`);
    }
  }
  return shape as number[];
}

/** The NumPy broadcast of two shapes; throws naming the op and both shapes when they do not fit. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together (dimension ${i} of the result: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had `outShape`: zero where broadcast. */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], outShape: readonly number[]): number[] {
  const lead = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** Normalizes one axis (negative counts from the end); throws naming the op, the axis and the rank. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  // A string such as "-1" is not an axis: say so, rather than call it out of range.
  if (typeof axis !== "number") throw new Error(`${op}: axis must be an integer, got ${describeValue(axis)}`);
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    const range = rank === 0 ? "none (the tensor is a scalar)" : `[${-rank}, ${rank - 1}]`;
    throw new Error(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}; valid axes: ${range}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Normalizes an axis argument to sorted unique axes: a number, a list, or undefined or null for
 * all axes (NumPy's `axis=None`).
 * @throws Error naming `op` for anything else, an axis out of range, or an axis named twice.
 */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined | null, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axis !== "number" && !Array.isArray(axis)) {
    throw new Error(`${op}: axis must be an integer, a list of integers, or undefined for all axes, got ${describeValue(axis)}`);
  }
  const list = typeof axis === "number" ? [axis] : axis;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  const unique = [...new Set(out)].sort((p, q) => p - q);
  if (unique.length !== out.length) throw new Error(`${op}: axis ${JSON.stringify(axis)} names the same axis twice`);
  return unique;
}

/**
 * A list of integers given as a number or an array, as `slice`'s begin and size take them.
 * @throws Error naming `op` and `arg` for anything else.
 */
export function integerList(op: string, arg: string, value: unknown): number[] {
  const list = typeof value === "number" ? [value] : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== "number" || !Number.isInteger(v))) {
    throw new Error(`${op}: ${arg} must be an integer or a list of integers, got ${describeValue(value)}`);
  }
  return list.slice();
}

/** A short description of a value for messages (shape.ts sits below tensor.ts, so no Tensor here). */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array ${JSON.stringify(value)?.slice(0, 60) ?? `of length ${value.length}`}`;
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "Object"})`;
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** The shape left after reducing `axes`, keeping them as size 1 when `keepDims`. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}
