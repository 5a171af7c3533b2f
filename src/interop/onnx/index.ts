/**
 * ONNX export: `model.toONNX()` and, in Node, `saveONNX(model, path)`.
 * @module
 */
import type { AnyModel, Model } from "../../layers/model.js";
import { nodeFs, writeFileAtomic } from "../../io/atomic.js";
import type { Functional } from "../../layers/functional.js";
import { InputLayer } from "../../layers/input-layer.js";
import { graphToOnnx, layersToOnnx } from "./export.js";

export { ONNX_IR_VERSION, ONNX_OPSET } from "./messages.js";

/**
 * @internal The ONNX bytes of a model; {@link Model.toONNX} is the public door.
 * @throws Error when the model is not built, or naming a layer that cannot be exported.
 */
export function modelToOnnx(model: AnyModel): Uint8Array {
  // Functional models start with their input layers (a type-only import: functional.ts imports model.ts).
  if (model.layers[0] instanceof InputLayer) {
    const f = model as unknown as Functional;
    return graphToOnnx(f.name, f.inputs, f.outputs, f.outputNames(), f.graphNodes);
  }
  const inputShape = model.inputShape;
  if (!model.built || inputShape === undefined) {
    throw new Error(`toONNX: the model ${model.name} is not built yet, so its shapes are unknown; give the first layer an inputShape or call model.build([null, ...])`);
  }
  return layersToOnnx(model.name, model.layers, inputShape);
}

/**
 * Writes `model.toONNX()` to the file `path`, atomically: an interrupted write leaves the previous
 * file whole. Node only; in a browser, offer `model.toONNX()`'s bytes as a download.
 * @param model - a built model.
 * @param path - the file, conventionally ending in `.onnx`.
 * @throws Error when `path` is not a non-empty string, outside Node, or as `toONNX` does.
 * @example `gt.saveONNX(model, "mnist.onnx")` then open mnist.onnx in Netron or onnxruntime
 */
export function saveONNX(model: AnyModel, path: string): void {
  if (typeof path !== "string" || path === "") throw new Error(`saveONNX: path must be a non-empty string, got ${JSON.stringify(path)}`);
  const { fs, path: p } = nodeFs("saveONNX");
  const bytes = modelToOnnx(model);
  writeFileAtomic(fs, p, p.dirname(p.resolve(path)), p.basename(path), bytes);
}
