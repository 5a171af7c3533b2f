// The test pages' server: `/` (the page) and `/bundle.js` on a free loopback port, with the
// headers a check needs (cross-origin isolation, a Content Security Policy).
import { createServer } from "node:http";

/** A page that loads `/bundle.js` as a module. */
export const pageHtml = (title) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"><script type="module" src="/bundle.js"></script>`;

/** Serves `html` at `/` and `js` at `/bundle.js` with `headers`; resolves with the listening server. */
export function serve(html, js, headers) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const body = path === "/" ? html : path === "/bundle.js" ? js : undefined;
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const type = path === "/" ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8";
    res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-store", ...headers }).end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
