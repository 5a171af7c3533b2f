// Runs an exported ONNX model in onnxruntime-web's WebAssembly backend under Node (one thread, no
// network) and measures it against gradtape's predict.
import * as ort from "onnxruntime-web";
import * as gt from "../../src/index.js";

ort.env.wasm.numThreads = 1;

/** An onnxruntime tensor of `x`'s values as `type`: float32 (the default), float64, or int32 ids. */
export function ortTensor(x: gt.Tensor, type: OrtType = "float32"): ort.Tensor {
  const data = type === "float64" ? Float64Array.from(x.data()) : type === "int32" ? Int32Array.from(x.data()) : Float32Array.from(x.data());
  return new ort.Tensor(type, data, x.shape.slice());
}

/** The element types the tests feed. */
export type OrtType = "float32" | "float64" | "int32";

/** The ONNX model's output for `x` (NHWC as predict takes it), fed as `type`. */
export async function runOnnx(bytes: Uint8Array, x: gt.Tensor, type: OrtType = "float32"): Promise<{ data: Float32Array | Float64Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  try {
    const out = await session.run({ input: ortTensor(x, type) });
    const y = out.output;
    return { data: y.data as Float32Array | Float64Array, dims: y.dims };
  } finally {
    await session.release();
  }
}


/** Every output of an exported model for the named inputs, by output name. */
export async function runOnnxGraph(bytes: Uint8Array, feeds: Record<string, gt.Tensor>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, x]) => [k, ortTensor(x, x.dtype === "int32" ? "int32" : "float32")]));
    const out = await session.run(inputs);
    return Object.fromEntries(Object.entries(out).map(([k, y]) => [k, { data: y.data as Float32Array, dims: y.dims }]));
  } finally {
    await session.release();
  }
}
export { maxAbsDiff } from "./models.js";
