/**
 * `Dataset`: a re-iterable pipeline of examples, as `tf.data` builds them: slice tensors into
 * examples, shuffle with a seed, batch, map; `for (const [x, y] of dataset)` reads it.
 * @module
 */
import seedrandom from "seedrandom";
import { shuffleInPlace, windowShuffle } from "../util/shuffle.js";
import { checkOptionNames, optionNames } from "../util/options.js";
import { describe, Tensor } from "../tensor/tensor.js";
import { fmt } from "../tensor/shape.js";
import { concat, expandDims, gather } from "../ops/shape.js";
import { checkSeed, tensor } from "../tensor/create.js";
import type { Seed } from "../tensor/create.js";

/** An element: one tensor, a tuple of tensors, or a record of tensors. */
export type Element = Tensor | readonly Tensor[] | { readonly [key: string]: Tensor };

/** Options of {@link Dataset.shuffle}. */
export interface ShuffleOptions {
  /** How many elements the shuffle holds at a time (default: all of them). */
  bufferSize?: number;
  /** The seed (default 0). */
  seed?: Seed;
  /** False: every pass yields the first pass's order (default true: a new order each pass). */
  reshuffleEachIteration?: boolean;
}

/** Where a dataset's elements come from: rows of tensors picked by index, or any iterator. */
type Source<T> =
  | { kind: "rows"; tensors: Element; count: number; order: () => Int32Array; batch: number; dropRemainder: boolean }
  | { kind: "stream"; iterate: () => Iterator<T> };

/**
 * A sequence of elements that can be iterated any number of times (once per epoch).
 *
 * Slicing, shuffling and batching stay index-based: a batch is one `gather` of the rows it holds,
 * not a stack of single examples.
 *
 * @example
 * ```ts
 * const ds = gt.data.fromTensorSlices([x, y]).shuffle({ seed: 1 }).batch(64);
 * for (const [xb, yb] of ds) { ... }
 * ```
 */
export class Dataset<T> implements Iterable<T> {
  /** @internal Use {@link fromTensorSlices} or {@link fromGenerator}. */
  constructor(private readonly source: Source<T>) {}

  /** The number of elements one pass yields. */
  get size(): number {
    const s = this.source;
    if (s.kind === "stream") return [...this].length;
    if (s.batch === 0) return s.count;
    return s.dropRemainder ? Math.floor(s.count / s.batch) : Math.ceil(s.count / s.batch);
  }

  /** Yields the elements in order: `for (const [xb, yb] of dataset)`. Each loop starts afresh (a shuffled dataset reshuffles). */
  [Symbol.iterator](): Iterator<T> {
    const s = this.source;
    if (s.kind === "stream") return s.iterate();
    const order = s.order();
    const step = s.batch === 0 ? 1 : s.batch;
    const end = s.dropRemainder ? order.length - (order.length % step) : order.length;
    let at = 0;
    return {
      next: (): IteratorResult<T> => {
        if (at >= end) return { done: true, value: undefined };
        const rows = order.subarray(at, Math.min(at + step, end));
        at += step;
        const pick = (t: Tensor) => (s.batch === 0 ? gather(t, tensor(rows[0], [], "int32")) : gather(t, rows));
        return { done: false, value: mapElement(s.tensors, pick) as T };
      },
    };
  }

