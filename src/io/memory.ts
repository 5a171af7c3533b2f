/**
 * The saved-model format in memory: a JSON manifest (format version, architecture, where each
 * weight lies, checksums, and optionally the optimizer and the training position) plus one
 * buffer of weights. The folder format (`model.save`, checkpoints) is the same two things in two
 * files; a browser can keep them in IndexedDB or offer them as downloads.
 * @module
 */
import type { DType } from "../tensor/dtype.js";
import { fromValues, type Seed } from "../tensor/create.js";
import { fmt, shapesEqual, sizeOf } from "../tensor/shape.js";
import { describe } from "../tensor/tensor.js";
import { withWeightSource } from "../layers/layer.js";
import { Dropout } from "../layers/dropout.js";
import { checkModel, Model, type AnyModel, type ModelConfig } from "../layers/model.js";
import { modelFromConfig } from "../layers/serialize.js";
import { checkOptions } from "../layers/options.js";
import type { Optimizer } from "../optim/optimizer.js";
import { History } from "../training/history.js";
import { BYTES_PER_ELEMENT, ByteWriter, readArray, type ByteRange } from "./bytes.js";
import { bad, integer, list, ModelFormatError, object, record, shape, show, string } from "./check.js";
import { crc32Tag } from "./crc32.js";
import { decodeUtf8, lineColumn, locateJsonError, nestsDeeperThan } from "./json.js";
import { checkOptimizerManifest, optimizerFromManifest, optimizerToManifest, type OptimizerManifest } from "./optimizer.js";

/** The `format` of every gradtape manifest. */
export const MODEL_FORMAT = "gradtape-model";
/** The format version this gradtape writes and reads. */
export const MODEL_FORMAT_VERSION = 1;
/** How deeply a manifest may nest; real ones nest about 6 levels. */
const MAX_DEPTH = 64;

/** One weight in {@link ModelManifest}: which variable, its shape and dtype, and where its bytes lie. */
export interface WeightManifest extends ByteRange {
  /** The variable's name: `layer/weight`, e.g. `dense/kernel`. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Its dtype. */
  dtype: DType;
}

/** A history as plain data: what `fit`'s {@link History} holds. */
export interface HistoryRecord {
  /** The epochs, counted from 0. */
  epoch: number[];
  /** Each logged value, one entry per epoch. */
  history: Record<string, number[]>;
}

/** Where training stood, in a checkpoint's manifest. */
export interface TrainingManifest {
  /** The next epoch to run: pass it to `fit` as `initialEpoch`. */
  epoch: number;
  /** `fit`'s shuffle seed, if it had one. */
  seed?: Seed;
  /** The history so far; NaN and infinities are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`. */
  history: {
    /** The epochs, counted from 0. */
    epoch: number[];
    /** Each logged value, one entry per epoch. */
    history: Record<string, (number | string)[]>;
  };
  /** Each dropout layer's count of masks drawn, so a resumed run draws the masks it would have. */
  dropoutCalls: Record<string, number>;
}

/**
 * The manifest of a saved model or checkpoint (`model.json` in a folder). Every field is checked
 * when loading.
 */
export interface ModelManifest {
  /** Always `"gradtape-model"`. */
  format: typeof MODEL_FORMAT;
  /** The format version (1). */
  formatVersion: number;
  /** The model's architecture, `model.getConfig()`. */
  architecture: ModelConfig;
  /** In a folder: the name of the weights file. */
  weightsFile?: string;
  /** The length of the weights in bytes. */
  weightsByteLength: number;
  /** The CRC-32 of the weights bytes, as `"crc32:1a2b3c4d"`. */
  checksum: string;
  /** Each weight of the model, layer by layer. */
  weights: WeightManifest[];
  /** In a checkpoint: the optimizer, its config and its slots. */
  optimizer?: OptimizerManifest;
  /** In a checkpoint: where training stood. */
  training?: TrainingManifest;
  /**
   * The CRC-32 of the manifest without this field (as JSON with sorted keys and no whitespace):
   * loading rejects a manifest that changed after it was written. Delete the field after editing
   * a manifest by hand.
   */
  manifestChecksum?: string;
}

/** A saved model or checkpoint in memory: the manifest and the weights bytes. */
export interface SavedModel {
  /** The manifest, as a plain JSON-able object. */
  manifest: ModelManifest;
  /** The weights and optimizer slots, little-endian, as the manifest's byte ranges say. */
  weights: ArrayBuffer;
}

