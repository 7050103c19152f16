import { readdirSync } from "node:fs";
import type { Command } from "commander";

/**
 * Every module in scripts/commands/ (but this one) default-exports `register(program)`, which adds its
 * subcommands; they are loaded in file-name order, so adding a command is adding a file.
 */
export async function loadCommands(): Promise<Array<(program: Command) => void>> {
  const files = readdirSync(import.meta.dirname).filter((f) => f.endsWith(".ts") && f !== "index.ts").sort();
  const modules = await Promise.all(files.map((f) => import(`./${f}`)));
  return modules.map((m) => m.default as (program: Command) => void);
}
