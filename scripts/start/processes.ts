// The child processes `npm start` supervises: each runs in its own process group (so stopping it also stops what it
// spawned: Ponder's workers, …), keeps the tail of its output for error messages, and is stopped on every exit path.
import { spawn, type ChildProcess } from "node:child_process";

/** `tail()` keeps the last 8 kB of output; `printed()` counts every byte (how `waitUntil` sees progress). */
export type Child = { name: string; process: ChildProcess; tail: () => string; printed: () => number };

/** Every child still running. */
export const children = new Set<Child>();

export function startChild(name: string, cmd: string, argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Child {
  const proc = spawn(cmd, argv, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  let printed = 0;
  const keep = (d: Buffer) => {
    printed += d.length;
    tail = (tail + d).slice(-8_000);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const child = { name, process: proc, tail: () => tail, printed: () => printed };
  children.add(child);
  proc.once("exit", () => children.delete(child));
  return child;
}

export const hasExited = (child: Child) => child.process.exitCode !== null || child.process.signalCode !== null;

export function killGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.process.pid!, signal);
  } catch {}
}

export async function stopChild(child: Child): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.process.once("exit", () => resolve()));
  killGroup(child, "SIGINT"); // SIGINT: Ponder releases its schema lock on SIGINT only
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), 8_000);
  await exited;
  clearTimeout(timer);
  killGroup(child, "SIGKILL"); // anything the child left in its group
}

export function lastLines(text: string, n = 15): string {
  return text.trim().split("\n").slice(-n).map((l) => `  ${l}`).join("\n");
}

/**
 * Polls `check` until it holds; fails with the child's last lines when the child exits or stalls: `stallMs` without
 * a new byte of output. A stall limit rather than a deadline, so a busy machine only makes the start slower.
 */
export async function waitUntil(what: string, check: () => Promise<boolean>, child: Child, stallMs = 120_000): Promise<void> {
  let seen = child.printed();
  let deadline = Date.now() + stallMs;
  while (Date.now() < deadline) {
    if (hasExited(child)) throw new Error(`${what} exited (${child.process.exitCode ?? child.process.signalCode}):\n${lastLines(child.tail())}`);
    if (await check().catch(() => false)) return;
    if (child.printed() !== seen) [seen, deadline] = [child.printed(), Date.now() + stallMs];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready (no output for ${stallMs / 1000} s):\n${lastLines(child.tail())}`);
}