/** Where training stood, as {@link toMemory} and `saveCheckpoint` take it. */
export interface TrainingState {
  /** The next epoch to run (the epochs completed): `fit`'s `initialEpoch` on resuming. */
  epoch: number;
  /** The `seed` given to `fit`; without one a resumed run shuffles differently. */
  seed?: Seed;
  /** The history so far (`fit`'s {@link History}, or its plain form). */
  history?: History | HistoryRecord;
}

/** Options of {@link toMemory}. */
export interface ToMemoryOptions {
  /** An optimizer to save with the model (one of the built-in optimizers: SGD, Adam, RMSprop, Adagrad, Adadelta, Adamax, AdamW), with its config and slots. */
  optimizer?: Optimizer;
  /** Where training stood; makes the result a checkpoint. */
  training?: TrainingState;
}

/** What {@link fromMemory} returns. */
export interface LoadedModel {
  /** The model, built, with the saved weights. */
  model: Model;
  /** The optimizer with its state restored, when one was saved. */
  optimizer: Optimizer | undefined;
  /** Where training stood, when saved as a checkpoint. */
  training: {
    /** The next epoch to run: `fit`'s `initialEpoch`. */
    epoch: number;
    /** `fit`'s seed, if it had one. */
    seed: Seed | undefined;
    /** The history so far. */
    history: History;
  } | undefined;
}

/**
 * A model (and optionally its optimizer and training position) as a manifest and one buffer of
 * weights: what `model.save` writes, kept in memory, for IndexedDB, a download or a `fetch`.
 *
 * @param model - the model to save (built or not).
 * @param options - `optimizer` to save its config and slots; `training` (`{ epoch, seed, history }`)
 * to make a checkpoint that `fit` can resume from.
 * @returns `{ manifest, weights }`; the manifest is plain JSON-able data.
 * @throws Error when `model` is not a Model, the optimizer is not a built-in one or has a
 * learning rate that is a plain function, or `training` is malformed.
 * @example
 * ```ts
 * const { manifest, weights } = gt.toMemory(model);
 * const copy = gt.fromMemory({ manifest, weights }).model;
 * ```
 */
export function toMemory(model: AnyModel, options: ToMemoryOptions = {}): SavedModel {
  return encode("toMemory", model, options);
}

/** @internal {@link toMemory} with the caller's name in messages. */
export function encode(where: string, model: AnyModel, options: ToMemoryOptions = {}): SavedModel {
  checkModel(where, model);
  const o = checkOptions(where, options, ["optimizer", "training"]);
  const architecture = model.getConfig();
  checkJsonable(where, "the model's config", architecture);
  const writer = new ByteWriter();
  const weights: WeightManifest[] = model.weights.map((v) => ({ name: v.name, shape: v.shape.slice(), dtype: v.dtype, ...writer.add(v.values()) }));
  let optimizer: OptimizerManifest | undefined;
  if (o.optimizer !== undefined) {
    optimizer = optimizerToManifest(where, o.optimizer, writer);
    const names = new Set(weights.map((w) => w.name));
    const stranger = optimizer.variables.find((v) => !names.has(v.name));
    if (stranger !== undefined) {
      throw new Error(`${where}: the optimizer holds state for variable '${stranger.name}', which is not a weight of model ${model.name}; save a model with the optimizer that trains it`);
    }
    checkJsonable(where, "the optimizer's config", optimizer.config);
  }
  const training = o.training === undefined ? undefined : trainingToManifest(where, o.training, model, where === "toMemory" ? "training." : "");
  const bytes = writer.finish();
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    architecture,
    weightsByteLength: bytes.byteLength,
    checksum: crc32Tag(new Uint8Array(bytes)),
    weights,
  };
  if (optimizer !== undefined) manifest.optimizer = optimizer;
  if (training !== undefined) manifest.training = training;
  return { manifest: sealManifest(manifest), weights: bytes };
}

/**
 * @internal The manifest with its `manifestChecksum` (re)computed, as the last field. The checksum
 * covers a canonical form (keys sorted, no whitespace), so a store that reorders keys or
 * reformats the JSON does not break it.
 */
export function sealManifest(manifest: ModelManifest): ModelManifest {
  const { manifestChecksum: _, ...rest } = manifest;
  return { ...rest, manifestChecksum: crc32Tag(new TextEncoder().encode(canonicalJson(rest))) };
}

