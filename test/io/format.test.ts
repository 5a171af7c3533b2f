// The saved-model format: round trips in memory and in folders, optimizers, and every check that
// loading makes, each with the message it gives.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { crc32 } from "../../src/io/crc32.js";
import { sealManifest } from "../../src/io/memory.js";

const root = mkdtempSync(join(tmpdir(), "gradtape-format-"));
let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bits = (t: gt.Tensor) => Array.from(new Uint8Array(t.data().buffer));

function makeModel(dtype: "float32" | "float64" = "float32") {
  return gt.sequential([
    gt.layers.dense({ units: 5, activation: "relu", inputShape: [3], seed: 1, dtype }),
    gt.layers.dropout({ rate: 0.2, seed: 4 }),
    gt.layers.dense({ units: 2, activation: "softmax", seed: 2, dtype }),
  ]);
}

/** An optimizer with slots: one step of each kind of update on the model. */
function trained(opt: gt.optim.Optimizer, model = makeModel()) {
  const x = gt.randomNormal([4, 3], { seed: 3, dtype: model.layers[0].dtype });
  for (let i = 0; i < 2; i++) {
    const tape = new gt.GradientTape();
    const loss = tape.record(() => model.call(x, { training: true }).square().sum());
    opt.applyGradients(gt.zip(tape.gradient(loss, model.trainableVariables), model.trainableVariables));
  }
  return model;
}

describe("crc32", () => {
  it("gives the standard check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe("toMemory / fromMemory", () => {
  it("round-trips architecture and weights: the loaded model predicts bit for bit what the saved one did", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const model = makeModel(dtype);
      const x = gt.randomNormal([7, 3], { seed: 9, dtype });
      const saved = gt.toMemory(model);
      expect(saved.manifest.format).toBe("gradtape-model");
      expect(saved.manifest.formatVersion).toBe(1);
      expect(saved.manifest.weights.map((w) => [w.name, w.shape, w.dtype])).toEqual([
        [`${model.layers[0].name}/kernel`, [3, 5], dtype], [`${model.layers[0].name}/bias`, [5], dtype],
        [`${model.layers[2].name}/kernel`, [5, 2], dtype], [`${model.layers[2].name}/bias`, [2], dtype],
      ]);
      const { model: copy, optimizer, training } = gt.fromMemory(saved);
      expect(optimizer).toBeUndefined();
      expect(training).toBeUndefined();
      expect(copy.getConfig()).toEqual(model.getConfig());
      expect(bits(copy.predict(x))).toEqual(bits(model.predict(x)));
      // Through JSON text, as a download or a fetch gives it back.
      const again = gt.fromMemory({ manifest: JSON.stringify(saved.manifest), weights: new Uint8Array(saved.weights) }).model;
      expect(bits(again.predict(x))).toEqual(bits(model.predict(x)));
    }
  });

  it("round-trips an unbuilt model (no weights yet)", () => {
    const model = gt.sequential([gt.layers.dense({ units: 2 })]);
    const { model: copy } = gt.fromMemory(gt.toMemory(model));
    expect(copy.built).toBe(false);
    expect(copy.getConfig()).toEqual(model.getConfig());
  });

  it("round-trips SGD, Adam and RMSprop: config, iterations and every slot, schedules included", () => {
    const optimizers = [
      new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
      new gt.optim.SGD({ learningRate: gt.optim.piecewiseConstant([1, 5], [0.1, 0.05, 0.01]) }),
      new gt.optim.Adam({ learningRate: gt.optim.exponentialDecay({ initialLearningRate: 0.01, decaySteps: 10, decayRate: 0.9 }), amsgrad: true, clipNorm: 1 }),
      new gt.optim.RMSprop({ learningRate: gt.optim.cosineDecay({ initialLearningRate: 0.01, decaySteps: 100 }), centered: true, momentum: 0.5 }),
    ];
    for (const opt of optimizers) {
      const model = trained(opt);
      const saved = gt.toMemory(model, { optimizer: opt });
      const restored = gt.fromMemory(saved).optimizer as gt.optim.Optimizer;
      expect(restored.constructor).toBe(opt.constructor);
      expect(restored.iterations).toBe(2);
      expect(restored.getState()).toEqual(opt.getState());
      const { learningRate: a, ...restA } = restored.getConfig();
      const { learningRate: b, ...restB } = opt.getConfig();
      expect(restA).toEqual(restB);
      for (let step = 0; step < 12; step++) {
        expect(typeof a === "function" ? a(step) : a).toBe(typeof b === "function" ? b(step) : b);
      }
    }
  });

  it("refuses, at save time, what cannot be saved", () => {
    const model = makeModel();
    const plain = trained(new gt.optim.SGD({ learningRate: (step: number) => 0.1 / (1 + step) }), model);
    expect(() => gt.toMemory(plain, { optimizer: new gt.optim.SGD({ learningRate: (s: number) => 0.1 / (1 + s) }) })).toThrow(
      "toMemory: the SGD optimizer's learning rate is a plain function, which cannot be saved; use a number or a built-in schedule (gt.optim.exponentialDecay, gt.optim.piecewiseConstant, gt.optim.cosineDecay), or save the model alone with model.save(dir)",
    );
    class MySGD extends gt.optim.SGD {}
    expect(() => gt.toMemory(model, { optimizer: new MySGD() })).toThrow("toMemory: cannot save an optimizer of class MySGD; checkpoints hold the built-in optimizers: SGD, Adam, RMSprop");
    const other = trained(new gt.optim.Adam());
    const stranger = new gt.optim.Adam();
    trained(stranger, other);
    expect(() => gt.toMemory(makeModel(), { optimizer: stranger })).toThrow(/toMemory: the optimizer holds state for variable '.*\/kernel', which is not a weight of model/);
    expect(() => gt.toMemory("model" as never)).toThrow("toMemory: expected a Model (from gt.sequential or gt.model), got string model");
    expect(() => gt.toMemory(model, { training: { epoch: -1 } })).toThrow("toMemory: training.epoch (the next epoch to run: the number of epochs completed) must be an integer >= 0, got -1");
    expect(() => gt.toMemory(model, { trainig: {} } as never)).toThrow("toMemory: unknown option 'trainig'; known options: optimizer, training");
  });
});

