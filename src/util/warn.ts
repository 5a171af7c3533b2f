/**
 * Warnings for what gradtape does differently from what was asked, when it can still go on (a
 * thread count capped, a worker pool given up for one thread). One line on the console, prefixed
 * `gradtape:`, so that a reader knows where it came from; works in Node and in a browser alike.
 * @module
 */

/** Writes `message` as a warning. Tests spy on `console.warn` to see it. */
export function warn(message: string): void {
  console.warn(`gradtape: ${message}`);
}
