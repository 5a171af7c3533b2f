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

/**
 * TF.js' and tf.data's buffered shuffle: fill a buffer of `size` elements, then repeatedly emit
 * one at random and put the next element of `source` in its place. Holds at most `size` elements,
 * so it shuffles streams of any length; an element moves at most `size` places earlier.
 */
export function* windowShuffle<T>(source: Iterator<T>, size: number, rng: () => number): Generator<T> {
  const buffer: T[] = [];
  let exhausted = false;
  while (buffer.length < size) {
    const r = source.next();
    if (r.done) {
      exhausted = true;
      break;
    }
    buffer.push(r.value);
  }
  while (buffer.length > 0) {
    const i = Math.floor(rng() * buffer.length);
    const picked = buffer[i];
    // Read the replacement only now, so that nothing is read before it is needed.
    const r = exhausted ? undefined : source.next();
    if (r !== undefined && !r.done) buffer[i] = r.value;
    else {
      exhausted = true;
      buffer[i] = buffer[buffer.length - 1];
      buffer.pop();
    }
    yield picked;
  }
}
