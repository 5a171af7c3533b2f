#!/usr/bin/env node
// `npm run lab`: builds the momentum lab and serves it on http://127.0.0.1:PORT/ (--port, default 8080), with the
// cross-origin isolation headers (COOP same-origin, COEP require-corp) so that gradtape's Web Workers share memory.
// --no-isolation serves it without them (one thread, as on a plain static host). --no-build serves what is there.
import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { buildLab } from "./lab-build.mjs";

/** The headers that make a page cross-origin isolated. */
export const ISOLATION = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".map": "application/json", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
  ".gz": "application/gzip", ".bin": "application/octet-stream",
};

/**
 * Serves the files under `dir` on 127.0.0.1:`port` (0: any free port), `extraHeaders` on every response.
 * Resolves with the listening server.
 */
export function serveStatic(dir, port, extraHeaders = {}) {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(base, path));
    let body;
    try {
      if (!file.startsWith(base + sep) || !statSync(file).isFile()) throw new Error("not a file");
      body = readFileSync(file);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain", ...extraHeaders }).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store", ...extraHeaders }).end(body);
  });
  return new Promise((resolveServer, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolveServer(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--port");
  const port = i >= 0 ? Number(args[i + 1]) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`lab-server: --port must be an integer from 0 to 65535, got ${args[i + 1]}`);
    process.exit(1);
  }
  const dir = args.includes("--no-build") ? resolve("build/lab") : await buildLab();
  const isolated = !args.includes("--no-isolation");
  const server = await serveStatic(dir, port, isolated ? ISOLATION : {});
  console.log(`momentum lab: http://127.0.0.1:${server.address().port}/ (${isolated ? "cross-origin isolated" : "not isolated: one thread"}; Ctrl-C stops)`);
}
