/**
 * The `Tensor`: an immutable n-dimensional array over a typed array, and the `Variable` whose value
 * an optimizer replaces.
 * @module
 */
import { allocate, ARRAY_TYPES, type DType, type TypedArray } from "./dtype.js";
import { sizeOf, stridesOf } from "./shape.js";
import { formatTensor } from "./format.js";
import { copyStrided } from "../kernels/layout.js";

let nextId = 0;

/** @internal The id the next tensor will get: tapes mark which tensors were made while they recorded. */
export function nextTensorId(): number {
  return nextId;
}

/** A nested array of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

/** Anything an op accepts where it takes a tensor: plain numbers and arrays are lifted. */
export type TensorLike = Tensor | number | NestedArray | TypedArray;

/**
 * An immutable n-dimensional array of numbers.
 *
 * A tensor is a view: a typed array plus a shape, strides and an offset, so transposes, slices and
 * broadcasts share memory instead of copying. Nothing ever writes into a tensor's memory after it
 * is made, which is what lets the gradient tape keep references instead of copies.
 *
 * Ops are available as methods (`x.add(y)`, `x.matmul(w)`, `x.sum()`) and as root functions.
 *
 * @example
 * ```ts
 * const x = gt.tensor([[1, 2], [3, 4]]);
 * x.mul(2).sum().toArray(); // 20
 * ```
 */
export class Tensor {
  /**
   * Identity of the value for the gradient tape. A variable's snapshots share the variable's id, so
   * that gradients with respect to a variable collect what flowed through any of its reads.
   * @internal
   */
  readonly id: number;
  /** @internal */ protected _buffer: TypedArray;
  /** @internal */ protected _shape: readonly number[];
  /** @internal */ protected _strides: readonly number[];
  /** @internal */ protected _offset: number;
  /** @internal */ protected _dtype: DType;
  /** @internal */ protected _size: number;
  /** @internal */ protected _contiguous: boolean;
  /** Materialized row-major copy of a strided view, made once on first need. */
  private _dense: TypedArray | undefined;

  /** @internal Use {@link tensor} and the other creation functions instead. */
  constructor(buffer: TypedArray, shape: readonly number[], dtype: DType, strides?: readonly number[], offset = 0, id?: number) {
    // Every op makes tensors through here: a few comparisons, and the message only on failure.
    const type = dtype === "float32" ? Float32Array : dtype === "float64" ? Float64Array : dtype === "int32" ? Int32Array : undefined;
    if (type === undefined || !(buffer instanceof type) || !Array.isArray(shape) || (strides !== undefined && !Array.isArray(strides))) badTensor(buffer, shape, dtype, strides);
    for (let i = 0; i < shape.length; i++) if (!(shape[i] >= 0) || shape[i] % 1 !== 0) badTensor(buffer, shape, dtype, strides);
    if (strides === undefined && offset + sizeOf(shape) > buffer.length) badTensor(buffer, shape, dtype, strides);
    this.id = id ?? nextId++;
    this._buffer = buffer;
    this._shape = Object.freeze(shape.slice());
    this._dtype = dtype;
    this._size = sizeOf(shape);
    this._strides = strides ?? stridesOf(shape);
    this._offset = offset;
    this._contiguous = strides === undefined || isRowMajor(shape, strides);
  }

  /** The size of each dimension. */
  get shape(): readonly number[] {
    return this._shape;
  }
  /** The element type: `'float32'`, `'float64'` or `'int32'`. */
  get dtype(): DType {
    return this._dtype;
  }
  /** The number of dimensions. */
  get rank(): number {
    return this._shape.length;
  }
  /** The number of elements. */
  get size(): number {
    return this._size;
  }
  /** @internal Strides of the view into {@link Tensor.buffer}. */
  get strides(): readonly number[] {
    return this._strides;
  }
  /** @internal Offset of the first element in {@link Tensor.buffer}. */
  get offset(): number {
    return this._offset;
  }
  /** @internal The typed array the view reads; shared, never to be written. */
  get buffer(): TypedArray {
    return this._buffer;
  }
  /** @internal True when the view is row-major without gaps. */
  get isContiguous(): boolean {
    return this._contiguous;
  }

