/**
 * The sequence layers in TF.js' layers format, both ways: Embedding, LayerNormalization,
 * SimpleRNN and LSTM, with the class names and snake_case config keys TF.js and Keras write.
 * Their weights need no conversion: TF.js and Keras store `embeddings [inputDim, outputDim]`,
 * `kernel [features, gates·units]`, `recurrent_kernel [units, gates·units]` and `bias`, the LSTM
 * gates in the order i, f, c, o, exactly as gradtape does.
 * @module
 */
import type { Layer, LayerOptions } from "../../layers/layer.js";
import { builtInActivationOf, type ActivationName } from "../../layers/activations.js";
import { Embedding, embedding } from "../../layers/embedding.js";
import { LayerNormalization, layerNormalization } from "../../layers/layer-normalization.js";
import { LSTM, lstm } from "../../layers/lstm.js";
import { SimpleRNN, simpleRNN } from "../../layers/simple-rnn.js";
import type { RecurrentOptions } from "../../layers/recurrent.js";
import { ModelFormatError } from "../../io/check.js";
import type { KerasLayerSpec } from "./format.js";

/** The Keras name of a recurrent layer's activation; Keras has no leaky relu string to put there. */
function kerasActivation(layer: Layer, a: ActivationName): string {
  if (a === "leakyRelu") throw new Error(`toTfjs: layer '${layer.name}' (${layer.className}) uses the activation 'leakyRelu' inside its recurrence, which TF.js' recurrent layers cannot name; use tanh, sigmoid, relu or linear`);
  return a;
}

/** @internal The Keras config of a sequence layer, or undefined for another layer. */
export function sequenceLayerSpec(layer: Layer, base: Record<string, unknown>): KerasLayerSpec | undefined {
  if (layer instanceof Embedding) {
    return { class_name: "Embedding", config: { ...base, input_dim: layer.inputDim, output_dim: layer.outputDim, mask_zero: false, input_length: layer.inputLength ?? null } };
  }
  if (layer instanceof LayerNormalization) {
    return { class_name: "LayerNormalization", config: { ...base, axis: typeof layer.axis === "number" ? layer.axis : layer.axis.slice(), epsilon: layer.epsilon, center: layer.center, scale: layer.scale } };
  }
  if (layer instanceof SimpleRNN || layer instanceof LSTM) {
    const config: Record<string, unknown> = {
      ...base, units: layer.units, activation: kerasActivation(layer, builtInActivationOf("toTfjs", layer, layer.activation)), use_bias: layer.useBias, return_sequences: layer.returnSequences,
      return_state: false, go_backwards: layer.goBackwards, stateful: false, unroll: false, dropout: 0, recurrent_dropout: 0,
    };
    // TF.js' default recurrent activation is the hard sigmoid, so gradtape's sigmoid is always written.
    if (layer instanceof LSTM) Object.assign(config, { recurrent_activation: kerasActivation(layer, builtInActivationOf("toTfjs", layer, layer.recurrentActivation)), unit_forget_bias: layer.unitForgetBias });
    return { class_name: layer.className, config };
  }
  return undefined;
}

/** @internal The Keras classes {@link makeSequenceLayer} reads. */
export const SEQUENCE_CLASSES = ["Embedding", "LayerNormalization", "SimpleRNN", "LSTM"];

/** The options of a Keras SimpleRNN or LSTM config, refusing what gradtape's layers do not do. */
function recurrentOptions(name: string, c: Record<string, unknown>, base: LayerOptions, activationOf: (name: string, value: unknown) => ActivationName): RecurrentOptions {
  for (const flag of ["return_state", "stateful", "unroll"] as const) {
    if (c[flag] === true) throw new ModelFormatError(`fromTfjs: layer '${name}' sets ${flag}, which gradtape's recurrent layers do not do; save the model with ${flag}: false`);
  }
  return {
    ...base, units: c.units as number, activation: activationOf(name, c.activation ?? "tanh"), useBias: (c.use_bias as boolean | undefined) ?? true,
    returnSequences: (c.return_sequences as boolean | undefined) ?? false, goBackwards: (c.go_backwards as boolean | undefined) ?? false,
  };
}

/**
 * @internal A gradtape layer from a Keras Embedding, LayerNormalization, SimpleRNN or LSTM config,
 * or undefined for another class. `dropout` and `recurrent_dropout` act only in training and
 * gradtape's recurrent layers have none: a model read with them predicts the same and trains
 * without them.
 */
export function makeSequenceLayer(className: string, c: Record<string, unknown>, base: LayerOptions, activationOf: (name: string, value: unknown) => ActivationName): Layer | undefined {
  const name = base.name as string;
  switch (className) {
    case "Embedding": {
      if (c.mask_zero === true) throw new ModelFormatError(`fromTfjs: layer '${name}' masks id 0 (mask_zero), which gradtape's embedding does not; save it with mask_zero: false`);
      const length = Array.isArray(c.input_length) ? c.input_length[0] : c.input_length;
      return embedding({ ...base, inputDim: c.input_dim as number, outputDim: c.output_dim as number, ...(typeof length === "number" ? { inputLength: length } : {}) });
    }
    case "LayerNormalization":
      return layerNormalization({
        ...base, axis: (c.axis as number | number[] | undefined) ?? -1, epsilon: (c.epsilon as number | undefined) ?? 1e-3,
        center: (c.center as boolean | undefined) ?? true, scale: (c.scale as boolean | undefined) ?? true,
      });
    case "SimpleRNN":
      return simpleRNN(recurrentOptions(name, c, base, activationOf));
    case "LSTM":
      // Keras 2.x and 3 default to the sigmoid; TF.js writes its own default (the hard sigmoid) out.
      return lstm({ ...recurrentOptions(name, c, base, activationOf), recurrentActivation: activationOf(name, c.recurrent_activation ?? "sigmoid"), unitForgetBias: c.unit_forget_bias !== false });
    default:
      return undefined;
  }
}

/**
 * @internal Whether the manifest's weight `name` is `scoped` (`lstm/kernel`) under a recurrent
 * cell's scope, as Keras names a converted `.h5` file's weights: `lstm/lstm_cell/kernel`.
 */
export function isCellWeight(name: string, scoped: string): boolean {
  const [layer, weight] = [scoped.slice(0, scoped.lastIndexOf("/")), scoped.slice(scoped.lastIndexOf("/") + 1)];
  const parts = name.split("/");
  return parts.length >= 3 && parts[parts.length - 1] === weight && parts[parts.length - 3] === layer && parts[parts.length - 2].endsWith("_cell");
}
