/**
 * ONNX export: `model.toONNX()` and, in Node, `saveONNX(model, path)`.
 * @module
 */
import { checkModel, type AnyModel, type Model, type ModelOutput } from "../../layers/model.js";
import { explainWrite, nodeFs, writeFileAtomic } from "../../io/atomic.js";
import { layersToOnnx } from "./export.js";
import { graphToOnnx } from "./graph.js";
import type { Functional } from "../../layers/functional.js";
import { localPath, type PathLike } from "../../util/path.js";

export { ONNX_IR_VERSION, ONNX_OPSET } from "./messages.js";

/**
 * @internal The ONNX bytes of a model; {@link Model.toONNX} is the public door.
 * @throws Error when the model is not built, or naming a layer that cannot be exported.
 */
export function modelToOnnx(model: AnyModel, where = "toONNX"): Uint8Array {
  // A functional model is told apart without importing its class, which would close an import
  // cycle through model.ts.
  if ("graphNodes" in model) return graphToOnnx(model as unknown as Functional<ModelOutput>);
  const inputShape = model.inputShape;
  if (!model.built || inputShape === undefined) {
    throw new Error(`${where}: the model ${model.name} is not built yet, so its shapes are unknown; give the first layer an inputShape or call model.build([null, ...])`);
  }
  return layersToOnnx(model.name, model.layers, inputShape);
}

/**
 * Writes `model.toONNX()` to the file `path`, atomically: an interrupted write leaves the previous
 * file whole. Node only; in a browser, offer `model.toONNX()`'s bytes as a download.
 * @param model - a built model.
 * @param path - the file, conventionally ending in `.onnx`: a path or a `file://` URL.
 * @throws Error when `path` is not a non-empty string or a `file://` URL, outside Node, or as `toONNX` does.
 * @example `gt.saveONNX(model, "mnist.onnx")` then open mnist.onnx in Netron or onnxruntime
 */
export function saveONNX(model: AnyModel, path: PathLike): void {
  checkModel("saveONNX", model);
  const file = localPath("saveONNX", path, "path", "a file path");
  const { fs, path: p } = nodeFs("saveONNX");
  const bytes = modelToOnnx(model, "saveONNX");
  explainWrite("saveONNX", file, () => writeFileAtomic(fs, p, p.dirname(p.resolve(file)), p.basename(file), bytes));
}
