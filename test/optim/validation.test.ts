// Constructor checks: each bad argument gets a message that says what was wrong and what is allowed.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const { SGD, Adam, RMSprop } = gt.optim;
// Options that TypeScript would reject, as JavaScript callers and Keras/PyTorch habits send them.
type Loose = Record<string, unknown>;
const sgd = (o: Loose): gt.optim.SGD => new SGD(o as gt.optim.SGDOptions);
const adam = (o: Loose): gt.optim.Adam => new Adam(o as gt.optim.AdamOptions);
const rmsprop = (o: Loose): gt.optim.RMSprop => new RMSprop(o as gt.optim.RMSpropOptions);

describe("learning rate", () => {
  it("must be a finite number >= 0 or a schedule", () => {
    expect(() => sgd({ learningRate: -1 })).toThrow(/^SGD: invalid learning rate: -1 \(must be a finite number >= 0\)$/);
    expect(() => sgd({ learningRate: NaN })).toThrow(/SGD: invalid learning rate: NaN/);
    expect(() => adam({ learningRate: Infinity })).toThrow(/Adam: invalid learning rate: Infinity/);
    expect(() => rmsprop({ learningRate: "0.1" })).toThrow(/RMSprop: invalid learning rate: string 0.1 \(must be a finite number >= 0, or a schedule/);
    expect(sgd({ learningRate: 0 }).currentLearningRate()).toBe(0);
  });
});

describe("SGD", () => {
  it("momentum, dampening, nesterov and weight decay are checked", () => {
    expect(() => sgd({ momentum: -0.1 })).toThrow(/^SGD: invalid momentum: -0.1 \(must be a finite number >= 0\)$/);
    expect(() => sgd({ momentum: 0.9, dampening: 1.5 })).toThrow(/SGD: invalid dampening: 1.5 \(must be a finite number in \[0, 1\]\)/);
    expect(() => sgd({ dampening: -0.1 })).toThrow(/SGD: invalid dampening: -0.1/);
    expect(() => sgd({ nesterov: true })).toThrow(/SGD: Nesterov momentum requires momentum > 0 and dampening 0, got momentum 0 and dampening 0/);
    expect(() => sgd({ nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/Nesterov momentum requires momentum > 0 and dampening 0, got momentum 0.9 and dampening 0.1/);
    expect(() => sgd({ nesterov: "yes", momentum: 0.9 })).toThrow(/SGD: invalid nesterov: "yes" \(must be true or false\)/);
    expect(() => sgd({ weightDecay: -1 })).toThrow(/SGD: invalid weight decay: -1 \(must be a finite number >= 0\)/);
    expect(sgd({ momentum: 0.9, dampening: 1 }).dampening).toBe(1);
  });

  it("unknown option names list the known ones and suggest the likely one", () => {
    expect(() => sgd({ lr: 0.1 })).toThrow(
      /^SGD: unknown option 'lr' \(did you mean 'learningRate'\?\); known options: learningRate, clipNorm, clipValue, globalClipNorm, momentum, nesterov, dampening, weightDecay, convention$/,
    );
    expect(() => sgd({ learning_rate: 0.1 })).toThrow(/SGD: unknown option 'learning_rate' \(did you mean 'learningRate'\?\)/);
    expect(() => sgd({ weight_decay: 0.1 })).toThrow(/did you mean 'weightDecay'\?/);
    expect(() => sgd({ clipnorm: 1 })).toThrow(/did you mean 'clipNorm'\?/);
    expect(() => sgd({ momentun: 0.9 })).toThrow(/SGD: unknown option 'momentun'; known options: learningRate/);
    expect(() => sgd({ constructor: 1 })).toThrow(/SGD: unknown option 'constructor'; known options/);
    expect(() => new SGD(0.1 as unknown as gt.optim.SGDOptions)).toThrow(/SGD: options must be an object such as \{ learningRate: ... \}, got number 0.1/);
  });
});

describe("Adam", () => {
  it("betas in [0, 1), epsilon > 0, amsgrad a boolean, Keras and PyTorch names suggested", () => {
    expect(() => adam({ beta1: 1 })).toThrow(/^Adam: invalid beta1: 1 \(must be a finite number in \[0, 1\)\)$/);
    expect(() => adam({ beta2: -0.1 })).toThrow(/Adam: invalid beta2: -0.1/);
    expect(() => adam({ epsilon: 0 })).toThrow(/^Adam: invalid epsilon: 0 \(must be a finite number > 0\)$/);
    expect(() => adam({ amsgrad: 1 })).toThrow(/^Adam: invalid amsgrad: 1 \(must be true or false\)$/);
    expect(() => adam({ weightDecay: -0.01 })).toThrow(/Adam: invalid weight decay: -0.01/);
    expect(() => adam({ betas: [0.9, 0.999] })).toThrow(/Adam: unknown option 'betas' \(did you mean 'beta1' and 'beta2'\?\)/);
    expect(() => adam({ beta_1: 0.9 })).toThrow(/did you mean 'beta1'\?/);
    expect(() => adam({ eps: 1e-7 })).toThrow(/did you mean 'epsilon'\?/);
    expect(adam({ beta1: 0 }).beta1).toBe(0);
  });
});

describe("RMSprop", () => {
  it("rho in [0, 1), epsilon > 0, momentum >= 0; PyTorch's alpha suggests rho", () => {
    expect(() => rmsprop({ rho: 1 })).toThrow(/^RMSprop: invalid rho: 1 \(must be a finite number in \[0, 1\)\)$/);
    expect(() => rmsprop({ epsilon: -1 })).toThrow(/RMSprop: invalid epsilon: -1 \(must be a finite number > 0\)/);
    expect(() => rmsprop({ momentum: -1 })).toThrow(/RMSprop: invalid momentum: -1/);
    expect(() => rmsprop({ centered: "no" })).toThrow(/RMSprop: invalid centered: "no"/);
    expect(() => rmsprop({ alpha: 0.99 })).toThrow(/RMSprop: unknown option 'alpha' \(did you mean 'rho'\?\)/);
  });
});

describe("clipping options", () => {
  it("must be > 0, and at most one may be set (as Keras)", () => {
    expect(() => sgd({ clipNorm: 0 })).toThrow(/^SGD: invalid clipNorm: 0 \(must be a finite number > 0\)$/);
    expect(() => adam({ clipValue: -1 })).toThrow(/Adam: invalid clipValue: -1/);
    expect(() => rmsprop({ globalClipNorm: NaN })).toThrow(/RMSprop: invalid globalClipNorm: NaN/);
    expect(() => sgd({ clipNorm: 1, clipValue: 1 })).toThrow(/SGD: only one of clipNorm, clipValue and globalClipNorm can be set, got clipNorm and clipValue/);
  });
});
