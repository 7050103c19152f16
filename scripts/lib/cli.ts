import { Command, Option } from "commander";
import cliProgress from "cli-progress";
import { TwoPmError } from "../../src/errors.ts";

/** Global options every subcommand sees (declared on the root program). */
export type GlobalOptions = { json?: boolean; verbose?: boolean; network?: string; home?: string };

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/**
 * Prints a command's result: JSON when --json is set, otherwise the human text.
 * bigint values are printed as decimal strings in JSON.
 */
export function output(cmd: Command, result: unknown, human: () => string): void {
  if (globalOptions(cmd).json) {
    process.stdout.write(JSON.stringify(result, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n");
  } else {
    const text = human();
    if (text) process.stdout.write(text.endsWith("\n") ? text : text + "\n");
  }
}

/** Human log line (stderr, so --json stdout stays machine-readable). */
export function log(cmd: Command, line: string): void {
  if (!globalOptions(cmd).json) process.stderr.write(line + "\n");
}

/**
 * The event sink of a long-running protocol loop (`node run`, `aggregate`): JSON lines under --json (waits left
 * out), otherwise `describe`'s line — on stderr for the events `toStderr` picks, else on stdout.
 */
export function eventPrinter<E extends { type: string }>(cmd: Command, describe: (event: E) => string | null, toStderr: (event: E) => boolean): (event: E) => void {
  const json = Boolean(globalOptions(cmd).json);
  return (event) => {
    if (json) {
      if (event.type !== "waiting") process.stdout.write(JSON.stringify(event, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) + "\n");
      return;
    }
    const line = describe(event);
    if (line === null) return;
    if (toStderr(event)) log(cmd, line);
    else process.stdout.write(line + "\n");
  };
}

/** An abort signal that Ctrl-C (SIGINT) fires, so a loop can stop cleanly between polls. */
export function abortOnSigint(): AbortSignal {
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  return controller.signal;
}

/** A progress bar on stderr; a no-op under --json or when stderr is not a terminal. */
export function progress(cmd: Command, label: string, total: number) {
  const enabled = !globalOptions(cmd).json && process.stderr.isTTY;
  if (!enabled) return { update: (_n: number) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (n: number) => bar.update(n), stop: () => bar.stop() };
}

/**
 * The `onProgress(stage, done, total)` of a protocol function as progress bars: one bar per stage, labelled with the
 * stage, started at its first report and stopped when the next stage reports (call `stop()` after the protocol).
 */
export function stagedProgress(cmd: Command) {
  let current: { stage: string; bar: ReturnType<typeof progress> } | undefined;
  const stop = () => {
    current?.bar.stop();
    current = undefined;
  };
  const onProgress = (stage: string, done: number, total: number) => {
    if (current?.stage !== stage) {
      stop();
      current = { stage, bar: progress(cmd, stage, total) };
    }
    current.bar.update(done);
  };
  return { onProgress, stop };
}

/**
 * Turns any thrown error into one line on stderr and exit code 1 (a stack only with --verbose). Under --json the line
 * is a JSON object, `{"error":"…","kind":"ChainError"}` (plus "details" with --verbose).
 */
export function reportError(err: unknown, verbose: boolean, json = false): never {
  let line: string;
  if (err instanceof TwoPmError) line = err.shortMessage;
  else if (err && typeof err === "object" && "shortMessage" in err && typeof err.shortMessage === "string")
    line = err.shortMessage; // viem errors
  else if (err instanceof Error) line = err.message.split("\n")[0];
  else line = String(err);
  if (json) {
    const details = verbose && err instanceof TwoPmError ? err.details : undefined;
    process.stderr.write(JSON.stringify({ error: line, kind: err instanceof Error ? err.name : "Error", ...(details ? { details } : {}) }) + "\n");
    process.exit(1);
  }
  process.stderr.write(`error: ${line}\n`);
  if (verbose) {
    if (err instanceof TwoPmError && err.details) process.stderr.write(`details: ${err.details}\n`);
    if (err instanceof Error && err.stack) process.stderr.write(err.stack + "\n");
  }
  process.exit(1);
}

/** Wraps an async action so errors become one line and a non-zero exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    try {
      await fn(...args);
    } catch (err) {
      const g = globalOptions(cmd);
      reportError(err, Boolean(g.verbose), Boolean(g.json));
    }
  };
}

export { Command, Option };
