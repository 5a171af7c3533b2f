/**
 * Reading a manifest's text: UTF-8 and JSON errors that say where they are (line, column and
 * offset), which `JSON.parse`'s own messages do not always do.
 * @module
 */

/** @internal Where in a text an offset falls, for messages: `line 3, column 14`. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${offset - start + 1}`;
}

/**
 * @internal Decodes UTF-8, or returns the offset of the first byte that is not valid UTF-8.
 * Found by bisection with a streaming decoder, which accepts a prefix cut inside a character.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { badOffset: number } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      try {
        new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
        lo = mid + 1;
      } catch {
        hi = mid;
      }
    }
    return { badOffset: lo };
  }
}

/**
 * @internal The first JSON syntax error in `text`: its offset and what is wrong there, or
 * undefined when the text is valid JSON. Iterative, so deep nesting cannot overflow the stack.
 */
export function locateJsonError(text: string): { offset: number; reason: string } | undefined {
  const n = text.length;
  const stack: number[] = []; // 123 '{' or 91 '['
  type State = "value" | "valueOrClose" | "keyOrClose" | "key" | "colon" | "commaOrClose" | "end";
  let expect = "value" as State;
  // Read through a call: the helpers below change the state, which narrowing cannot see.
  const state = (): State => expect;
  let i = 0;
  const afterValue = (): void => {
    expect = stack.length === 0 ? "end" : "commaOrClose";
  };
  const show = (at: number): string => JSON.stringify(text.slice(at, at + 12));
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  const scanString = (): { offset: number; reason: string } | undefined => {
    const start = i++;
    for (;;) {
      if (i >= n) return { offset: start, reason: "a string starts here and is never closed" };
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { offset: i, reason: "a control character inside a string must be escaped" };
      if (c === 92) {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else return { offset: i, reason: `invalid escape ${show(i).slice(0, 8)}"` };
      } else i++;
    }
  };

  const scanValue = (): { offset: number; reason: string } | undefined => {
    const c = text[i];
    if (c === "{") {
      stack.push(123);
      i++;
      expect = "keyOrClose";
      return undefined;
    }
    if (c === "[") {
      stack.push(91);
      i++;
      expect = "valueOrClose";
      return undefined;
    }
    if (c === '"') {
      const err = scanString();
      if (err === undefined) afterValue();
      return err;
    }
    for (const literal of ["true", "false", "null"]) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        afterValue();
        return undefined;
      }
    }
    number.lastIndex = i;
    const m = number.exec(text);
    if (m !== null && m[0].length > 0) {
      i += m[0].length;
      afterValue();
      return undefined;
    }
    return { offset: i, reason: `expected a value (object, array, string, number, true, false or null), found ${show(i)}` };
  };

  for (;;) {
    while (i < n && " \t\n\r".includes(text[i])) i++;
    if (i >= n) return state() === "end" ? undefined : { offset: n, reason: "the input ends in the middle of the JSON value" };
    const c = text[i];
    let err: { offset: number; reason: string } | undefined;
    switch (state()) {
      case "end":
        return { offset: i, reason: `unexpected text after the JSON value: ${show(i)}` };
      case "valueOrClose":
        if (c === "]") {
          stack.pop();
          i++;
          afterValue();
        } else err = scanValue();
        break;
      case "value":
        err = scanValue();
        break;
      case "keyOrClose":
      case "key":
        if (c === "}" && state() === "keyOrClose") {
          stack.pop();
          i++;
          afterValue();
        } else if (c === '"') {
          err = scanString();
          expect = "colon";
        } else err = { offset: i, reason: `expected a property name in double quotes, found ${show(i)}` };
        break;
      case "colon":
        if (c === ":") {
          i++;
          expect = "value";
        } else err = { offset: i, reason: `expected ':' after a property name, found ${show(i)}` };
        break;
      case "commaOrClose": {
        const open = stack[stack.length - 1];
        const close = open === 123 ? "}" : "]";
        if (c === ",") {
          i++;
          expect = open === 123 ? "key" : "value";
        } else if (c === close) {
          stack.pop();
          i++;
          afterValue();
        } else err = { offset: i, reason: `expected ',' or '${close}', found ${show(i)}` };
        break;
      }
    }
    if (err !== undefined) return err;
  }
}

/**
 * @internal True when `value` nests objects and arrays more than `limit` levels deep (a cyclic
 * value always does). Iterative, and it stops at the limit, so neither depth nor cycles hang it.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const todo: [unknown, number][] = [[value, 0]];
  while (todo.length > 0) {
    const [v, d] = todo.pop() as [unknown, number];
    if (v === null || typeof v !== "object") continue;
    if (d + 1 > limit) return true;
    for (const child of Object.values(v)) todo.push([child, d + 1]);
  }
  return false;
}
