// A user's script, as someone depending on gradtape would write it: bundled with esbuild and run
// by csp.mjs in a page whose Content Security Policy forbids generating code, and under Node for
// the values to compare against. It reports; csp.mjs decides what passes.
import * as gt from "gradtape";

const violations = [];
globalThis.document?.addEventListener("securitypolicyviolation", (e) => violations.push(`${e.violatedDirective}: ${e.blockedURI}`));

function codeGenerationRefused() {
  try {
    new Function("return 1")();
    return false;
  } catch (e) {
    return e instanceof EvalError;
  }
}

async function run() {
  const t0 = performance.now();
  const { train } = gt.data.loadMnist({ trainSize: 1024, testSize: 100 });
  const loadMs = performance.now() - t0;
  // An integer fingerprint of the digits: the same in the page and in Node, or they differ.
  const x = train.x.data();
  let inkSum = 0;
  for (let i = 0; i < x.length; i++) inkSum += Math.round(x[i] * 255);

  const model = gt.sequential([
    gt.layers.dense({ units: 64, activation: "relu", inputShape: [784], seed: 1 }),
    gt.layers.dense({ units: 10, seed: 2 }),
  ]);
  const optimizer = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
  const lossFn = (y, logits) => gt.losses.sparseCategoricalCrossentropy(y, logits, { fromLogits: true });
  const losses = [];
  const batch = 128;
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let start = 0; start < 1024; start += batch) {
      const xb = train.x.slice([start, 0], [batch, 784]);
      const yb = train.y.slice([start], [batch]);
      losses.push(gt.trainStep(model, optimizer, lossFn, xb, yb).loss.item());
    }
  }

  // A general broadcast past ndarray-ops' threshold (120 × 120 > 8192 elements).
  const col = gt.randomNormal([120, 1], { seed: 3 });
  const row = gt.randomNormal([1, 120], { seed: 4 });
  const outer = col.add(row).data();
  const broadcastRight = outer[5 * 120 + 7] === Math.fround(col.data()[5] + row.data()[7]);

  // Violation events arrive as tasks: let them in before counting, then probe for ourselves.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const gradtapeViolations = violations.slice();
  return {
    codeGenerationRefused: codeGenerationRefused(),
    gradtapeViolations,
    loadMs,
    digits: { trainShape: train.x.shape, labels: Array.from(train.y.data().subarray(0, 20)), inkSum },
    losses,
    broadcastRight,
  };
}

// Started by the page itself: code that DevTools evaluates (page.evaluate) may generate code
// whatever the policy says.
globalThis.gradtapeCspResult = new Promise((resolve) => setTimeout(resolve, 0)).then(run);
