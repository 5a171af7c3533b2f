/**
 * The progress display of `fit` with `verbose`: Keras' bar redrawn in place on a terminal
 * (`12/32 [=========>....................] - ETA: 1s - loss: 0.4321 - accuracy: 0.8812`), one
 * line per epoch where `\r` would only pile up (logs, CI) or with `verbose: 2`.
 * @module
 */
import type { Callback, Logs, TrainingParams } from "./callbacks.js";

/** Where the display goes: a terminal stream or anything with `write`. */
export interface ProgressSink {
  /** True on a terminal, where `\r` redraws the line. */
  isTTY?: boolean;
  /** Receives the display's text, newlines included; the return value is ignored. */
  write(text: string): unknown;
}

/** @internal The default sink: `process.stdout` under Node, `console.log` per line elsewhere. */
export function defaultSink(): ProgressSink {
  const stdout = (globalThis as { process?: { stdout?: ProgressSink } }).process?.stdout;
  if (stdout !== undefined && typeof stdout.write === "function") return stdout;
  return { isTTY: false, write: (text: string) => console.log(text.replace(/\n$/, "")) };
}

const BAR = 30;
const REDRAW_MS = 50;

/** @internal Keras' number format: four decimals, or exponent notation below 1e-3. */
export function formatValue(v: number): string {
  return Math.abs(v) >= 1e-3 || v === 0 || !Number.isFinite(v) ? v.toFixed(4) : v.toExponential(4);
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs).map(([k, v]) => ` - ${k}: ${formatValue(v)}`).join("");
}

function formatEta(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  if (s >= 60) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  return `${s}s`;
}

function formatPerStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/step`;
  return `${Math.round(seconds * 1e6)}us/step`;
}

/** @internal The callback `fit` adds for `verbose` 1 and 2. */
export class ProgressLogger implements Callback {
  private params: TrainingParams | undefined;
  private start = 0;
  private lastDraw = -Infinity;
  private width = 0;
  private midLine = false;

  constructor(
    private readonly sink: ProgressSink = defaultSink(),
    private readonly now: () => number = () => performance.now(),
  ) {}

  private get bar(): boolean {
    return this.params?.verbose === 1 && this.sink.isTTY === true;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  onEpochBegin(epoch: number): void {
    this.start = this.now();
    this.lastDraw = -Infinity;
    this.width = 0;
    if (this.bar) this.sink.write(`Epoch ${epoch + 1}/${this.params?.epochs}\n`);
  }

  onBatchEnd(batch: number, logs: Logs): void {
    if (!this.bar) return;
    const t = this.now();
    const steps = this.params?.steps ?? 0;
    if (t - this.lastDraw < REDRAW_MS && batch + 1 < steps) return;
    this.lastDraw = t;
    const done = batch + 1;
    const eta = ((t - this.start) / 1000 / done) * (steps - done);
    this.draw(`${this.counter(done)} ${this.progressBar(done)} - ETA: ${formatEta(eta)}${formatLogs(logs)}`);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const steps = this.params?.steps ?? 0;
    const seconds = (this.now() - this.start) / 1000;
    const timing = `${formatEta(seconds)} ${formatPerStep(seconds / Math.max(1, steps))}`;
    if (this.bar) {
      this.draw(`${this.counter(steps)} ${this.progressBar(steps)} - ${timing}${formatLogs(logs)}`);
      this.sink.write("\n");
      this.midLine = false;
    } else {
      this.sink.write(`Epoch ${epoch + 1}/${this.params?.epochs} - ${steps} steps - ${timing}${formatLogs(logs)}\n`);
    }
  }

  /** Ends a half-drawn line, so that an error message starts on its own line. */
  interrupt(): void {
    if (this.midLine) this.sink.write("\n");
    this.midLine = false;
  }

  private counter(done: number): string {
    const steps = String(this.params?.steps ?? 0);
    return `${String(done).padStart(steps.length)}/${steps}`;
  }

  private progressBar(done: number): string {
    const steps = this.params?.steps ?? 1;
    const filled = Math.floor((BAR * done) / steps);
    if (done >= steps) return `[${"=".repeat(BAR)}]`;
    return `[${"=".repeat(Math.max(0, filled - 1))}>${".".repeat(BAR - Math.max(1, filled))}]`;
  }

  private draw(line: string): void {
    // Pad to the previous width so a shorter line leaves no tail of the longer one.
    this.sink.write(`\r${line.padEnd(this.width)}`);
    this.width = Math.max(this.width, line.length);
    this.midLine = true;
  }
}