/** JSON with every object's keys sorted: the same text for the same data, whatever the key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    return `{${entries.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Rebuilds a model (and optimizer and training position, when saved) from {@link toMemory}'s
 * output, checking everything first.
 *
 * @param saved - `{ manifest, weights }`: the manifest as an object or JSON text, the weights as an
 * ArrayBuffer or Uint8Array.
 * @returns `{ model, optimizer, training }`; `optimizer` and `training` are undefined unless saved.
 * @throws ModelFormatError (an Error) saying what is wrong and where: malformed JSON (line and
 * column), an unknown format or version, a manifest that fails its checksum, truncated weights, a
 * byte range outside them, a checksum mismatch, or a weight whose shape or dtype does not fit the
 * architecture (naming the layer, the weight and both shapes).
 * @example
 * ```ts
 * const { model, optimizer, training } = gt.fromMemory({ manifest, weights });
 * ```
 */
export function fromMemory(saved: { manifest: ModelManifest | string; weights: ArrayBuffer | Uint8Array }): LoadedModel {
  const where = "fromMemory";
  if (saved === null || typeof saved !== "object") throw new ModelFormatError(`${where}: expected { manifest, weights }, got ${describe(saved)}`);
  const { manifest, weights } = saved;
  if (!(weights instanceof ArrayBuffer) && !(weights instanceof Uint8Array)) {
    throw new ModelFormatError(`${where}: weights must be an ArrayBuffer or a Uint8Array, got ${describe(weights)}`);
  }
  const bytes = weights instanceof Uint8Array ? weights : new Uint8Array(weights);
  return decode(where, readManifest(where, manifest, "the manifest"), bytes, "the weights");
}

/**
 * @internal Parses a manifest given as bytes, text or an object (which is copied through JSON, so
 * nothing aliases the caller's object) and checks that it nests sanely.
 */
