#!/usr/bin/env node
// The `2pm` command: one subcommand per user action; all logic lives in src/.
import { Command } from "commander";
import { loadCommands } from "./commands/index.ts";

if (Number(process.versions.node.split(".")[0]) < 22) {
  process.stderr.write(`error: 2pm needs Node >= 22 (this is ${process.version}); run it through npm (npm run 2pm -- …)\n`);
  process.exit(1);
}

const program = new Command("2pm")
  .description("2PM: contribute private data and compute to machine learning on 0G, and get paid for it")
  .option("--json", "print machine-readable JSON results")
  .option("--verbose", "print error details and stacks")
  .option("-n, --network <name>", "network: localhost | hardhat | zgGalileo | zgMainnet", process.env.TWOPM_NETWORK ?? "localhost")
  .option("--home <dir>", "state directory (keys, local store, node state)", process.env.TWOPM_HOME ?? ".2pm")
  .showHelpAfterError("(run with --help for usage)");

// Under --json, usage errors (unknown option, missing argument…) are JSON too: {"error":"…","kind":"UsageError"}.
if (process.argv.includes("--json")) {
  program.showHelpAfterError(false).configureOutput({
    outputError: (text, write) => {
      const line = text.trim().split("\n")[0]?.replace(/^error: /, "");
      if (line) write(JSON.stringify({ error: line, kind: "UsageError" }) + "\n");
    },
  });
}

for (const register of await loadCommands(process.argv)) register(program);

await program.parseAsync(process.argv);
