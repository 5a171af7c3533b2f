/**
 * The examples' command line, read strictly: a misspelt flag (`--quik`) or an option without its
 * value (a bare `--out`) stops the run with a message naming it, instead of running the full
 * example as if it had not been given.
 */

/** What an example accepts: flags without a value, and options that take one (`--out DIR`). */
export interface ArgSpec {
  /** Flag names without the dashes, e.g. `quick`. */
  flags: readonly string[];
  /** Options that take a value, by name without the dashes, to what the value is: `{ out: "DIR" }`. */
  options: Readonly<Record<string, string>>;
}

/** The parsed command line: the flags given, and each option's value. */
export interface ParsedArgs {
  flags: Set<string>;
  options: Map<string, string>;
}

/** Edit distance, to suggest the option a typo meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** `--quick, --out DIR` for messages. */
export function usage(spec: ArgSpec): string {
  return [...spec.flags.map((f) => `--${f}`), ...Object.entries(spec.options).map(([o, v]) => `--${o} ${v}`)].join(", ") || "no options";
}

/**
 * Reads `argv` (without node and the script) against `spec`. Options take their value as the
 * next argument or after `=` (`--out DIR`, `--out=DIR`).
 * @throws Error starting with `program:` that names the unknown argument (and the option it
 *   probably meant), the option missing its value, a flag given a value, or an option given twice.
 */
export function parseArgs(argv: readonly string[], spec: ArgSpec, program: string): ParsedArgs {
  const parsed: ParsedArgs = { flags: new Set(), options: new Map() };
  const fail = (what: string): never => {
    throw new Error(`${program}: ${what}; it accepts ${usage(spec)}`);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) fail(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (spec.flags.includes(name)) {
      if (eq >= 0) fail(`--${name} takes no value, got ${JSON.stringify(arg)}`);
      parsed.flags.add(name);
    } else if (Object.hasOwn(spec.options, name)) {
      let value = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
      if (eq < 0) i++;
      if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) {
        fail(`--${name} needs a value (--${name} ${spec.options[name]})`);
      }
      if (parsed.options.has(name)) fail(`--${name} is given twice`);
      parsed.options.set(name, value as string);
    } else {
      const known = [...spec.flags, ...Object.keys(spec.options)];
      const near = known.filter((k) => distance(k, name) <= 2).sort((a, b) => distance(a, name) - distance(b, name))[0];
      fail(`unknown option ${JSON.stringify(arg)}${near === undefined ? "" : ` (did you mean --${near}?)`}`);
    }
  }
  return parsed;
}
