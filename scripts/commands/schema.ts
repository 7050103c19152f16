import type { Command } from "commander";
import { registerSchema } from "../../src/chain/index.ts";
import { canonicalJsonBytes } from "../../src/storage/canonicalJson.ts";
import { loadSchema, schemaHash } from "../../src/data/schema.ts";
import { action, output } from "../lib/cli.ts";
import { accountOption, chainFor, storeFor } from "../lib/context.ts";

export default function register(program: Command): void {
  const schema = program.command("schema").description("dataset schemas (data owners, task creators)");

  schema
    .command("hash <file>")
    .description("print a schema file's hash (keccak256 of its canonical JSON)")
    .action(action(async (file: string, _opts: unknown, cmd: Command) => {
      const parsed = await loadSchema(file);
      const hash = schemaHash(parsed);
      output(cmd, { schema: parsed.name, schemaHash: hash }, () => hash);
    }));

  accountOption(
    schema
      .command("register <file>")
      .description("validate a schema file, store it and register its hash on DatasetIndex (idempotent)"),
  ).action(action(async (file: string, _opts: unknown, cmd: Command) => {
    const parsed = await loadSchema(file);
    const hash = schemaHash(parsed);
    const root = await storeFor(cmd).put(canonicalJsonBytes(parsed));
    const ctx = await chainFor(cmd);
    const { schemaId, existed } = await registerSchema(ctx, hash, `0g://${root}`);
    output(cmd, { schemaId, schemaHash: hash, root, existed }, () =>
      `${existed ? "already registered" : "registered"}: schema '${parsed.name}' id ${schemaId} (hash ${hash}, stored at ${root})`);
  }));
}
