// Permission, read-only and full-disk errors name the function, the path and the cause, and a
// write that fails leaves the previous file byte for byte. CI runs as root, where chmod cannot
// deny anything and no file system here is read-only or full, so the errors are injected into
// Node's fs (the object gradtape reaches through process.getBuiltinModule) at the call that would
// fail on a real machine: opening a file (EACCES, EROFS) or writing to it (ENOSPC).
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as gt from "../../src/index.js";

const fs = process.getBuiltinModule("node:fs");
const work = mkdtempSync(join(tmpdir(), "gradtape-fs-causes-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const model = (seed: number) => gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], seed })]);
const fsError = (code: string, syscall: string) => Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall });

const CAUSES = {
  EACCES: "EACCES (permission denied)",
  EROFS: "EROFS (the file system is read-only)",
  ENOSPC: "ENOSPC (no space left on the device)",
} as const;

/** Makes the next writes fail as `code` would: at open for EACCES/EROFS, at write for ENOSPC. */
function failWrites(code: keyof typeof CAUSES): void {
  if (code === "ENOSPC") {
    vi.spyOn(fs, "writeSync").mockImplementation(() => {
      throw fsError(code, "write");
    });
  } else {
    const open = fs.openSync.bind(fs);
    vi.spyOn(fs, "openSync").mockImplementation((path, flags, mode) => {
      if (flags === "wx") throw fsError(code, "open");
      return open(path, flags, mode);
    });
  }
}

/** Every file of a folder and its bytes. */
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString("base64")]));

describe.each(Object.keys(CAUSES) as (keyof typeof CAUSES)[])("%s", (code) => {
  it("model.save names the folder and the cause and leaves the previous save loadable", () => {
    const dir = join(work, `save-${code}`);
    model(1).save(dir);
    const before = snapshot(dir);
    failWrites(code);
    expect(() => model(2).save(dir)).toThrow(`save: writing ${dir} failed, so the previous save there (if any) is still the one that loads: ${CAUSES[code]}`);
    vi.restoreAllMocks();
    expect(snapshot(dir)).toEqual(before);
    const x = gt.randomNormal([2, 3], { seed: 3 });
    expect(Array.from(gt.loadModel(dir).predict(x).data())).toEqual(Array.from(model(1).predict(x).data()));
  });

  it("saveONNX names the file and the cause, and the previous file is untouched", () => {
    const file = join(work, `m-${code}.onnx`);
    gt.saveONNX(model(1), file);
    const before = readFileSync(file);
    failWrites(code);
    expect(() => gt.saveONNX(model(2), file)).toThrow(`saveONNX: writing ${file} failed, so what was there before (if anything) is untouched: ${CAUSES[code]}`);
    vi.restoreAllMocks();
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(work).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("saveTfjs names the file and the cause, and the previous files are untouched", () => {
    const dir = join(work, `tfjs-${code}`);
    gt.io.saveTfjs(model(1), dir);
    const before = snapshot(dir);
    failWrites(code);
    expect(() => gt.io.saveTfjs(model(2), dir)).toThrow(`saveTfjs: writing ${join(dir, "group1-shard1of1.bin")} failed, so what was there before (if anything) is untouched: ${CAUSES[code]}`);
    vi.restoreAllMocks();
    expect(snapshot(dir)).toEqual(before);
  });

  it("a checkpoint callback's save names the cause and keeps the last checkpoint", async () => {
    const dir = join(work, `ckpt-${code}`);
    const m = model(1);
    m.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1 }), loss: "meanSquaredError" });
    const x = gt.randomNormal([8, 3], { seed: 4 }), y = gt.randomNormal([8, 2], { seed: 5 });
    await m.fit(x, y, { epochs: 1, verbose: 0, seed: 1, callbacks: [gt.callbacks.modelCheckpoint(dir)] });
    const before = snapshot(dir);
    failWrites(code);
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, seed: 1, callbacks: [gt.callbacks.modelCheckpoint(dir)] })).rejects.toThrow(CAUSES[code]);
    vi.restoreAllMocks();
    expect(snapshot(dir)).toEqual(before);
  });
});

describe("reading", () => {
  it("loadModel, loadTfjs and loadMnist name the file and EACCES", () => {
    const dir = join(work, "read-eacces");
    model(1).save(dir);
    const tfjsDir = join(work, "read-eacces-tfjs");
    gt.io.saveTfjs(model(1), tfjsDir);
    const mnistDir = join(work, "mnist");
    fs.mkdirSync(mnistDir);
    for (const kind of ["train", "t10k"]) {
      fs.writeFileSync(join(mnistDir, `${kind}-images-idx3-ubyte`), new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28, ...new Array(784).fill(0)]));
      fs.writeFileSync(join(mnistDir, `${kind}-labels-idx1-ubyte`), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 3]));
    }
    expect(gt.data.loadMnist({ dir: mnistDir }).train.y.toArray()).toEqual([3]);
    vi.spyOn(fs, "readFileSync").mockImplementation(() => {
      throw fsError("EACCES", "open");
    });
    expect(() => gt.loadModel(dir)).toThrow(`loadModel: cannot read ${join(dir, "model.json")}: EACCES (permission denied)`);
    expect(() => gt.io.loadTfjs(tfjsDir)).toThrow(`loadTfjs: cannot read ${join(tfjsDir, "model.json")}: EACCES (permission denied)`);
    expect(() => gt.data.loadMnist({ dir: mnistDir })).toThrow(`loadMnist: cannot read ${join(mnistDir, "train-images-idx3-ubyte")}: EACCES (permission denied)`);
  });
});
