// Custom layers: className defaults to the subclass's name, registerLayer (and TF.js'
// serialization.registerClass) makes a saved model that uses one load and predict bit for bit,
// and an unregistered one fails at load saying how to register it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const root = mkdtempSync(join(tmpdir(), "gradtape-custom-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface ScaleOptions extends gt.layers.LayerOptions {
  init?: number;
}

/** Multiplies each unit by a learned factor; its option `init` is saved in its config. */
class Scale extends gt.layers.Layer {
  factor: gt.Variable | undefined;
  readonly init: number;
  constructor(options: ScaleOptions = {}) {
    const { init = 1, ...rest } = options;
    super(rest, "scale");
    this.init = init;
  }
  override build(inputShape: gt.layers.LayerShape): void {
    this.factor = this.addWeight("factor", [inputShape[inputShape.length - 1] as number], { name: "randomUniform", minval: this.init, maxval: this.init + 1 }, { seed: 3 });
  }
  override call(x: gt.Tensor): gt.Tensor {
    return x.mul(this.factor as gt.Variable);
  }
  override getConfig(): gt.layers.LayerConfig["config"] {
    return { ...super.getConfig(), init: this.init };
  }
}

/** The same, saved under a static className, registered through TF.js' name. */
class Shift extends gt.layers.Layer {
  static readonly className = "MyShift";
  bias: gt.Variable | undefined;
  constructor(options: gt.layers.LayerOptions = {}) {
    super(options, "shift");
  }
  override build(inputShape: gt.layers.LayerShape): void {
    this.bias = this.addWeight("bias", [inputShape[inputShape.length - 1] as number], "ones");
  }
  override call(x: gt.Tensor): gt.Tensor {
    return x.add(this.bias as gt.Variable);
  }
}

class Unregistered extends Scale {}

const bits = (t: gt.Tensor) => Array.from(new Uint8Array(t.data().buffer));
const x = gt.randomNormal([5, 3], { seed: 1 });
const make = (custom: gt.layers.Layer) =>
  gt.sequential([gt.layers.dense({ units: 4, activation: "tanh", inputShape: [3], seed: 1 }), custom, gt.layers.dense({ units: 2, seed: 2 })]);

describe("custom layers", () => {
  it("className defaults to the subclass's name, or its static className, and summary shows it", () => {
    expect(new Scale().className).toBe("Scale");
    expect(new Shift().className).toBe("MyShift");
    const lines: string[] = [];
    make(new Scale({ name: "s" })).summary((l) => lines.push(l));
    expect(lines.join("\n")).toMatch(/ s \(Scale\)\s+\(None, 4\)\s+4\b/);
    expect(lines.join("\n")).not.toContain("undefined");
  });

  it("a registered custom layer saves and loads, with its options, predicting bit for bit", () => {
    expect(gt.registerLayer(Scale)).toBe(Scale);
    gt.registerLayer(Scale); // again: harmless
    const model = make(new Scale({ name: "s", init: 2 }));
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: "mse" });
    const dir = join(root, "scale");
    model.save(dir);
    const loaded = gt.loadModel(dir);
    expect(loaded.layers[1]).toBeInstanceOf(Scale);
    expect((loaded.layers[1] as Scale).init).toBe(2);
    expect(bits(loaded.predict(x))).toEqual(bits(model.predict(x)));
    // in memory too, and the factor was drawn in [2, 3), so the config reached the constructor
    const again = gt.fromMemory(gt.toMemory(model)).model;
    expect(bits(again.predict(x))).toEqual(bits(model.predict(x)));
    expect((again.layers[1] as Scale).factor!.toArray()).toEqual((model.layers[1] as Scale).factor!.toArray());
  });

  it("TF.js' serialization.registerClass is the same registry; checkpoints resume with the custom layer", async () => {
    gt.serialization.registerClass(Shift);
    const model = make(new Shift({ name: "sh" }));
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: "mse" });
    const y = gt.randomNormal([5, 2], { seed: 2 });
    const history = await model.fit(x, y, { epochs: 1, verbose: 0, seed: 0 });
    const dir = join(root, "shift");
    gt.saveCheckpoint(dir, { model, epoch: 1, seed: 0, history });
    const ckpt = gt.loadCheckpoint(dir);
    expect(ckpt.model.layers[1].className).toBe("MyShift");
    expect(bits(ckpt.model.predict(x))).toEqual(bits(model.predict(x)));
  });

  it("an unregistered class fails at load, saying how to register it", () => {
    const model = make(new Unregistered({ name: "u" }));
    const dir = join(root, "unregistered");
    model.save(dir);
    expect(() => gt.loadModel(dir)).toThrow(/loadModel: manifest\.architecture does not rebuild a model: layerFromConfig: unknown layer class 'Unregistered'; known: Dense, .*, Scale, MyShift\. If it is your own Layer subclass, register it before loading: gt\.registerLayer\(Unregistered\) \(or gt\.serialization\.registerClass\(Unregistered\), as in TF\.js\)/);
    gt.registerLayer(Unregistered);
    expect(bits(gt.loadModel(dir).predict(x))).toEqual(bits(model.predict(x)));
  });

  it("refuses what cannot be registered", () => {
    expect(() => gt.registerLayer((() => 1) as never)).toThrow("registerLayer: expected a subclass of gt.layers.Layer, got");
    expect(() => gt.registerLayer(class Dense extends Scale {})).toThrow("registerLayer: 'Dense' is a built-in layer's class name; give your class another className");
    const Other = class Scale extends gt.layers.Layer {
      constructor() {
        super({}, "other");
      }
      override call(t: gt.Tensor): gt.Tensor {
        return t;
      }
    };
    expect(() => gt.registerLayer(Other)).toThrow("registerLayer: another class is already registered as 'Scale'");
  });
});
