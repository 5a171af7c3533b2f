/**
 * The Fisher–Yates shuffle every seeded shuffle in gradtape uses.
 * @module
 */

/** Shuffles `items` in place with draws from `rng` (one per position, last to first); returns it. */
export function shuffleInPlace<T extends { length: number; [index: number]: unknown }>(items: T, rng: () => number): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
