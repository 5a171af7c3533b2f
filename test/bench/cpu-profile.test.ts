// The profiler's buckets (bench/cpu-profile.ts) on a hand-made profile: which frame's self time
// lands where. No timing: every number here is a sum of the synthetic time deltas.
import { describe, expect, it } from "vitest";
import { BUCKETS, bucketProfile, formatBreakdown, wasmFunctionNames, type CpuProfile, type CpuProfileNode } from "../../bench/cpu-profile.js";

const WASM = "wasm://wasm/1234abcd";
const KERNELS_JS = "file:///gt/dist/kernels/wasm/index.js";
const SOURCE: Record<string, string[]> = {
  [KERNELS_JS]: ["", "    this.heap.set(a, at >>> 2);", "    const end = at + a.length;", "    return this.heap.slice(p >>> 2, (p >>> 2) + n);", "    result.set(this.heap.subarray(c >>> 2, (c >>> 2) + m * n));"],
};

function node(id: number, functionName: string, url: string, children: number[] = [], positionTicks?: { line: number; ticks: number }[]): CpuProfileNode {
  return { id, callFrame: { functionName, url, lineNumber: 0, columnNumber: 0 }, children, positionTicks };
}

// root ─┬ (program) · (garbage collector) · (idle)
//       ├ trainGradtape (bench) ── trainStep (src/training) ─┬ Tensor (src/tensor)
//       │                                                    ├ stage: line 1 heap.set ×3, line 2 ×1
//       │                                                    ├ out: line 3 heap.slice ×1, line 4 set(heap.subarray) ×1
//       │                                                    ├ denseForwardF32 (JS) ── GenericJSToWasmWrapper ── [9] denseForwardF32 ── [0] matmul ── [1] internal
//       │                                                    └ sgd (JS) ── [7] sgdMomentumF32 ── [8] internal
//       └ post (node:inspector) ── dispatch
const profile: CpuProfile = {
  nodes: [
    node(1, "(root)", "", [2, 3, 4, 5, 20]),
    node(2, "(program)", ""),
    node(3, "(garbage collector)", ""),
    node(4, "(idle)", ""),
    node(5, "trainGradtape", "file:///gt/build/bench/gradtape.js", [6]),
    node(6, "trainStep", "file:///gt/dist/training/train-step.js", [7, 8, 9, 10, 15]),
    node(7, "Tensor", "file:///gt/dist/tensor/tensor.js"),
    node(8, "stage", KERNELS_JS, [], [{ line: 2, ticks: 3 }, { line: 3, ticks: 1 }]),
    node(9, "out", KERNELS_JS, [], [{ line: 4, ticks: 1 }, { line: 5, ticks: 1 }]),
    node(10, "denseForwardF32", KERNELS_JS, [11]),
    node(11, "GenericJSToWasmWrapper", "", [12]),
    node(12, "wasm-function[9]", WASM, [13]),
    node(13, "wasm-function[0]", WASM, [14]),
    node(14, "wasm-function[1]", WASM),
    node(15, "sgd", "file:///gt/dist/optim/sgd.js", [16]),
    node(16, "wasm-function[7]", WASM, [17]),
    node(17, "wasm-function[8]", WASM),
    node(20, "post", "node:inspector", [21]),
    node(21, "dispatch", ""),
  ],
  startTime: 0,
  endTime: 10_000,
  // Self time in µs by node: the deltas of the samples that hit it.
  samples: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 14, 16, 17, 21],
  timeDeltas: [100, 200, 5000, 300, 400, 500, 800, 600, 50, 30, 70, 1000, 2000, 1000, 120, 80, 9000],
};
const wasmNames = new Map([[WASM, ["matmul", undefined, "gemm", undefined, undefined, undefined, undefined, "sgdMomentumF32", undefined, "denseForwardF32"]]]);
const sourceLine = (url: string, line: number) => SOURCE[url]?.[line - 1];

