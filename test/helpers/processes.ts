// Helpers for tests that run servers: free ports, readiness polling and stopping whole process groups.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createServer } from "node:net";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `output()` keeps the last 200 kB; `outputBytes()` counts everything printed (a progress measure). */
export type Spawned = { child: ChildProcess; output: () => string; outputBytes: () => number; stop: (signal?: NodeJS.Signals) => Promise<void> };

/** Spawns a process in its own process group (so stop() also ends its children) and keeps its output. */
export function spawnGroup(cmd: string, args: string[], options: SpawnOptions = {}): Spawned {
  const child = spawn(cmd, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let bytes = 0;
  const keep = (d: Buffer) => {
    bytes += d.length;
    out = (out + d).slice(-200_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => out,
    outputBytes: () => bytes,
    stop: async (signal: NodeJS.Signals = "SIGINT") => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        return;
      }
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000).unref());
      if ((await Promise.race([exited, timeout])) === "timeout") {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {}
        await exited;
      }
    },
  };
}

/**
 * Polls `check` until it returns a value (not undefined) or throws after `timeoutMs`. With `progress`, the deadline
 * is a stall limit instead: it restarts whenever `progress()` changes (e.g. a child's output grew), so a slow but
 * working process on a loaded machine is waited for, and a stuck one still fails.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 200, progress?: () => unknown): Promise<T> {
  let deadline = Date.now() + timeoutMs;
  let seen = progress?.();
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (progress) {
      const now = progress();
      if (now !== seen) [seen, deadline] = [now, Date.now() + timeoutMs];
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${progress ? ` (no progress for ${timeoutMs / 1000} s)` : ""}${lastError ? `: ${String(lastError)}` : ""}`);
}
