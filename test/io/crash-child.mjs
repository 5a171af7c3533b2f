// A process that saves checkpoints and dies: used by crash.test.ts under plain node against dist/.
//   node crash-child.mjs <dir> loop            save versions 1, 2, 3, … until killed
//   node crash-child.mjs <dir> die <n> <k>     save version k, SIGKILL itself at the save's n-th step
// Version k has every weight equal to k, epoch k and a history of k epochs; the optimizer's
// velocity is all ones. Each step of a save and each finished save is printed (pipes are
// synchronous on Linux, so the parent sees every line written before the kill).
import * as gt from "../../dist/index.js";
import { saveHooks } from "../../dist/io/atomic.js";

const [dir, mode, a, b] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);

const model = gt.sequential([
  gt.layers.dense({ units: 256, inputShape: [256], seed: 1, name: "big" }),
  gt.layers.dense({ units: 4, seed: 2, name: "out" }),
]);
const optimizer = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
optimizer.applyGradients(model.weights.map((w) => [gt.onesLike(w), w]));

function save(k) {
  model.setWeights(model.weights.map((w) => gt.fill(w.shape, k)));
  const history = { epoch: Array.from({ length: k }, (_, i) => i), history: { loss: Array.from({ length: k }, (_, i) => 1 / (i + 1)) } };
  gt.saveCheckpoint(dir, { model, optimizer, epoch: k, seed: 7, history });
}

if (mode === "loop") {
  let k = 0;
  saveHooks.afterStep = (step, file) => say(`step ${k} ${file} ${step}`);
  for (k = 1; ; k++) {
    save(k);
    say(`saved ${k}`);
    if (k === 1) say("ready");
  }
} else if (mode === "die") {
  let n = 0;
  const at = Number(a);
  saveHooks.afterStep = (step, file) => {
    say(`step ${file} ${step}`);
    if (++n === at) process.kill(process.pid, "SIGKILL");
  };
  save(Number(b));
  say("survived");
}
