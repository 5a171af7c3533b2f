// Runs an exported ONNX model in onnxruntime-web's WebAssembly backend under Node (one thread, no
// network) and measures it against gradtape's predict.
import * as ort from "onnxruntime-web";
import * as gt from "../../src/index.js";

ort.env.wasm.numThreads = 1;

/** The ONNX model's output for `x` (float32, NHWC as predict takes it). */
export async function runOnnx(bytes: Uint8Array, x: gt.Tensor): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  try {
    const out = await session.run({ input: new ort.Tensor("float32", Float32Array.from(x.data()), x.shape.slice()) });
    const y = out.output;
    return { data: y.data as Float32Array, dims: y.dims };
  } finally {
    await session.release();
  }
}