export function readManifest(where: string, input: unknown, file: string): unknown {
  let text: string;
  if (input instanceof Uint8Array) {
    const decoded = decodeUtf8(input);
    if ("badOffset" in decoded) throw new ModelFormatError(`${where}: ${file} is not UTF-8 text: the byte at offset ${decoded.badOffset} does not begin a valid character`, file);
    text = decoded.text;
  } else if (typeof input === "string") {
    text = input;
  } else if (input !== null && typeof input === "object" && !Array.isArray(input)) {
    try {
      text = JSON.stringify(input);
    } catch (e) {
      throw new ModelFormatError(`${where}: ${file} is not plain JSON data (${e instanceof Error ? e.message : show(e)})`);
    }
  } else {
    throw new ModelFormatError(`${where}: ${file} must be a manifest object or its JSON text, got ${describe(input)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const at = locateJsonError(text);
    const detail = at === undefined ? `: ${(e as Error).message}` : ` at ${lineColumn(text, at.offset)} (offset ${at.offset}): ${at.reason}`;
    throw new ModelFormatError(`${where}: ${file} is not valid JSON${detail}`, file);
  }
  if (nestsDeeperThan(value, MAX_DEPTH)) throw new ModelFormatError(`${where}: ${file} nests more than ${MAX_DEPTH} levels deep; no gradtape manifest does`, file);
  return value;
}

/**
 * @internal Checks a parsed manifest against `bytes` and rebuilds what it describes. Nothing is
 * allocated beyond what `bytes` holds: every size is checked against the bytes present first.
 */
export function decode(where: string, value: unknown, bytes: Uint8Array, weightsName: string): LoadedModel {
  const m = checkManifest(where, value, weightsName);
  if (bytes.length !== m.weightsByteLength) {
    const what = bytes.length < m.weightsByteLength ? "truncated: they hold" : "longer than the manifest says: they hold";
    throw new ModelFormatError(`${where}: ${weightsName} are ${what} ${bytes.length} bytes, but the manifest says ${m.weightsByteLength}`, weightsName);
  }
  const actual = crc32Tag(bytes);
  if (actual !== m.checksum) {
    throw new ModelFormatError(`${where}: checksum mismatch: ${weightsName} have ${actual} but the manifest says ${m.checksum}; they are corrupt, or belong to another save`, weightsName);
  }

  const byName = new Map<string, { entry: WeightManifest; index: number }>();
  m.weights.forEach((entry, index) => {
    if (byName.has(entry.name)) throw new ModelFormatError(`${where}: manifest.weights[${index}].name: weight '${entry.name}' appears twice`);
    byName.set(entry.name, { entry, index });
  });
  const used = new Set<string>();
  let model: Model;
  try {
    model = withWeightSource((layer, weight, wanted, dtype) => {
      const full = `${layer}/${weight}`;
      const found = byName.get(full);
      if (found === undefined) {
        throw new ModelFormatError(`${where}: layer '${layer}' has a weight '${weight}' of shape ${fmt(wanted)} in the architecture, but the manifest has no weight '${full}' (it has ${[...byName.keys()].join(", ") || "none"})`);
      }
      const { entry, index } = found;
      if (!shapesEqual(entry.shape, wanted)) {
        throw new ModelFormatError(`${where}: layer '${layer}': weight '${weight}' has shape ${fmt(wanted)} in the architecture but ${fmt(entry.shape)} in the weights (manifest.weights[${index}])`);
      }
      if (entry.dtype !== dtype) {
        throw new ModelFormatError(`${where}: layer '${layer}': weight '${weight}' is ${dtype} in the architecture but ${entry.dtype} in the weights (manifest.weights[${index}])`);
      }
      used.add(full);
      return fromValues(readArray(bytes, entry.dtype, entry), entry.shape, entry.dtype);
    }, () => modelFromConfig(m.architecture));
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    throw new ModelFormatError(`${where}: manifest.architecture does not rebuild a model: ${e instanceof Error ? e.message : show(e)}`);
  }
  const unused = m.weights.findIndex((w) => !used.has(w.name));
  if (unused >= 0) {
    throw new ModelFormatError(`${where}: manifest.weights[${unused}] ('${m.weights[unused].name}') belongs to no weight of the architecture, whose weights are ${model.weights.map((v) => v.name).join(", ") || "none"}`);
  }

  const optimizer = m.optimizer === undefined ? undefined : optimizerFromManifest(where, m.optimizer, bytes, model.weights);
  let training: LoadedModel["training"];
  if (m.training !== undefined) {
    const t = m.training;
    const history = new History();
    history.epoch = t.history.epoch.slice();
    history.history = Object.fromEntries(Object.entries(t.history.history).map(([k, vs]) => [k, vs.map((v) => (typeof v === "number" ? v : Number(v)))]));
    for (const [name, calls] of Object.entries(t.dropoutCalls)) {
      const layer = model.layers.find((l) => l.name === name);
      if (!(layer instanceof Dropout)) throw new ModelFormatError(`${where}: manifest.training.dropoutCalls names '${name}', which is not a dropout layer of the architecture`);
      layer.masks = calls;
    }
    training = { epoch: t.epoch, seed: t.seed, history };
  }
  return { model, optimizer, training };
}

/**
 * @internal The manifest's form, field by field, and every byte range against the declared length;
 * the format and version first, then the manifest's own checksum.
 */
export function checkManifest(where: string, value: unknown, weightsName: string): ModelManifest {
  if (value === null || typeof value !== "object" || Array.isArray(value)) bad(where, "the manifest", "a JSON object", value);
  const raw = value as Record<string, unknown>;
  if (raw.format !== MODEL_FORMAT) {
    const tfjs = Object.hasOwn(raw, "modelTopology") ? " (it looks like a TensorFlow.js model.json, which gradtape does not read)" : "";
    throw new ModelFormatError(`${where}: this is not a gradtape model: manifest.format is ${raw.format === undefined ? "missing" : show(raw.format)}, expected "${MODEL_FORMAT}"${tfjs}`);
  }
  const version = raw.formatVersion;
  if (version !== MODEL_FORMAT_VERSION) {
    const newer = typeof version === "number" && Number.isInteger(version) && version > MODEL_FORMAT_VERSION;
    throw new ModelFormatError(
      newer
        ? `${where}: manifest.formatVersion is ${version}, written by a newer gradtape; this version reads format version ${MODEL_FORMAT_VERSION}, so upgrade gradtape`
        : `${where}: unknown manifest.formatVersion ${show(version)}; this version of gradtape reads format version ${MODEL_FORMAT_VERSION}`,
    );
  }
  if (raw.manifestChecksum !== undefined) {
    const stored = string(where, "manifest.manifestChecksum", raw.manifestChecksum);
    const actual = sealManifest(raw as unknown as ModelManifest).manifestChecksum;
    if (stored !== actual) {
      throw new ModelFormatError(`${where}: the manifest does not match its manifestChecksum (stored ${stored}, computed ${actual}): it was corrupted, or edited (after editing by hand, delete the manifestChecksum field)`);
    }
  }
  const o = record(where, "the manifest", raw, ["format", "formatVersion", "architecture", "weightsByteLength", "checksum", "weights"], ["weightsFile", "optimizer", "training", "manifestChecksum"]);
  if (o.weightsFile !== undefined) {
    const file = string(where, "manifest.weightsFile", o.weightsFile);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(file)) bad(where, "manifest.weightsFile", "a plain file name in the same folder (letters, digits, '.', '_', '-')", file);
  }
  const arch = record(where, "manifest.architecture", o.architecture, ["className", "config"]);
  if (arch.className !== "Sequential" && arch.className !== "Functional") bad(where, "manifest.architecture.className", '"Sequential" or "Functional"', arch.className);
  const functional = arch.className === "Functional";
  const config = functional
    ? record(where, "manifest.architecture.config", arch.config, ["name", "layers", "inputLayers", "outputLayers"])
    : record(where, "manifest.architecture.config", arch.config, ["name", "layers"], ["buildInputShape"]);
  string(where, "manifest.architecture.config.name", config.name);
  list(where, "manifest.architecture.config.layers", config.layers).forEach((l, i) => {
    const path = `manifest.architecture.config.layers[${i}]`;
    const layer = record(where, path, l, functional ? ["className", "config", "inboundNodes"] : ["className", "config"]);
    string(where, `${path}.className`, layer.className);
    const lc = object(where, `${path}.config`, layer.config);
    string(where, `${path}.config.name`, lc.name);
    if (functional) list(where, `${path}.inboundNodes`, layer.inboundNodes).forEach((node, k) => list(where, `${path}.inboundNodes[${k}]`, node).forEach((r, j) => tensorRef(where, `${path}.inboundNodes[${k}][${j}]`, r)));
  });
  if (functional) {
    for (const key of ["inputLayers", "outputLayers"]) {
      const refs = config[key];
      const path = `manifest.architecture.config.${key}`;
      if (Array.isArray(refs) && Array.isArray(refs[0])) refs.forEach((r, j) => tensorRef(where, `${path}[${j}]`, r));
      else tensorRef(where, path, refs);
    }
  }
  if (config.buildInputShape !== undefined) {
    list(where, "manifest.architecture.config.buildInputShape", config.buildInputShape).forEach((d, i) => {
      if (d !== null) integer(where, `manifest.architecture.config.buildInputShape[${i}]`, d);
    });
  }
  const total = integer(where, "manifest.weightsByteLength", o.weightsByteLength);
  const checksum = string(where, "manifest.checksum", o.checksum);
  if (!/^crc32:[0-9a-f]{8}$/.test(checksum)) bad(where, "manifest.checksum", '"crc32:" and 8 hex digits', checksum);

  const ranges: { path: string; start: number; end: number }[] = [];
  const checkRange = (path: string, r: unknown, dtype: DType, size: number): void => {
    const e = r as Record<string, unknown>;
    const byteOffset = integer(where, `${path}.byteOffset`, e.byteOffset);
    const byteLength = integer(where, `${path}.byteLength`, e.byteLength);
    if (byteOffset + byteLength > total) {
      throw new ModelFormatError(`${where}: ${path}: byte range [${byteOffset}, ${byteOffset + byteLength}) lies outside ${weightsName} (${total} bytes)`, weightsName);
    }
    if (byteLength !== size * BYTES_PER_ELEMENT[dtype]) {
      throw new ModelFormatError(`${where}: ${path}: byteLength ${byteLength} does not fit ${size} ${dtype} values (${size * BYTES_PER_ELEMENT[dtype]} bytes)`);
    }
    ranges.push({ path, start: byteOffset, end: byteOffset + byteLength });
  };
  list(where, "manifest.weights", o.weights).forEach((w, i) => {
    const path = `manifest.weights[${i}]`;
    const e = record(where, path, w, ["name", "shape", "dtype", "byteOffset", "byteLength"]);
    string(where, `${path}.name`, e.name);
    const s = shape(where, `${path}.shape`, e.shape);
    if (e.dtype !== "float32" && e.dtype !== "float64" && e.dtype !== "int32") bad(where, `${path}.dtype`, "'float32', 'float64' or 'int32'", e.dtype);
    checkRange(path, e, e.dtype, sizeOf(s));
  });
  if (o.optimizer !== undefined) checkOptimizerManifest(where, o.optimizer, checkRange);
  ranges.sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i].start < ranges[i - 1].end) throw new ModelFormatError(`${where}: the byte ranges of ${ranges[i - 1].path} and ${ranges[i].path} overlap`);
  }
  if (o.training !== undefined) checkTraining(where, o.training);
  return o as unknown as ModelManifest;
}

/** A functional graph's reference to a tensor: `[layer name, node index, 0]`. */
function tensorRef(where: string, path: string, value: unknown): void {
  if (!Array.isArray(value) || value.length !== 3 || typeof value[0] !== "string" || !Number.isInteger(value[1]) || value[1] < 0 || value[2] !== 0) {
    bad(where, path, "a reference [layerName, nodeIndex, 0]", value);
  }
}

function checkTraining(where: string, value: unknown): void {
  const t = record(where, "manifest.training", value, ["epoch", "history", "dropoutCalls"], ["seed"]);
  integer(where, "manifest.training.epoch", t.epoch);
  if (t.seed !== undefined && !(typeof t.seed === "string" || (typeof t.seed === "number" && Number.isFinite(t.seed)))) {
    bad(where, "manifest.training.seed", "a number or a string", t.seed);
  }
  const h = record(where, "manifest.training.history", t.history, ["epoch", "history"]);
  list(where, "manifest.training.history.epoch", h.epoch).forEach((e, i) => integer(where, `manifest.training.history.epoch[${i}]`, e));
  const logs = object(where, "manifest.training.history.history", h.history);
  for (const [name, values] of Object.entries(logs)) {
    list(where, `manifest.training.history.history.${name}`, values).forEach((v, i) => {
      if (typeof v !== "number" && v !== "NaN" && v !== "Infinity" && v !== "-Infinity") bad(where, `manifest.training.history.history.${name}[${i}]`, "a number", v);
    });
  }
  const calls = object(where, "manifest.training.dropoutCalls", t.dropoutCalls);
  for (const [name, n] of Object.entries(calls)) integer(where, `manifest.training.dropoutCalls.${name}`, n);
}

/** `prefix` is how the caller's argument names the fields: `training.` for toMemory, nothing for saveCheckpoint. */
function trainingToManifest(where: string, training: TrainingState, model: AnyModel, prefix: string): TrainingManifest {
  const t = checkOptions(`${where}: training`, training, ["epoch", "seed", "history"]);
  if (typeof t.epoch !== "number" || !Number.isInteger(t.epoch) || t.epoch < 0) {
    throw new Error(`${where}: ${prefix}epoch (the next epoch to run: the number of epochs completed) must be an integer >= 0, got ${show(t.epoch)}`);
  }
  if (t.seed !== undefined && !(typeof t.seed === "string" || (typeof t.seed === "number" && Number.isFinite(t.seed)))) {
    throw new Error(`${where}: ${prefix}seed must be fit's seed, a number or a string, got ${show(t.seed)}`);
  }
  const h = t.history ?? { epoch: [], history: {} };
  if (h === null || typeof h !== "object" || !Array.isArray(h.epoch) || h.history === null || typeof h.history !== "object") {
    throw new Error(`${where}: ${prefix}history must be fit's History or { epoch, history }, got ${describe(h)}`);
  }
  const history: TrainingManifest["history"] = { epoch: h.epoch.slice(), history: {} };
  for (const [name, values] of Object.entries(h.history)) {
    if (!Array.isArray(values) || values.some((v) => typeof v !== "number")) throw new Error(`${where}: ${prefix}history.history.${name} must be an array of numbers, got ${describe(values)}`);
    history.history[name] = values.map((v) => (Number.isFinite(v) ? v : String(v)));
  }
  const dropoutCalls: Record<string, number> = {};
  for (const layer of model.layers) if (layer instanceof Dropout) dropoutCalls[layer.name] = layer.masks;
  const out: TrainingManifest = { epoch: t.epoch, history, dropoutCalls };
  if (t.seed !== undefined) out.seed = t.seed;
  return out;
}

/** Throws unless `value` survives JSON unchanged: no functions, undefined in arrays, NaN or infinities. */
function checkJsonable(where: string, what: string, value: unknown, path = ""): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${where}: ${what} holds ${value} at '${path}', which JSON cannot store`);
    return;
  }
  if (typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (v !== undefined || Array.isArray(value)) checkJsonable(where, what, v, path === "" ? k : `${path}.${k}`);
    return;
  }
  throw new Error(`${where}: ${what} holds ${describe(value)} at '${path}', which JSON cannot store`);
}
