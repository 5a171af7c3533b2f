/**
 * Saved models and checkpoints as folders (Node): `model.json`, the manifest, and
 * `weights.<crc32>.bin`. The manifest is the commit point: the weights go to a file of their own
 * name first, then the manifest that points to them replaces the old one atomically, then stale
 * weights files are removed. A crash at any moment leaves the old save or the new one loadable.
 * @module
 */
import type { Seed } from "../tensor/create.js";
import { describe } from "../tensor/tensor.js";
import { Model, type AnyModel, type ModelOutput } from "../layers/model.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "../layers/options.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { History } from "../training/history.js";
import { explainRead, fsCause, isTmpName, makeFolder, nodeFs, processAlive, saveHooks, writeFileAtomic } from "./atomic.js";
import { ModelFormatError } from "./check.js";
import { localPath, type PathLike } from "../util/path.js";
import { checkManifest, decode, encode, readManifest, sealManifest, type HistoryRecord, type ModelManifest, type SavedModel } from "./memory.js";

/** The manifest's file name in a saved folder. */
export const MANIFEST_FILE = "model.json";
const WEIGHTS_FILE = /^weights\.[0-9a-f]{8}(?:-\d+)?\.bin$/;
/** Manifests hold configs and names, not weights: a few KB, megabytes for a long history. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/** What {@link saveCheckpoint} saves. */
export interface CheckpointOptions {
  /** The model. */
  model: AnyModel;
  /** Its optimizer (default: the one `model.compile` set). */
  optimizer?: Optimizer;
  /** The next epoch to run, i.e. the epochs completed: resume with `fit(..., { initialEpoch: epoch })`. */
  epoch: number;
  /** The `seed` given to `fit`; needed for the resumed shuffles to be the uninterrupted run's. */
  seed?: Seed;
  /** The history so far (`fit`'s {@link History}, or `{ epoch, history }`). */
  history?: History | HistoryRecord;
}

/** What {@link loadCheckpoint} returns: everything needed to continue training exactly. */
export interface Checkpoint {
  /** The model with its weights. */
  model: Model;
  /** The optimizer with its config, slots and `iterations` restored. */
  optimizer: Optimizer;
  /** The next epoch to run: pass it to `fit` as `initialEpoch`. */
  epoch: number;
  /** `fit`'s seed, if it had one: pass it to `fit` again. */
  seed: Seed | undefined;
  /** The history of the epochs before `epoch`. */
  history: History;
}

/**
 * @internal Writes a saved model to the folder `dir` crash-safely: weights under a new name,
 * then the manifest atomically, then stale files removed.
 */
