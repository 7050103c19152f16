import type { Command } from "commander";

/** Every subcommand module registers itself on the root program; add new modules here. */
export const commands: Array<(program: Command) => void> = [];
