// The `2pm` command loads only the file of the command it runs: the table that says which file that is must match
// what the files register, or a command would vanish (or run without its siblings' help) in a real run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { COMMAND_FILES, commandName, loadCommands } from "../../../scripts/commands/index.ts";

const dir = path.resolve(import.meta.dirname, "../../../scripts/commands");

test("COMMAND_FILES names every top-level command with the file that registers it, and nothing else", async () => {
  const registered: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts")) {
    const program = new Command();
    ((await import(path.join(dir, file))).default as (p: Command) => void)(program);
    for (const c of program.commands) registered[c.name()] = file;
  }
  assert.deepEqual(Object.entries(COMMAND_FILES).sort(), Object.entries(registered).sort());
});

test("commandName skips global options and their values", () => {
  const argv = (...args: string[]) => ["node", "2pm.ts", ...args];
  assert.equal(commandName(argv("--json", "--home", "task", "data", "register")), "data");
  assert.equal(commandName(argv("-n", "localhost", "--verbose", "settle", "--task", "1")), "settle");
  assert.equal(commandName(argv("--network=localhost", "token", "balance")), "token");
  assert.equal(commandName(argv("--help")), undefined);
});

test("a run of one command loads its file only; help and unknown commands load every file", async () => {
  const argv = (...args: string[]) => ["node", "2pm.ts", ...args];
  const names = async (args: string[]) => {
    const program = new Command();
    for (const register of await loadCommands(argv(...args))) register(program);
    return program.commands.map((c) => c.name()).sort();
  };
  assert.deepEqual(await names(["--json", "claim", "--task", "1"]), ["claim", "dispute", "refund", "resolve", "settle", "slash", "verify-settlement"]);
  assert.deepEqual(await names(["data", "--help"]), ["data"]);
  const all = Object.keys(COMMAND_FILES).sort();
  assert.deepEqual(await names(["--help"]), all);
  assert.deepEqual(await names(["help", "data"]), all);
  assert.deepEqual(await names(["no-such-command"]), all);
});
