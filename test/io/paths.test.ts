// Paths as every file-taking function reads them: plain paths, file:// URLs (strings, as TF.js users
// write them, and URL objects), and other schemes refused with the ones gradtape knows.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { localPath } from "../../src/util/path.js";

const root = mkdtempSync(join(tmpdir(), "gradtape-paths-"));
let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const model = () => gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], seed: 1 })]);
const bits = (t: gt.Tensor) => Array.from(new Uint8Array(t.data().buffer));

describe("localPath", () => {
  it("keeps plain paths, Windows drives included", () => {
    expect(localPath("f", "runs/m")).toBe("runs/m");
    expect(localPath("f", "/abs/m")).toBe("/abs/m");
    expect(localPath("f", "C:\\runs\\m")).toBe("C:\\runs\\m");
    expect(localPath("f", "C:/runs/m")).toBe("C:/runs/m");
  });

  it("reads file:// URLs as the paths they name", () => {
    expect(localPath("f", "file:///home/me/model")).toBe("/home/me/model");
    expect(localPath("f", "FILE:///home/me/model")).toBe("/home/me/model");
    expect(localPath("f", "file:///home/me/my%20model")).toBe("/home/me/my model");
    expect(localPath("f", new URL("file:///home/me/model"))).toBe("/home/me/model");
    // tfjs-node's relative forms
    expect(localPath("f", "file://runs/m")).toBe("runs/m");
    expect(localPath("f", "file://./runs/m")).toBe("./runs/m");
  });

  it("refuses other schemes, naming the ones it knows", () => {
    for (const url of ["http://example.com/model", "https://example.com/m", "indexeddb://my-model", "localstorage://my-model", "downloads://m", "s3://bucket/m"]) {
      expect(() => localPath("save", url)).toThrow(/^save: dir ".*" has the scheme [a-z0-9]+:\/\/, which gradtape does not read or write.*; gradtape knows plain paths and file:\/\/ URLs/);
    }
    expect(() => localPath("save", "indexeddb://m")).toThrow("(use gt.toMemory / gt.fromMemory and store the result yourself)");
    expect(() => localPath("loadModel", new URL("https://example.com/m"))).toThrow("loadModel: dir \"https://example.com/m\" has the scheme https://");
    expect(() => localPath("save", "file:model")).toThrow("save: dir \"file:model\" is not a file:// URL gradtape can read");
    expect(() => localPath("save", "file://")).toThrow("is not a file:// URL gradtape can read");
    expect(() => localPath("save", "")).toThrow("save: dir must be a folder path (a non-empty string, or a file:// URL), got");
    expect(() => localPath("save", 5)).toThrow("save: dir must be a folder path");
  });
});

describe("every function that takes a path", () => {
  it("model.save and loadModel take file:// URLs (string and URL) and create no folder named file:", () => {
    const cwd = readdirSync(".");
    const m = model();
    const x = gt.randomNormal([4, 3], { seed: 2 });
    const dir = freshDir();
    m.save(`file://${dir}`);
    expect(existsSync(join(dir, "model.json"))).toBe(true);
    expect(bits(gt.loadModel(pathToFileURL(dir)).predict(x))).toEqual(bits(m.predict(x)));
    expect(bits(gt.loadModel(pathToFileURL(dir).href).predict(x))).toEqual(bits(m.predict(x)));
    expect(readdirSync(".")).toEqual(cwd);
    expect(existsSync("file:")).toBe(false);
  });

  it("checkpoints and the modelCheckpoint callback take file:// URLs", async () => {
    const m = model();
    m.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: "mse" });
    const x = gt.randomNormal([4, 3], { seed: 2 });
    const y = gt.randomNormal([4, 2], { seed: 3 });
    const a = freshDir();
    gt.saveCheckpoint(pathToFileURL(a), { model: m, epoch: 1 });
    expect(gt.loadCheckpoint(`file://${a}`).epoch).toBe(1);
    const b = freshDir();
    const cb = gt.callbacks.modelCheckpoint(pathToFileURL(b).href);
    expect(cb.dir).toBe(b);
    await m.fit(x, y, { epochs: 2, verbose: 0, seed: 0, callbacks: [cb] });
    expect(gt.loadCheckpoint(b).epoch).toBe(2);
  });

  it("every path taker refuses other schemes with the same message", () => {
    const m = model();
    m.compile({ optimizer: "sgd", loss: "mse" });
    const calls: [string, () => unknown][] = [
      ["save", () => m.save("indexeddb://m")],
      ["loadModel", () => gt.loadModel("localstorage://m")],
      ["saveCheckpoint", () => gt.saveCheckpoint("http://host/m", { model: m, epoch: 0 })],
      ["loadCheckpoint", () => gt.loadCheckpoint(new URL("https://host/m"))],
      ["modelCheckpoint", () => gt.callbacks.modelCheckpoint("indexeddb://m")],
      ["loadMnist", () => gt.data.loadMnist({ dir: "https://storage.googleapis.com/cvdf-datasets/mnist/" })],
      ["saveONNX", () => gt.saveONNX(m, "https://host/m.onnx")],
    ];
    for (const [where, call] of calls) expect(call, where).toThrow(new RegExp(`^${where}: (dir|path) ".*" has the scheme (https?|indexeddb|localstorage)://, which gradtape does not read or write`));
  });

  it("saveONNX writes to a file:// URL", () => {
    const m = model();
    const file = join(freshDir() + ".onnx");
    gt.saveONNX(m, pathToFileURL(file));
    expect(Array.from(readFileSync(file))).toEqual(Array.from(m.toONNX()));
    expect(() => gt.saveONNX(m, "")).toThrow("saveONNX: path must be a file path (a non-empty string, or a file:// URL), got an empty string");
  });

  it("loadMnist reads a dir given as a file:// URL", () => {
    const dir = freshDir();
    mkdirSync(dir);
    const images = gt.data.encodeIdx(new Uint8Array(2 * 784).fill(255), [2, 28, 28], "uint8");
    const labels = gt.data.encodeIdx([3, 7], [2], "uint8");
    for (const kind of ["train", "t10k"]) {
      writeFileSync(join(dir, `${kind}-images-idx3-ubyte`), images);
      writeFileSync(join(dir, `${kind}-labels-idx1-ubyte`), labels);
    }
    const { train, test } = gt.data.loadMnist({ dir: pathToFileURL(dir) });
    expect(train.y.toArray()).toEqual([3, 7]);
    expect(test.x.shape).toEqual([2, 784]);
    expect(gt.data.loadMnist({ dir: `file://${dir}` }).train.x.max().item()).toBe(1);
  });
});
