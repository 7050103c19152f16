import path from "node:path";
import type { Command } from "commander";
import type { Hex } from "viem";
import { createFheContext, exportEvaluationKeys, generateKeys, loadKeys, saveKeys } from "../../src/fhe/index.ts";
import { writeFileAtomic } from "../../src/storage/atomicWrite.ts";
import { action, output } from "../lib/cli.ts";
import { homeFor } from "../lib/context.ts";

function keyIdOf(value: string): Hex {
  if (!/^0x[0-9a-f]{64}$/.test(value)) throw new Error(`'${value}' is not a key id (0x + 64 lowercase hex digits; see \`2pm keys new\`)`);
  return value as Hex;
}

export default function register(program: Command): void {
  const keys = program.command("keys").description("CKKS key pairs of a data owner (stored 0600 under <home>/keys/<keyId>/)");

  keys.command("new").description("generate a CKKS key set (N=8192, 128-bit security) and print its keyId")
    .action(action(async (_opts: object, cmd: Command) => {
      const dir = path.join(homeFor(cmd), "keys");
      const ctx = await createFheContext();
      try {
        const set = generateKeys(ctx);
        const keyDir = await saveKeys(dir, set);
        output(cmd, { keyId: set.keyId, dir: keyDir }, () => set.keyId);
      } finally {
        ctx.dispose();
      }
    }));

  keys.command("export-eval").description("write the evaluation keys (public, relinearization, Galois; no secret key) for a compute node")
    .requiredOption("--key <keyId>", "key id from `2pm keys new`")
    .requiredOption("--out <file>", "output file")
    .action(action(async (opts: { key: string; out: string }, cmd: Command) => {
      const keyId = keyIdOf(opts.key);
      const dir = path.join(homeFor(cmd), "keys");
      const loaded = await loadKeys(dir, keyId, ["public", "relin", "galois"]);
      const ctx = await createFheContext();
      try {
        const bundle = exportEvaluationKeys(ctx, loaded);
        const out = path.resolve(opts.out);
        await writeFileAtomic(out, bundle, { mode: 0o600 });
        output(cmd, { keyId, out, bytes: bundle.length }, () => `evaluation keys of ${keyId} written to ${out} (${bundle.length} bytes)`);
      } finally {
        ctx.dispose();
      }
    }));
}
