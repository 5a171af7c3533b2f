/**
 * Weight initializers, with Keras' formulas and defaults. Every one draws from a seeded
 * `seedrandom` generator: the same seed gives the same weights; without a seed the draws come
 * from the global stream (`gt.setRandomSeed`), so programs are still repeatable from the start.
 *
 * Fans follow Keras: for a kernel `[inputDim, units]` fanIn is inputDim and fanOut is units; for
 * a vector both are its length; for higher ranks the leading dimensions are a receptive field.
 * @module
 */
export {
  computeFans, glorotUniform, glorotNormal, heUniform, heNormal, zeros, ones, randomNormal, randomUniform, orthogonal,
  getInitializer, INITIALIZER_NAMES,
  type InitializerOptions, type Initializer, type InitializerName, type InitializerSpec,
} from "./initializers.js";