describe("bucketProfile", () => {
  it("puts each frame's self time in its bucket, splitting JavaScript frames by the line hit", () => {
    const { buckets, totalMs, gapMs } = bucketProfile(profile, { wasmNames, sourceLine, maxGapUs: Infinity });
    expect(gapMs).toBe(0);
    const ms = Object.fromEntries(buckets.map((b) => [b.bucket, b.ms]));
    expect(ms).toEqual({
      // matmul itself (1000) and its unnamed callee (2000 + 1000), under the dense kernel.
      [BUCKETS.matmul]: 4,
      // denseForwardF32's own time (70: the epilogue) and SGD with its unnamed callee (120 + 80).
      [BUCKETS.wasm]: 0.27,
      // out's two lines: 600 split evenly.
      [BUCKETS.copyOut]: 0.6,
      // stage: three of its four ticks on the heap.set line.
      [BUCKETS.copyIn]: 0.6,
      [BUCKETS.gc]: 0.2,
      [BUCKETS.batch]: 0.3,
      // (program) and the JS-to-WebAssembly wrapper.
      [BUCKETS.engine]: 0.13,
      "JavaScript (allocation, tape, glue): src/training": 0.4,
      "JavaScript (allocation, tape, glue): src/tensor": 0.5,
      // stage's other line (200) and the JS side of denseForwardF32 (50).
      "JavaScript (allocation, tape, glue): src/kernels": 0.25,
    });
    // (idle) and the inspector's dispatch are left out.
    expect(totalMs).toBeCloseTo(7.25, 10);
    expect(buckets.slice(0, 7).map((b) => b.bucket)).toEqual(Object.values(BUCKETS));
    expect(buckets.slice(7).map((b) => b.bucket.split(": ")[1])).toEqual(["src/tensor", "src/training", "src/kernels"]);
  });

  it("without module names counts every WebAssembly frame as other kernels", () => {
    const ms = Object.fromEntries(bucketProfile(profile, { sourceLine, maxGapUs: Infinity }).buckets.map((b) => [b.bucket, b.ms]));
    expect(ms[BUCKETS.matmul]).toBeUndefined();
    expect(ms[BUCKETS.wasm]).toBeCloseTo(4.27, 10);
  });

  it("counts a sample for at most 4x the median gap by default, the rest as left out", () => {
    // The median of the 17 deltas is 400 µs: every sample counts for at most 1600 µs.
    const b = bucketProfile(profile, { wasmNames, sourceLine });
    expect(b.maxGapUs).toBe(1600);
    // matmul's callee loses 400 of its 2000; (idle)'s 5000 and dispatch's 9000 (left out anyway) 3400 and 7400.
    expect(b.gapMs).toBeCloseTo(11.2, 10);
    expect(Object.fromEntries(b.buckets.map((x) => [x.bucket, x.ms]))[BUCKETS.matmul]).toBe(3.6);
    const tight = bucketProfile(profile, { wasmNames, sourceLine, maxGapUs: 500 });
    // matmul's samples of 1000, 2000 and 1000 count 500 each.
    expect(Object.fromEntries(tight.buckets.map((x) => [x.bucket, x.ms]))[BUCKETS.matmul]).toBe(1.5);
  });

  it("prints shares and mean milliseconds per step, and the gaps left out", () => {
    const table = formatBreakdown({ buckets: [{ bucket: "a", ms: 3 }, { bucket: "b", ms: 1 }], totalMs: 4, gapMs: 1, maxGapUs: 800 }, 2).split("\n");
    expect(table.slice(2)).toEqual([
      "a                      75.0%           1.500", "b                      25.0%           0.500", "total (samples kept)  100.0%           2.000",
      "left out: 0.500 ms/step of gaps between samples beyond 800 µs (the thread not running)",
    ]);
  });
});

describe("wasmFunctionNames", () => {
  // An imported function (index 0), an internal one (1) named only in the name section, and an
  // exported one (2).
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
    0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00, // import env.f
    0x03, 0x03, 0x02, 0x00, 0x00, // two functions
    0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x02, // export "run" = function 2
    0x0a, 0x07, 0x02, 0x02, 0x00, 0x0b, 0x02, 0x00, 0x0b, // two empty bodies
    0x00, 0x10, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x09, 0x01, 0x01, 0x06, 0x68, 0x65, 0x6c, 0x70, 0x65, 0x72, // name: 1 = "helper"
  ]);

  it("names functions by index, imports first, from the name section or else the exports", () => {
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(wasmFunctionNames(bytes)).toEqual([undefined, "helper", "run"]);
    expect(wasmFunctionNames(bytes.subarray(0, 47))).toEqual([undefined, undefined, "run"]);
  });
});