  /**
   * Shuffles the elements, with a new order on each pass (each epoch), reproducible from `seed`.
   * Two spellings: TF.js' `shuffle(bufferSize, seed?, reshuffleEachIteration?)`, and
   * `shuffle({ bufferSize?, seed?, reshuffleEachIteration? })`. Without `bufferSize` it shuffles
   * everything (as a `bufferSize` at least the dataset's size does); with a smaller one it is
   * TF.js' buffered shuffle, which holds only `bufferSize` elements: each element read replaces
   * one picked at random from the buffer. Before `batch`, whole examples are shuffled. Without
   * `seed` the order comes from seed 0, so runs repeat.
   * @param bufferSize - a positive integer, or the options object.
   * @param seed - the seed (a number or a string; default 0).
   * @param reshuffleEachIteration - false: every pass yields the first pass's order (default true).
   * @throws Error for a `bufferSize` that is not a positive integer, a seed that is neither a
   * number nor a string, a `reshuffleEachIteration` that is not a boolean, or an unknown option.
   * @example `ds.shuffle({ seed: 42 })`, `ds.shuffle(1000, 42)` (TF.js)
   */
  shuffle(bufferSize?: number | ShuffleOptions, seed?: Seed, reshuffleEachIteration?: boolean): Dataset<T> {
    const o = shuffleOptions(bufferSize, seed, reshuffleEachIteration);
    const s = this.source;
    let stream = seedrandom(String(o.seed));
    const draws = () => (o.reshuffleEachIteration ? stream : (stream = seedrandom(String(o.seed))));
    if (s.kind === "rows" && s.batch === 0) {
      const all = o.bufferSize >= s.count;
      return new Dataset<T>({
        ...s,
        order: () => (all ? shuffleInPlace(s.order().slice(), draws()) : Int32Array.from(windowShuffle(s.order()[Symbol.iterator](), o.bufferSize, draws()))),
      });
    }
    return new Dataset<T>({
      kind: "stream",
      iterate: () => (Number.isFinite(o.bufferSize) ? windowShuffle(this[Symbol.iterator](), o.bufferSize, draws()) : shuffleInPlace([...this], draws())[Symbol.iterator]()),
    });
  }

