/**
 * TF.js' layers model as files in a folder, in Node: `model.json` (the topology and the weights
 * manifest) and `group1-shard1of1.bin`, the layout `tf.loadLayersModel('file://…/model.json')`
 * and `tensorflowjs_converter` use.
 * @module
 */
import type { Model, ModelOutput } from "../../layers/model.js";
import { explainRead, explainWrite, fsCause, makeFolder, nodeFs, writeFileAtomic } from "../../io/atomic.js";
import { list, ModelFormatError, object, string } from "../../io/check.js";
import { fromTfjs } from "./from-tfjs.js";
import { tfjsArtifacts } from "./to-tfjs.js";
import type { TfjsWeightSpec } from "./format.js";

const WEIGHTS_FILE = "group1-shard1of1.bin";

/**
 * Writes the model in TF.js' layers format to the folder `dir` (created if needed): `model.json`
 * and `group1-shard1of1.bin`, each replaced atomically (the weights first, so a crash never
 * leaves a manifest pointing at missing bytes). TF.js loads it with
 * `tf.loadLayersModel("file://dir/model.json")` (tfjs-node) or over HTTP in a browser;
 * `tensorflowjs_converter --input_format tfjs_layers_model --output_format keras` turns it into a
 * Keras `.h5` file. Node only; in a browser use `gt.io.toTfjs`.
 * @throws Error when `dir` is not a non-empty string, outside Node, or as `toTfjs` does.
 * @example `gt.io.saveTfjs(model, "models/mnist-tfjs")`
 */
export function saveTfjs(model: Model<ModelOutput>, dir: string): void {
  if (typeof dir !== "string" || dir === "") throw new Error(`saveTfjs: dir must be a non-empty string, got ${JSON.stringify(dir)}`);
  const { fs, path } = nodeFs("saveTfjs");
  const artifacts = tfjsArtifacts("saveTfjs", model);
  makeFolder("saveTfjs", fs, path, dir);
  explainWrite("saveTfjs", path.join(dir, WEIGHTS_FILE), () => writeFileAtomic(fs, path, dir, WEIGHTS_FILE, new Uint8Array(artifacts.weightData as ArrayBuffer)));
  const manifest = {
    modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
  };
  explainWrite("saveTfjs", path.join(dir, "model.json"), () => writeFileAtomic(fs, path, dir, "model.json", new TextEncoder().encode(JSON.stringify(manifest))));
}

/**
 * Reads a TF.js layers model from the folder `dir` (`model.json` and the weight files its
 * manifest names, as `saveTfjs`, TF.js' `model.save('file://…')` or `tensorflowjs_converter`
 * write them) into a gradtape model: see `gt.io.fromTfjs`.
 * @throws ModelFormatError for a missing or malformed `model.json`, a weight file that is absent or
 * outside `dir`, or what `fromTfjs` rejects; Error outside Node.
 * @example `const model = gt.io.loadTfjs("models/from-keras")`
 */
export function loadTfjs(dir: string): Model {
  if (typeof dir !== "string" || dir === "") throw new Error(`loadTfjs: dir must be a non-empty string, got ${JSON.stringify(dir)}`);
  const { fs, path } = nodeFs("loadTfjs");
  const file = path.join(dir, "model.json");
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ModelFormatError(`loadTfjs: cannot read ${file}: ${fsCause(e)}`, file);
  }
  const m = object("loadTfjs", "model.json", json);
  const weightSpecs: TfjsWeightSpec[] = [];
  const weightData: ArrayBuffer[] = [];
  list("loadTfjs", "model.json weightsManifest", m.weightsManifest).forEach((g, i) => {
    const group = object("loadTfjs", `weightsManifest[${i}]`, g);
    for (const [j, p] of list("loadTfjs", `weightsManifest[${i}].paths`, group.paths).entries()) {
      const name = string("loadTfjs", `weightsManifest[${i}].paths[${j}]`, p);
      if (path.isAbsolute(name) || name.split(/[\\/]/).includes("..")) throw new ModelFormatError(`loadTfjs: weight file ${JSON.stringify(name)} lies outside ${dir}`, file);
      const weightsPath = path.join(dir, name);
      const bytes = fs.existsSync(weightsPath) ? explainRead("loadTfjs", weightsPath, () => fs.readFileSync(weightsPath), (m) => new ModelFormatError(m, weightsPath)) : undefined;
      if (bytes === undefined) throw new ModelFormatError(`loadTfjs: the weight file ${name} named in model.json is missing from ${dir}`, path.join(dir, name));
      weightData.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
    weightSpecs.push(...(list("loadTfjs", `weightsManifest[${i}].weights`, group.weights) as TfjsWeightSpec[]));
  });
  return fromTfjs({ modelTopology: object("loadTfjs", "model.json modelTopology", m.modelTopology), weightSpecs, weightData });
}