  /**
   * @internal The elements in row-major order, without copying when the view is already
   * contiguous. Shared memory: kernels read it, nobody writes it.
   */
  values(): TypedArray {
    if (this._contiguous) {
      const b = this._buffer;
      return this._offset === 0 && b.length === this._size ? b : subarrayOf(b, this._offset, this._offset + this._size);
    }
    if (this._dense === undefined) {
      this._dense = allocate(this._dtype, this._size, "Tensor", this._shape);
      copyStrided(this._dense, this._buffer, this._shape, this._strides, this._offset);
    }
    return this._dense;
  }

  /** The elements as a new row-major typed array that the caller owns and may change. */
  data(): TypedArray {
    return this.values().slice();
  }

  /** The elements as nested arrays (a plain number for a rank-0 tensor). */
  toArray(): NestedArray {
    const flat = this.values();
    if (this.rank === 0) return flat[0];
    const build = (dim: number, start: number): NestedArray[] => {
      const n = this._shape[dim];
      const inner = sizeOf(this._shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === this.rank - 1 ? flat[start + i] : build(dim + 1, start + i * inner);
      }
      return out;
    };
    return build(0, 0);
  }

  /**
   * The single element of a tensor with one element, as a number.
   * @throws Error when the tensor has more or fewer than one element.
   */
  item(): number {
    if (this._size !== 1) throw new Error(`item: the tensor has shape [${this._shape.join(", ")}] (${this._size} elements); item() needs exactly one`);
    return this.values()[0];
  }

  /** A readable rendering: dtype, shape and the values, eliding the middle of large tensors. */
  toString(): string {
    return formatTensor(this);
  }

  /**
   * TF.js' name for {@link Tensor.data}: the elements as a new row-major typed array. (In TF.js
   * `data()` is the asynchronous one; here both are synchronous, and `await t.data()` works too.)
   * @example `gt.tensor([[1, 2], [3, 4]]).dataSync()` is `Float32Array [1, 2, 3, 4]`
   */
  dataSync(): TypedArray {
    return this.data();
  }

  /**
   * TF.js' name for {@link Tensor.toArray}: the elements as nested arrays (a number for rank 0).
   * @example `gt.tensor([[1, 2], [3, 4]]).arraySync()` is `[[1, 2], [3, 4]]`
   */
  arraySync(): NestedArray {
    return this.toArray();
  }

  /**
   * TF.js' `print`: writes {@link Tensor.toString} to `console.log`; `verbose` adds the dtype,
   * rank and shape on lines of their own, as TF.js does.
   * @example `gt.tensor([[1, 2], [3, 4]]).print()` logs `Tensor float32 [2, 2]` then `[[1, 2],` ` [3, 4]]`
   */
  print(verbose = false): void {
    const text = formatTensor(this);
    if (!verbose) {
      console.log(text);
      return;
    }
    const values = text.slice(text.indexOf("\n") + 1).replace(/^/gm, "    ");
    console.log(`Tensor\n  dtype: ${this._dtype}\n  rank: ${this.rank}\n  shape: [${this._shape.join(", ")}]\n  values:\n${values}`);
  }
}

/**
 * Subarrays of arrays in shared memory, each keeping its parent alive: the parent may be a view
 * that owns a block of WebAssembly memory, freed when the parent is collected (see
 * `kernels/wasm/index.ts`), and a subarray does not refer to it by itself.
 */
const PARENTS = new WeakMap<TypedArray, TypedArray>();

/** @internal `b.subarray(start, end)`, which keeps `b` alive as long as it lives. */
export function subarrayOf(b: TypedArray, start: number, end: number): TypedArray {
  const sub = b.subarray(start, end);
  if (!(b.buffer instanceof ArrayBuffer)) PARENTS.set(sub, b);
  return sub;
}