describe("model.save / loadModel", () => {
  it("writes model.json and one weights file; loading predicts exactly the same", () => {
    const dir = freshDir();
    const model = makeModel();
    model.save(dir);
    expect(readdirSync(dir).sort()).toEqual(["model.json", expect.stringMatching(/^weights\.[0-9a-f]{8}\.bin$/)]);
    const x = gt.randomNormal([5, 3], { seed: 2 });
    expect(bits(gt.loadModel(dir).predict(x))).toEqual(bits(model.predict(x)));
  });

  it("replaces a previous save and removes its weights file", () => {
    const dir = freshDir();
    const model = makeModel();
    model.save(dir);
    const first = readdirSync(dir);
    model.setWeights(model.getWeights().map((w) => w.add(1)));
    model.save(dir);
    const second = readdirSync(dir);
    expect(second).toHaveLength(2);
    expect(second).not.toEqual(first);
    const x = gt.randomNormal([5, 3], { seed: 2 });
    expect(bits(gt.loadModel(dir).predict(x))).toEqual(bits(model.predict(x)));
    // Saving the same weights again reuses the file.
    model.save(dir);
    expect(readdirSync(dir)).toEqual(second);
  });
});

describe("loading checks everything and says what is wrong", () => {
  const model = makeModel();
  const saved = gt.toMemory(model, { optimizer: new gt.optim.SGD({ momentum: 0.9 }), training: { epoch: 1 } });
  const load = (manifest: unknown, weights: ArrayBuffer | Uint8Array = saved.weights) => () => gt.fromMemory({ manifest: manifest as gt.ModelManifest, weights });
  const edited = (edit: (m: gt.ModelManifest) => void, seal = true) => {
    const m = JSON.parse(JSON.stringify(saved.manifest)) as gt.ModelManifest;
    edit(m);
    if (!seal) return m;
    return sealManifest(m);
  };
  const k0 = saved.manifest.weights[0].name;
  const layer0 = model.layers[0].name;

  it("names the format and the version", () => {
    expect(load(edited((m) => ((m as { format: string }).format = "keras")))).toThrow('fromMemory: this is not a gradtape model: manifest.format is "keras", expected "gradtape-model"');
    expect(load({ format: undefined, modelTopology: {} })).toThrow("(it looks like a TensorFlow.js model.json, which gradtape does not read)");
    expect(load(edited((m) => (m.formatVersion = 2)))).toThrow("fromMemory: manifest.formatVersion is 2, written by a newer gradtape; this version reads format version 1, so upgrade gradtape");
    expect(load(edited((m) => (m.formatVersion = 0.5)))).toThrow("fromMemory: unknown manifest.formatVersion 0.5; this version of gradtape reads format version 1");
  });

  it("rejects a manifest changed after it was written, unless its checksum field is removed", () => {
    expect(load(edited((m) => (m.training!.epoch = 7), false))).toThrow(/^fromMemory: the manifest does not match its manifestChecksum \(stored crc32:[0-9a-f]{8}, computed crc32:[0-9a-f]{8}\): it was corrupted, or edited/);
    const handEdited = edited((m) => {
      m.training!.epoch = 7;
      delete m.manifestChecksum;
    }, false);
    expect(gt.fromMemory({ manifest: handEdited, weights: saved.weights }).training?.epoch).toBe(7);
  });

  it("accepts a manifest whose keys were reordered or whose JSON was reformatted (as some stores do)", () => {
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sortKeys) : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().reverse().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v;
    const text = JSON.stringify(sortKeys(saved.manifest), null, "\t");
    expect(gt.fromMemory({ manifest: text, weights: saved.weights }).training?.epoch).toBe(1);
  });

  it("says where malformed JSON is", () => {
    const text = JSON.stringify(saved.manifest, null, 2);
    const broken = text.replace('"formatVersion": 1,', '"formatVersion": 1,,');
    expect(load(broken)).toThrow('fromMemory: the manifest is not valid JSON at line 3, column 22 (offset 53): expected a property name in double quotes, found ",\\n  \\"archite"');
    expect(load(text.slice(0, 100))).toThrow(/^fromMemory: the manifest is not valid JSON at line 5, column 18 \(offset 91\): a string starts here and is never closed$/);
    expect(load("[".repeat(100) + "]".repeat(100))).toThrow("fromMemory: the manifest nests more than 64 levels deep; no gradtape manifest does");
  });

  it("checks the weights' length and checksum", () => {
    expect(load(saved.manifest, saved.weights.slice(0, 40))).toThrow(`fromMemory: the weights are truncated: they hold 40 bytes, but the manifest says ${saved.weights.byteLength}`);
    const longer = new Uint8Array(saved.weights.byteLength + 3);
    longer.set(new Uint8Array(saved.weights));
    expect(load(saved.manifest, longer)).toThrow(/the weights are longer than the manifest says/);
    const flipped = new Uint8Array(saved.weights.slice(0));
    flipped[17] ^= 0x10;
    expect(load(saved.manifest, flipped)).toThrow(/^fromMemory: checksum mismatch: the weights have crc32:[0-9a-f]{8} but the manifest says crc32:[0-9a-f]{8}; they are corrupt, or belong to another save$/);
  });

  it("checks every byte range against the weights", () => {
    const total = saved.weights.byteLength;
    expect(load(edited((m) => (m.weights[1].byteOffset = total - 4)))).toThrow(`fromMemory: manifest.weights[1]: byte range [${total - 4}, ${total + 16}) lies outside the weights (${total} bytes)`);
    expect(load(edited((m) => (m.weights[1].byteLength = 16)))).toThrow("fromMemory: manifest.weights[1]: byteLength 16 does not fit 5 float32 values (20 bytes)");
    expect(load(edited((m) => (m.weights[1].byteOffset = m.weights[0].byteOffset + 8)))).toThrow("fromMemory: the byte ranges of manifest.weights[0] and manifest.weights[1] overlap");
    expect(load(edited((m) => (m.weights[0].shape = [4294967296, 4294967296])))).toThrow(/manifest.weights\[0\]: byteLength 60 does not fit 18446744073709552000 float32 values/);
  });

  it("names the layer, the weight and both shapes or dtypes when the weights do not fit the architecture", () => {
    const swapped = edited((m) => {
      m.weights[0].shape = [5, 3];
    });
    expect(load(swapped)).toThrow(`fromMemory: layer '${layer0}': weight 'kernel' has shape [3, 5] in the architecture but [5, 3] in the weights (manifest.weights[0])`);
    const f64 = edited((m) => {
      m.weights[1].dtype = "float64";
      m.weights[1].byteLength = 40;
    });
    expect(load(f64)).toThrow(/lies outside|overlap|layer '.*': weight 'bias' is float32 in the architecture but float64 in the weights/);
    const renamed = edited((m) => (m.weights[0].name = "other/kernel"));
    expect(load(renamed)).toThrow(`fromMemory: layer '${layer0}' has a weight 'kernel' of shape [3, 5] in the architecture, but the manifest has no weight '${k0}' (it has other/kernel, `);
    const unknownLayer = edited((m) => (m.architecture.config.layers[1].className = "Conv3D"));
    expect(load(unknownLayer)).toThrow("fromMemory: manifest.architecture does not rebuild a model: layerFromConfig: unknown layer class 'Conv3D'; known: Dense, Dropout, Flatten, Activation, ReLU, Sigmoid, Tanh, Softmax, LeakyReLU, Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Reshape, BatchNormalization");
  });

  it("checks the optimizer and the training state", () => {
    expect(load(edited((m) => (m.optimizer!.className = "Adafactor")))).toThrow('fromMemory: manifest.optimizer.className must be one of SGD, Adam, RMSprop, Adagrad, Adadelta, Adamax, AdamW, got "Adafactor"');
    expect(load(edited((m) => (m.optimizer!.config.lr = 0.1)))).toThrow("fromMemory: manifest.optimizer.config does not rebuild: SGD: unknown option 'lr' (did you mean 'learningRate'?)");
    expect(load(edited((m) => (m.training!.epoch = -2)))).toThrow("fromMemory: manifest.training.epoch must be an integer >= 0, got -2");
    expect(load(edited((m) => ((m as unknown as Record<string, unknown>).extra = 1)))).toThrow('fromMemory: the manifest has an unknown field "extra"; known fields: format, formatVersion, architecture, weightsByteLength, checksum, weights, weightsFile, optimizer, training, manifestChecksum');
  });

  it("checks a folder's files", () => {
    const dir = freshDir();
    gt.saveCheckpoint(dir, { model, optimizer: new gt.optim.SGD(), epoch: 1 });
    const manifestPath = join(dir, "model.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as gt.ModelManifest;
    const weightsPath = join(dir, manifest.weightsFile!);
    expect(() => gt.loadModel(join(dir, "nope"))).toThrow(`loadModel: no such folder: ${join(dir, "nope")}`);
    expect(() => gt.loadModel(root)).toThrow(`loadModel: ${join(root, "model.json")} does not exist; a saved model is a folder holding model.json and a weights file, as model.save(dir) writes them`);
    const weights = readFileSync(weightsPath);
    writeFileSync(weightsPath, weights.subarray(0, 10));
    expect(() => gt.loadModel(dir)).toThrow(`loadModel: the weights file ${weightsPath} is truncated: it holds 10 bytes, but model.json says ${weights.length}`);
    rmSync(weightsPath);
    expect(() => gt.loadModel(dir)).toThrow(`loadModel: the weights file ${weightsPath} that model.json names is missing`);
    writeFileSync(weightsPath, weights);
    expect(gt.loadCheckpoint(dir).epoch).toBe(1);
    writeFileSync(manifestPath, new Uint8Array([0x7b, 0xff, 0x7d]));
    expect(() => gt.loadModel(dir)).toThrow(`loadModel: ${manifestPath} is not UTF-8 text: the byte at offset 1 does not begin a valid character`);
    const plain = freshDir();
    model.save(plain);
    expect(() => gt.loadCheckpoint(plain)).toThrow(`loadCheckpoint: ${plain} holds a model saved without an optimizer (as model.save writes it); load it with gt.loadModel, and save checkpoints with gt.saveCheckpoint or gt.callbacks.modelCheckpoint`);
    expect(() => gt.saveCheckpoint(plain, { model: makeModel(), epoch: 1 })).toThrow("saveCheckpoint: no optimizer to save: pass { optimizer } or compile the model first (to save the model alone, use model.save(dir))");
  });
});