export function writeFolder(where: string, dir: unknown, saved: SavedModel): void {
  const { fs, path } = nodeFs(where);
  const folder = localPath(where, dir);
  makeFolder(where, fs, path, folder);
  const bytes = new Uint8Array(saved.weights);
  const current = currentWeightsFile(fs, path, folder);
  const tag = saved.manifest.checksum.slice("crc32:".length);
  let name = `weights.${tag}.bin`;
  // The file the current manifest points to is only ever reused when its bytes are exactly ours.
  for (let k = 1; name === current && !sameBytes(fs, path.join(folder, name), bytes); k++) name = `weights.${tag}-${k}.bin`;
  try {
    if (name !== current) {
      writeFileAtomic(fs, path, folder, name, bytes);
      saveHooks.afterStep?.("renamed", name);
    }
    const { format, formatVersion, weightsFile: _, ...rest } = saved.manifest;
    const manifest = sealManifest({ format, formatVersion, weightsFile: name, ...rest } as ModelManifest);
    writeFileAtomic(fs, path, folder, MANIFEST_FILE, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  } catch (e) {
    throw new Error(`${where}: writing ${folder} failed, so the previous save there (if any) is still the one that loads: ${fsCause(e)}${(e as { code?: unknown }).code === undefined ? "" : `: ${(e as Error).message}`}`);
  }
  // The manifest is committed: from here on, the new save is the one that loads.
  saveHooks.afterStep?.("renamed", MANIFEST_FILE);
  removeStale(fs, path, folder, name);
  saveHooks.afterStep?.("cleaned", MANIFEST_FILE);
}

/**
 * @internal Reads a folder written by {@link writeFolder} and rebuilds what it holds, checking the
 * manifest before the weights file is opened and the file's size before it is read.
 */
export function readFolder(where: string, dir: unknown): ReturnType<typeof decode> {
  const { fs, path } = nodeFs(where);
  const folder = localPath(where, dir);
  // stat, not existsSync: a symlink loop or a folder we may not read is not "no such folder".
  try {
    if (!fs.statSync(folder).isDirectory()) throw new ModelFormatError(`${where}: ${folder} is a file, not a folder; a saved model is a folder holding ${MANIFEST_FILE} and a weights file`, folder);
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    if ((e as { code?: unknown }).code === "ENOENT") throw new ModelFormatError(`${where}: no such folder: ${folder}`);
    throw new ModelFormatError(`${where}: cannot read the folder ${folder}: ${fsCause(e)}`, folder);
  }
  const manifestPath = path.join(folder, MANIFEST_FILE);
  let manifestStat: import("node:fs").Stats;
  try {
    manifestStat = fs.statSync(manifestPath);
  } catch (e) {
    if ((e as { code?: unknown }).code === "ENOENT") {
      throw new ModelFormatError(`${where}: ${manifestPath} does not exist; a saved model is a folder holding ${MANIFEST_FILE} and a weights file, as model.save(dir) writes them`, manifestPath);
    }
    throw new ModelFormatError(`${where}: cannot read ${manifestPath}: ${fsCause(e)}`, manifestPath);
  }
  if (manifestStat.isDirectory()) throw new ModelFormatError(`${where}: ${manifestPath} is a folder, not the manifest file (EISDIR)`, manifestPath);
  const manifestSize = manifestStat.size;
  if (manifestSize > MAX_MANIFEST_BYTES) {
    throw new ModelFormatError(`${where}: ${manifestPath} is ${manifestSize} bytes, more than any manifest needs (${MAX_MANIFEST_BYTES}); it is not a gradtape manifest`, manifestPath);
  }
  const value = readManifest(where, new Uint8Array(explainRead(where, manifestPath, () => fs.readFileSync(manifestPath), (m) => new ModelFormatError(m, manifestPath))), manifestPath);
  const manifest = checkManifest(where, value, "the weights");
  if (manifest.weightsFile === undefined) throw new ModelFormatError(`${where}: ${manifestPath} has no weightsFile field, which names the weights file of a saved folder`, manifestPath);
  const weightsPath = path.join(folder, manifest.weightsFile);
  let size: number;
  try {
    size = fs.statSync(weightsPath).size;
  } catch {
    throw new ModelFormatError(`${where}: the weights file ${weightsPath} that ${MANIFEST_FILE} names is missing`, weightsPath);
  }
  if (size !== manifest.weightsByteLength) {
    const what = size < manifest.weightsByteLength ? "is truncated: it holds" : "is longer than the manifest says: it holds";
    throw new ModelFormatError(`${where}: the weights file ${weightsPath} ${what} ${size} bytes, but ${MANIFEST_FILE} says ${manifest.weightsByteLength}`, weightsPath);
  }
  return decode(where, value, new Uint8Array(explainRead(where, weightsPath, () => fs.readFileSync(weightsPath), (m) => new ModelFormatError(m, weightsPath))), `the weights file ${weightsPath}`);
}

/**
 * Loads a model saved with `model.save(dir)` (or a checkpoint's model): architecture and weights,
 * checked against each other. Node only (it reads files); in a browser use {@link fromMemory}.
 *
 * @param dir - the folder `model.save` wrote: a path or a `file://` URL (as TF.js writes them).
 * @typeParam O - what the model returns: `Tensor`, or `Tensor[]` for a functional model whose
 * outputs were a list (`gt.loadModel<gt.Tensor[]>(dir)`).
 * @returns the model, built, predicting exactly what the saved one did.
 * @throws ModelFormatError (an Error) naming the file and what is wrong: a missing folder or file,
 * a URL of another scheme than `file://`, malformed JSON (line and column), an unknown format or version, a truncated weights file, a
 * byte range outside it, a checksum mismatch, or a weight whose shape or dtype does not fit the
 * architecture (naming the layer, the weight and both shapes).
 * @example
 * ```ts
 * model.save("models/mnist");
 * const same = gt.loadModel("models/mnist");
 * same.predict(xTest);
 * ```
 */
export function loadModel<O extends ModelOutput = Tensor>(dir: PathLike): Model<O> {
  return readFolder("loadModel", dir).model as unknown as Model<O>;
}

/**
 * Saves a training checkpoint to the folder `dir`: the model, the optimizer (config, every slot,
 * `iterations`), and where training stood (the next epoch, `fit`'s seed, the history), so that
 * `fit` resumes exactly — bit for bit — where it stopped, provided `fit` was given a `seed` and
 * dropout layers have seeds (unseeded draws come from the global stream, which is not saved).
 * The write is atomic: a crash at any point leaves the previous checkpoint or this one loadable.
 * One process should write to a folder at a time. Node only; see {@link toMemory}.
 *
 * @param dir - the folder (created if needed; a previous save there is replaced): a path or a `file://` URL.
 * @param checkpoint - `{ model, optimizer?, epoch, seed?, history? }`; `optimizer` defaults to the
 * compiled one, `epoch` is the number of epochs completed.
 * @throws Error when there is no optimizer, it is not one of the built-in optimizers, its learning rate is a
 * plain function (use a built-in schedule), `epoch` is not an integer >= 0, or the folder cannot
 * be written (the previous checkpoint is then untouched).
 * @example
 * ```ts
 * const history = await model.fit(x, y, { epochs: 2, seed: 1 });
 * gt.saveCheckpoint("ckpt", { model, epoch: 2, seed: 1, history });
 * ```
 */
export function saveCheckpoint(dir: PathLike, checkpoint: CheckpointOptions): void {
  const where = "saveCheckpoint";
  const c = checkOptions(where, checkpoint, ["model", "optimizer", "epoch", "seed", "history"]);
  if (checkpoint === undefined) throw new Error(`${where}: expected { model, optimizer?, epoch, seed?, history? } as the second argument`);
  if (!(c.model instanceof Model)) throw new Error(`${where}: checkpoint.model must be a Model (from gt.sequential), got ${describe(c.model)}`);
  const optimizer = c.optimizer ?? c.model.compiled?.optimizer;
  if (optimizer === undefined) {
    throw new Error(`${where}: no optimizer to save: pass { optimizer } or compile the model first (to save the model alone, use model.save(dir))`);
  }
  writeFolder(where, dir, encode(where, c.model, { optimizer, training: { epoch: c.epoch, seed: c.seed, history: c.history } }));
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint} or the `modelCheckpoint` callback, to
 * continue training:
 * `model.compile({ optimizer, loss }); model.fit(x, y, { epochs, initialEpoch: epoch, seed })`.
 *
 * @param dir - the checkpoint's folder: a path or a `file://` URL.
 * @returns `{ model, optimizer, epoch, seed, history }`.
 * @throws ModelFormatError (an Error) for everything {@link loadModel} checks, and when the folder
 * holds a model saved without optimizer and training state.
 * @example
 * ```ts
 * const { model, optimizer, epoch, seed, history } = gt.loadCheckpoint("ckpt");
 * model.compile({ optimizer, loss: "sparseCategoricalCrossentropy" });
 * await model.fit(x, y, { epochs: 10, initialEpoch: epoch, seed });
 * ```
 */
export function loadCheckpoint(dir: PathLike): Checkpoint {
  const where = "loadCheckpoint";
  const { model, optimizer, training } = readFolder(where, dir);
  if (optimizer === undefined || training === undefined) {
    throw new ModelFormatError(`${where}: ${localPath(where, dir)} holds a model saved without ${optimizer === undefined ? "an optimizer" : "training state"} (as model.save writes it); load it with gt.loadModel, and save checkpoints with gt.saveCheckpoint or gt.callbacks.modelCheckpoint`);
  }
  return { model, optimizer, epoch: training.epoch, seed: training.seed, history: training.history };
}

/** @internal `model.save(dir)`. */
export function saveModel(model: AnyModel, dir: PathLike): void {
  writeFolder("save", dir, encode("save", model));
}

/** @internal The training state in a checkpoint folder's manifest, without loading the weights; undefined when there is none. */
export function peekTraining(dir: string): ModelManifest["training"] | undefined {
  try {
    const { fs, path } = nodeFs("modelCheckpoint");
    const value = readManifest("modelCheckpoint", new Uint8Array(fs.readFileSync(path.join(dir, MANIFEST_FILE))), MANIFEST_FILE);
    return checkManifest("modelCheckpoint", value, "the weights").training;
  } catch {
    return undefined;
  }
}


/** The weights file the folder's current manifest names, when the manifest can be read at all. */
function currentWeightsFile(fs: typeof import("node:fs"), path: typeof import("node:path"), dir: string): string | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), "utf8")) as { weightsFile?: unknown };
    return typeof m.weightsFile === "string" ? m.weightsFile : undefined;
  } catch {
    return undefined;
  }
}

function sameBytes(fs: typeof import("node:fs"), file: string, bytes: Uint8Array): boolean {
  try {
    if (fs.statSync(file).size !== bytes.length) return false;
    const other = fs.readFileSync(file);
    for (let i = 0; i < bytes.length; i++) if (other[i] !== bytes[i]) return false;
    return other.length === bytes.length;
  } catch {
    return false;
  }
}

/** Removes weights files the manifest no longer names and temporary files of processes that died. */
function removeStale(fs: typeof import("node:fs"), path: typeof import("node:path"), dir: string, keep: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const tmp = isTmpName(name);
    const stale = name !== keep && WEIGHTS_FILE.test(name) ? true : tmp !== undefined && (name.startsWith(MANIFEST_FILE) || name.startsWith("weights.")) && !processAlive(tmp.pid);
    if (!stale) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // Best effort: a stale file costs disk space, never correctness.
    }
  }
}
