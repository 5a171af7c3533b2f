/**
 * Node's built-in modules, reached without a static import, so that the package still loads in a
 * browser and only the Node-only functions fail there, with a message that says so.
 * @module
 */

type Proc = { getBuiltinModule?: (id: string) => unknown };

/** A Node built-in module, or undefined outside Node (or before Node 20.16). */
export function tryBuiltin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: Proc }).process;
  try {
    return proc?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Node built-in module for a function that cannot work without it.
 * @param hint - what to do instead outside Node, appended to the message.
 * @throws Error naming the caller when not running in Node 20.16 or later.
 */
export function builtin<T>(id: string, caller: string, hint?: string): T {
  const mod = tryBuiltin<T>(id);
  if (mod === undefined) throw new Error(`${caller} needs Node.js 20.16 or later (${id})${hint === undefined ? "" : `; ${hint}`}`);
  return mod;
}

/** The hint for file loaders outside Node. */
export const BROWSER_FILES_HINT = "in a browser, fetch the files yourself and use data.readIdx";
