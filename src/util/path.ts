/**
 * Paths given to the functions that read or write files. TF.js users write `file://` URLs
 * (`model.save("file:///tmp/model")`), which Node would take as a relative folder named `file:`;
 * here a `file://` URL means the path it names, and any other scheme is refused with the ones
 * gradtape knows, instead of becoming a folder of that name.
 * @module
 */
import { describe } from "../tensor/tensor.js";
import { builtin } from "./node.js";

/** A folder or file path: a string, or a `file://` URL (a string or a `URL` object). */
export type PathLike = string | URL;

/** `scheme://` at the start: a URL, not a path (a Windows drive, `C:\` or `C:/`, has no `//`). */
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** What to use instead of TF.js' other storage schemes. */
const INSTEAD: Readonly<Record<string, string>> = {
  "http:": "fetch the files yourself and use gt.fromMemory",
  "https:": "fetch the files yourself and use gt.fromMemory",
  "indexeddb:": "use gt.toMemory / gt.fromMemory and store the result yourself",
  "localstorage:": "use gt.toMemory / gt.fromMemory and store the result yourself",
  "downloads:": "use gt.toMemory and offer the result as a download yourself",
};

/**
 * @internal The local path that `value` names: a plain path as it is; a `file://` URL as its path
 * (`file:///home/me/model` → `/home/me/model`; TF.js' relative form `file://runs/m` →
 * `runs/m`); a `URL` object with the `file:` protocol through Node's `fileURLToPath`.
 * @param where - the calling function, for messages.
 * @param name - the argument's name, for messages (`dir`).
 * @param kind - what it names, for messages (`a folder path`).
 * @throws Error naming the caller and the schemes gradtape knows, for an empty path, a value that
 * is neither a string nor a URL, or a URL with another scheme.
 */
export function localPath(where: string, value: unknown, name = "dir", kind = "a folder path"): string {
  if (value instanceof URL) {
    if (value.protocol !== "file:") refuse(where, name, value.href, value.protocol);
    return builtin<typeof import("node:url")>("node:url", where).fileURLToPath(value);
  }
  if (typeof value !== "string" || value === "") {
    throw new Error(`${where}: ${name} must be ${kind} (a non-empty string, or a file:// URL), got ${value === "" ? "an empty string" : describe(value)}`);
  }
  const scheme = URL_SCHEME.exec(value)?.[1].toLowerCase();
  if (scheme === undefined) {
    if (/^file:/i.test(value)) refuse(where, name, value, "file:");
    return value;
  }
  if (scheme !== "file") refuse(where, name, value, `${scheme}:`);
  const rest = value.slice("file://".length);
  if (rest === "") refuse(where, name, value, "file:");
  // Three slashes: an absolute URL, percent-escapes and all (what pathToFileURL writes).
  if (rest.startsWith("/")) return builtin<typeof import("node:url")>("node:url", where).fileURLToPath(value);
  // TF.js' tfjs-node reads `file://runs/m` and `file://./runs/m` as paths relative to the working folder.
  return rest;
}

function refuse(where: string, name: string, value: string, protocol: string): never {
  const instead = INSTEAD[protocol.toLowerCase()];
  const what = protocol === "file:" ? "is not a file:// URL gradtape can read: write file:///absolute/path or file://relative/path" : `has the scheme ${protocol}//, which gradtape does not read or write${instead === undefined ? "" : ` (${instead})`}`;
  throw new Error(`${where}: ${name} ${JSON.stringify(value)} ${what}; gradtape knows plain paths and file:// URLs (file:///home/me/model)`);
}