  /**
   * Groups consecutive elements into batches of `batchSize` along a new first axis. The last
   * partial batch is kept unless `dropRemainder` (TF.js' spelling, `batch(n, smallLastBatch)`,
   * works too: `batch(n, false)` drops it).
   * @throws Error when `batchSize` is not a positive integer, or for an unknown option.
   * @example `ds.batch(32)`, `ds.batch(32, { dropRemainder: true })`
   */
  batch(batchSize: number, options: { dropRemainder?: boolean } | boolean = {}): Dataset<T> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Dataset.batch: batchSize must be a positive integer, got ${String(batchSize)}`);
    const s = this.source;
    const dropRemainder = typeof options === "boolean" ? !options : (checkOptionNames("Dataset.batch", options, ["dropRemainder"]).dropRemainder ?? false);
    if (typeof dropRemainder !== "boolean") throw new Error(`Dataset.batch: dropRemainder must be true or false, got ${describe(dropRemainder)}`);
    if (s.kind === "rows" && s.batch === 0) return new Dataset<T>({ ...s, batch: batchSize, dropRemainder });
    return new Dataset<T>({ kind: "stream", iterate: () => batches(this, batchSize, dropRemainder) });
  }

  /**
   * Applies `fn` to each element as it is read.
   * @example `ds.map(([x, y]) => [x.div(255), y])`
   */
  map<U>(fn: (element: T) => U): Dataset<U> {
    if (typeof fn !== "function") throw new Error(`Dataset.map: expected a function, got ${describe(fn)}`);
    return new Dataset<U>({
      kind: "stream",
      iterate: () => {
        const it = this[Symbol.iterator]();
        return {
          next: (): IteratorResult<U> => {
            const r = it.next();
            return r.done ? { done: true, value: undefined } : { done: false, value: fn(r.value) };
          },
        };
      },
    });
  }

  /** The first `count` elements. */
  take(count: number): Dataset<T> {
    if (!Number.isInteger(count) || count < 0) throw new Error(`Dataset.take: count must be a non-negative integer, got ${String(count)}`);
    return new Dataset<T>({
      kind: "stream",
      iterate: () => {
        const it = this[Symbol.iterator]();
        let n = 0;
        return { next: (): IteratorResult<T> => (n++ < count ? it.next() : { done: true, value: undefined }) };
      },
    });
  }

  /** All elements of one pass, in an array. */
  toArray(): T[] {
    return [...this];
  }
}

/**
 * A dataset whose elements are the slices along the first axis of `tensors` (one tensor, an
 * array such as `[x, y]`, or a record), which must all have the same first dimension.
 * @throws Error naming the shapes when the first dimensions differ.
 * @example `gt.data.fromTensorSlices([images, labels])`
 */
export function fromTensorSlices<E extends Element>(tensors: E): Dataset<E> {
  if (tensors === null || typeof tensors !== "object") throw new Error(`fromTensorSlices: expected a tensor, a list of tensors or an object of tensors, got ${describe(tensors)}`);
  const list = elementTensors(tensors);
  if (list.length === 0) throw new Error("fromTensorSlices: expected at least one tensor");
  list.forEach(([key, t]) => {
    if (!(t instanceof Tensor)) throw new Error(`fromTensorSlices: '${key}' is not a tensor: got ${describe(t)}`);
    if (t.rank === 0) throw new Error(`fromTensorSlices: '${key}' is a scalar; slicing needs a first axis`);
  });
  const count = list[0][1].shape[0];
  for (const [key, t] of list) {
    if (t.shape[0] !== count) {
      throw new Error(`fromTensorSlices: first dimensions differ: '${list[0][0]}' is ${fmt(list[0][1].shape)}, '${key}' is ${fmt(t.shape)}`);
    }
  }
  const identity = Int32Array.from({ length: count }, (_, i) => i);
  return new Dataset<E>({ kind: "rows", tensors, count, order: () => identity, batch: 0, dropRemainder: false });
}

/** A dataset over whatever a generator function yields, started afresh on each pass. */
export function fromGenerator<T>(generator: () => Iterator<T>): Dataset<T> {
  if (typeof generator !== "function") throw new Error(`fromGenerator: expected a generator function (function* () { ... }), got ${describe(generator)}`);
  return new Dataset<T>({ kind: "stream", iterate: generator });
}

/** Both spellings of `shuffle`'s arguments, checked, as one set of options. */
function shuffleOptions(first: unknown, seed: unknown, reshuffle: unknown): Required<ShuffleOptions> {
  const where = "Dataset.shuffle";
  let o: ShuffleOptions;
  if (typeof first === "number") o = { bufferSize: first, seed: seed as Seed | undefined, reshuffleEachIteration: reshuffle as boolean | undefined };
  else {
    if (seed !== undefined || reshuffle !== undefined) throw new Error(`${where}: with an options object, pass the seed in it: shuffle({ bufferSize, seed }) or shuffle(bufferSize, seed)`);
    o = checkOptionNames(where, first, optionNames<ShuffleOptions>({ bufferSize: true, seed: true, reshuffleEachIteration: true }));
  }
  const bufferSize = o.bufferSize ?? Infinity;
  if (bufferSize !== Infinity && (typeof bufferSize !== "number" || !Number.isInteger(bufferSize) || bufferSize < 1)) {
    throw new Error(`${where}: bufferSize must be a positive integer, got ${typeof bufferSize === "number" ? bufferSize : describe(bufferSize)}`);
  }
  const reshuffleEachIteration = o.reshuffleEachIteration ?? true;
  if (typeof reshuffleEachIteration !== "boolean") throw new Error(`${where}: reshuffleEachIteration must be true or false, got ${describe(reshuffleEachIteration)}`);
  return { bufferSize, seed: checkSeed(where, o.seed) ?? 0, reshuffleEachIteration };
}

function elementTensors(el: Element): [string, Tensor][] {
  if (el instanceof Tensor) return [["0", el]];
  if (Array.isArray(el)) return el.map((t, i) => [String(i), t]);
  return Object.entries(el);
}

function mapElement(el: Element, f: (t: Tensor) => Tensor): Element {
  if (el instanceof Tensor) return f(el);
  if (Array.isArray(el)) return el.map(f);
  return Object.fromEntries(Object.entries(el).map(([k, t]) => [k, f(t)]));
}

function* batches<T>(parent: Iterable<T>, batchSize: number, dropRemainder: boolean): Generator<T> {
  let group: T[] = [];
  for (const el of parent) {
    group.push(el);
    if (group.length === batchSize) {
      yield stack(group);
      group = [];
    }
  }
  if (group.length > 0 && !dropRemainder) yield stack(group);
}

/** Stacks elements of the same structure along a new first axis. */
function stack<T>(group: T[]): T {
  const first = group[0] as unknown as Element;
  const keys = elementTensors(first).map(([k]) => k);
  const parts = keys.map((k) => concat(group.map((g) => expandDims(elementTensors(g as unknown as Element).find(([kk]) => kk === k)![1], 0)), 0));
  if (first instanceof Tensor) return parts[0] as unknown as T;
  if (Array.isArray(first)) return parts as unknown as T;
  return Object.fromEntries(keys.map((k, i) => [k, parts[i]])) as unknown as T;
}
