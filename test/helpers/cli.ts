// Runs the `2pm` CLI as a real process (node scripts/2pm.ts), the way a user does, for end-to-end tests.
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export const cliPath = path.resolve(import.meta.dirname, "../../scripts/2pm.ts");

export type CliResult = {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The arguments, for assertion messages. */
  args: string[];
};

export type RunCliOptions = {
  /** Extra environment (e.g. a LocalChain's `env`: LOCALHOST_RPC_URL, TWOPM_ROOT); merged over process.env. */
  env?: Record<string, string | undefined>;
  /** The state directory, passed as `--home <dir>` before the subcommand. */
  home?: string;
  /** Working directory (default: the project root). */
  cwd?: string;
  /** Text written to stdin (default: none, stdin closed). */
  input?: string;
  /** Kill the process (SIGKILL) after this many ms; the result then has code null. Default 120 000. */
  timeoutMs?: number;
};

/**
 * Runs `node scripts/2pm.ts [--home <home>] ...args` with the given environment and resolves with its exit code
 * and output (it never rejects for a non-zero exit: assert on `code`).
 * @example const { code, stdout } = await runCli(["--json", "token", "balance", "--of", addr], { env: chain.env, home })
 */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  const fullArgs = [...(options.home ? ["--home", options.home] : []), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...fullArgs], {
      cwd: options.cwd ?? path.resolve(import.meta.dirname, "../.."),
      env: { ...process.env, ...options.env, NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, args: fullArgs });
    });
    child.stdin.end(options.input ?? "");
  });
}

/**
 * A runner bound to one environment and home, for tests that call the CLI many times.
 * @example const cli = cliRunner({ env: chain.env, home: await tempHome() }); await cli("settle", "--task", "1", "--account", "2")
 */
export function cliRunner(defaults: RunCliOptions): (...args: string[]) => Promise<CliResult> {
  return (...args: string[]) => runCli(args, defaults);
}

/** A fresh temporary directory to use as `--home` (the caller removes it). */
export function tempHome(prefix = "2pm-home-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Parses the stdout of a `--json` run, with the whole result in the error when it is not JSON. */
export function jsonOf<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`2pm ${result.args.join(" ")} did not print JSON (exit ${result.code})\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

/** Fails with the command's output unless it exited with `code` (default 0). */
export function expectExit(result: CliResult, code = 0): CliResult {
  if (result.code !== code) {
    throw new Error(`2pm ${result.args.join(" ")} exited ${result.code}, expected ${code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result;
}
