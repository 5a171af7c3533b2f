// What `require("gradtape")` loads where Node cannot require() an ES module: before 20.19, or
// with --no-experimental-require-module. Node 20.19+ takes the package's "module-sync" condition
// instead and gets the ES module itself (bundlers take "module"), so this file only says what to do.
const version = typeof process === "object" && process.versions?.node ? `Node.js ${process.versions.node}` : "this runtime";
throw new Error(
  `gradtape is an ES module and ${version} cannot require() it here: use import (import * as gt from "gradtape"), ` +
    `or await import("gradtape") from CommonJS; require("gradtape") works on Node.js 20.19 or later ` +
    `(unless require(esm) is turned off with --no-experimental-require-module)`,
);
