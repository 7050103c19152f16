import { readdirSync } from "node:fs";
import type { Command } from "commander";

/**
 * Which file registers each top-level command. A run loads only the file of the command it names: importing every
 * command pulls in node-seal, viem's curves and the 0G SDK, ~1 s of CPU per `2pm` process before anything runs.
 * test/unit/cli/commands.test.ts checks this table against what the files register.
 */
export const COMMAND_FILES: Readonly<Record<string, string>> = {
  aggregate: "aggregate.ts",
  claim: "settle.ts",
  committee: "committee.ts",
  data: "data.ts",
  dispute: "settle.ts",
  fhe: "fhe.ts",
  keys: "keys.ts",
  node: "node.ts",
  refund: "settle.ts",
  resolve: "settle.ts",
  schema: "schema.ts",
  settle: "settle.ts",
  slash: "settle.ts",
  stake: "stake.ts",
  task: "task.ts",
  token: "token.ts",
  "verify-settlement": "settle.ts",
};

/** Global options that take a value (the word after them is not the command). */
const VALUE_OPTIONS = new Set(["-n", "--network", "--home"]);

/** The first operand of `argv` (after node and the script), skipping global options and their values. */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

/**
 * Every module in scripts/commands/ (but this one) default-exports `register(program)`, which adds its commands.
 * With `argv`, only the file of the command it names is loaded; top-level help, `help` and unknown commands load
 * all of them (in file-name order), so usage and "unknown command" messages list everything.
 */
export async function loadCommands(argv?: readonly string[]): Promise<Array<(program: Command) => void>> {
  const only = argv && COMMAND_FILES[commandName(argv) ?? ""];
  const files = only ? [only] : readdirSync(import.meta.dirname).filter((f) => f.endsWith(".ts") && f !== "index.ts").sort();
  const modules = await Promise.all(files.map((f) => import(`./${f}`)));
  return modules.map((m) => m.default as (program: Command) => void);
}
