/**
 * The few `ndarray` / `ndarray-ops` functions gradtape uses, behind correct types.
 *
 * `ndarray-ops` is CommonJS and builds most exports in a loop, so only its default export works;
 * `@types/ndarray-ops` also mistypes the in-place ops. Keeping every use here means the trap is
 * handled once. Its kernels compile on first use per dtype and layout (about a millisecond) and
 * cost ~0.3 µs per call, so callers use them only past {@link NDOPS_MIN_SIZE} elements, where
 * they beat a plain loop.
 *
 * Both packages generate code with `new Function`, `ndarray-ops` as soon as it is evaluated, which
 * a page with a strict Content Security Policy (`script-src` without `'unsafe-eval'`) refuses.
 * So nothing imports them statically: Node requires them on the first large op; elsewhere they are
 * imported then, only if a probe finds code generation allowed, and until they arrive (or for
 * good, under such a policy) callers take their plain strided loops, which compute the same values.
 * @module
 */
import type ndarray from "ndarray";
import type { TypedArray } from "../tensor/dtype.js";
import { stridesOf } from "../tensor/shape.js";
import { tryBuiltin } from "../util/node.js";

/** Below this many elements a plain loop is faster than an `ndarray-ops` kernel. */
export const NDOPS_MIN_SIZE = 8192;

type View = ndarray.NdArray<TypedArray>;
type BinaryName = "add" | "sub" | "mul" | "div" | "max" | "min";

interface NdOps {
  assign(out: View, a: View): void;
  add(out: View, a: View, b: View): void;
  sub(out: View, a: View, b: View): void;
  mul(out: View, a: View, b: View): void;
  div(out: View, a: View, b: View): void;
  max(out: View, a: View, b: View): void;
  min(out: View, a: View, b: View): void;
}

interface Loaded {
  ndarray: typeof ndarray;
  ops: NdOps;
}

/** `undefined` until the first large op asks; `null` while loading, or for good if unavailable. */
let loaded: Loaded | null | undefined;

function codeGenerationAllowed(): boolean {
  try {
    return new Function("return 1")() === 1;
  } catch {
    return false; // EvalError: the page's Content Security Policy forbids it
  }
}

function load(): void {
  loaded = null;
  // Node has no Content Security Policy: require them now, so the very op that asked uses them.
  const nodeModule = tryBuiltin<typeof import("node:module")>("node:module");
  if (nodeModule !== undefined) {
    try {
      const require = nodeModule.createRequire(import.meta.url);
      loaded = { ndarray: require("ndarray") as typeof ndarray, ops: require("ndarray-ops") as NdOps };
      return;
    } catch {
      // Bundled without node_modules beside it: the bundler's own copy, imported below.
    }
  }
  if (!codeGenerationAllowed()) return;
  Promise.all([import("ndarray"), import("ndarray-ops")]).then(
    ([nd, ops]) => {
      loaded = { ndarray: nd.default, ops: ops.default as unknown as NdOps };
    },
    () => undefined, // the plain loops stay in charge
  );
}

/**
 * Whether the `ndarray-ops` kernels can run now. The first call starts loading them and answers
 * false outside Node; callers then take their own loops.
 */
export function ready(): boolean {
  if (loaded === undefined) load();
  return loaded != null;
}

function use(): Loaded {
  if (loaded == null) throw new Error("ndops: ndarray-ops is not loaded; check ready() first");
  return loaded;
}

/**
 * A strided view. Built with the constructor rather than `.step()`/`.transpose()` because
 * `step(0)` yields a dimension of Infinity and `transpose()` without arguments is the identity.
 */
export function view(data: TypedArray, shape: readonly number[], strides: readonly number[], offset: number): View {
  return use().ndarray(data, shape.slice(), strides.slice(), offset);
}

/** Copies a strided view into a contiguous row-major array. Only after {@link ready}. */
export function assign(out: TypedArray, shape: readonly number[], src: TypedArray, strides: readonly number[], offset: number): void {
  use().ops.assign(view(out, shape, stridesOf(shape), 0), view(src, shape, strides, offset));
}

/** `out = a ∘ b` over broadcast views (zero strides), `out` contiguous of `shape`. Only after {@link ready}. */
export function binary(
  name: BinaryName,
  out: TypedArray,
  shape: readonly number[],
  a: TypedArray, aStrides: readonly number[], aOffset: number,
  b: TypedArray, bStrides: readonly number[], bOffset: number,
): void {
  use().ops[name](view(out, shape, stridesOf(shape), 0), view(a, shape, aStrides, aOffset), view(b, shape, bStrides, bOffset));
}