function isRowMajor(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

let nextVariable = 0;

/** Options of {@link variable}. */
export interface VariableOptions {
  /** A name for summaries, errors and checkpoints; defaults to `variable_N`. */
  name?: string;
  /** Whether tapes watch it automatically and `trainableVariables` lists it (default true). */
  trainable?: boolean;
}

/**
 * A tensor whose value can be replaced with {@link Variable.assign}: the weights of a model.
 *
 * Assigning swaps in another immutable value; it never writes into the old one, so a gradient
 * tape that read the variable before an update still sees the value it used.
 */
export class Variable extends Tensor {
  /** The variable's name. */
  readonly name: string;
  /** Whether gradient tapes watch this variable without being told. */
  readonly trainable: boolean;

  /** @internal Use {@link variable}. */
  constructor(initial: Tensor, options: VariableOptions = {}) {
    if (!(initial instanceof Tensor)) throw new Error(`Variable: initial must be a tensor (gt.variable also takes numbers and arrays), got ${describe(initial)}`);
    if (options === null || typeof options !== "object") throw new Error(`Variable: options must be an object such as { name: 'w' }, got ${describe(options)}`);
    super(initial.values(), initial.shape, initial.dtype);
    this.name = options.name ?? `variable_${nextVariable++}`;
    this.trainable = options.trainable ?? true;
  }

  /**
   * Replaces the value. The new value must have the variable's shape and dtype.
   * @throws Error naming both shapes or both dtypes when they differ.
   */
  assign(value: Tensor): this {
    if (!(value instanceof Tensor)) throw new Error(`Variable '${this.name}'.assign: expected a Tensor, got ${describe(value)}`);
    if (value.dtype !== this._dtype) {
      throw new Error(`Variable '${this.name}'.assign: dtype mismatch: the variable is ${this._dtype}, the value is ${value.dtype}`);
    }
    if (value.shape.length !== this._shape.length || value.shape.some((d, i) => d !== this._shape[i])) {
      throw new Error(`Variable '${this.name}'.assign: shape mismatch: the variable is [${this._shape.join(", ")}], the value is [${value.shape.join(", ")}]`);
    }
    this._buffer = value.values();
    this._strides = stridesOf(this._shape);
    this._offset = 0;
    this._contiguous = true;
    return this;
  }

  /**
   * @internal The current value as a plain tensor with the variable's id: what an op reads and a
   * tape keeps, unaffected by later assignments.
   */
  snapshot(): Tensor {
    return new Tensor(this._buffer, this._shape, this._dtype, undefined, 0, this.id);
  }
}

/** The Tensor constructor's message, off its hot path: what of buffer, shape, dtype and strides is wrong. */
function badTensor(buffer: unknown, shape: unknown, dtype: unknown, strides: unknown): never {
  const hint = "use gt.tensor, gt.zeros and the other creation functions instead";
  if (dtype !== "float32" && dtype !== "float64" && dtype !== "int32") throw new Error(`Tensor: unknown dtype ${JSON.stringify(dtype) ?? describe(dtype)}; expected 'float32', 'float64' or 'int32' (${hint})`);
  if (!(buffer instanceof ARRAY_TYPES[dtype])) throw new Error(`Tensor: buffer must be a ${ARRAY_TYPES[dtype].name} for dtype ${dtype}, got ${describe(buffer)} (${hint})`);
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    throw new Error(`Tensor: shape must be an array of non-negative integers, got ${Array.isArray(shape) ? JSON.stringify(shape).slice(0, 80) : describe(shape)} (${hint})`);
  }
  if (strides !== undefined && !Array.isArray(strides)) throw new Error(`Tensor: strides must be an array of integers, got ${describe(strides)} (${hint})`);
  throw new Error(`Tensor: shape [${(shape as number[]).join(", ")}] needs ${sizeOf(shape as number[])} elements but the buffer holds ${buffer.length} (${hint})`);
}

/** @internal A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (value instanceof Tensor) return `a ${value.dtype} tensor of shape [${value.shape.join(", ")}]`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "Object"})`;
  return `${typeof value} ${String(value)}`;
}
