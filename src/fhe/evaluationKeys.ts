import { z } from "zod/v4";
import { buildContainer, parseContainer } from "./container.ts";
import { assertUsable } from "./createFheContext.ts";
import type { FheContext } from "./createFheContext.ts";
import { assertParams } from "./checks.ts";
import { FheFormatError, FheKeyMismatchError } from "./errors.ts";
import { paramsSchema } from "./fhedHeader.ts";
import { computeKeyId } from "./generateKeys.ts";
import type { EvaluationKeys, FheKeys } from "./types.ts";

const PARTS = ["public", "relin", "galois"] as const;

const bundleHeaderSchema = z.object({
  kind: z.literal("evaluation-keys"),
  scheme: z.literal("ckks"),
  params: paramsSchema,
  keyId: z.string().regex(/^0x[0-9a-f]{64}$/),
  parts: z.tuple([z.literal("public"), z.literal("relin"), z.literal("galois")]),
});

/**
 * The evaluation subset of a key set: public, relinearization and Galois keys, never the secret key.
 *
 * @example
 * const evalKeys = evaluationKeysOf(keys); // give this to the compute node
 */
export function evaluationKeysOf(keys: FheKeys | EvaluationKeys): EvaluationKeys {
  return {
    keyId: keys.keyId,
    publicKey: new Uint8Array(keys.publicKey),
    relinKeys: new Uint8Array(keys.relinKeys),
    galoisKeys: new Uint8Array(keys.galoisKeys),
  };
}

/**
 * Serializes the evaluation keys (no secret key) into one bundle for the compute node:
 * container "2PMFHEK\0" with header { kind, scheme, params, keyId, parts } and the three SEAL key blobs.
 *
 * @example
 * await writeFile("eval.keys", exportEvaluationKeys(ctx, keys));
 */
export function exportEvaluationKeys(ctx: FheContext, keys: FheKeys | EvaluationKeys): Uint8Array {
  assertUsable(ctx);
  const evalKeys = evaluationKeysOf(keys);
  if (computeKeyId(evalKeys.publicKey) !== evalKeys.keyId) {
    throw new FheKeyMismatchError(`Refusing to export: keyId ${evalKeys.keyId} is not the hash of the public key.`);
  }
  const header = { kind: "evaluation-keys", scheme: "ckks", params: ctx.params, keyId: evalKeys.keyId, parts: PARTS };
  return buildContainer("evaluationKeys", header, [evalKeys.publicKey, evalKeys.relinKeys, evalKeys.galoisKeys]);
}

/**
 * Reads an evaluation key bundle, checking its parameters against the context and its keyId against the public key.
 *
 * @example
 * const evalKeys = importEvaluationKeys(ctx, await readFile("eval.keys"));
 */
export function importEvaluationKeys(ctx: FheContext, bundle: Uint8Array): EvaluationKeys {
  assertUsable(ctx);
  const container = parseContainer(bundle, "evaluationKeys");
  const parsed = bundleHeaderSchema.safeParse(container.header);
  if (!parsed.success || container.count !== PARTS.length) {
    throw new FheFormatError("Not a valid evaluation key bundle: its header is malformed.", {
      details: parsed.success ? `${container.count} parts` : z.prettifyError(parsed.error),
    });
  }
  assertParams("key bundle", parsed.data.params, ctx);
  const keys: EvaluationKeys = {
    keyId: parsed.data.keyId as EvaluationKeys["keyId"],
    publicKey: new Uint8Array(container.blob(0)),
    relinKeys: new Uint8Array(container.blob(1)),
    galoisKeys: new Uint8Array(container.blob(2)),
  };
  if (computeKeyId(keys.publicKey) !== keys.keyId) {
    throw new FheKeyMismatchError(
      `Evaluation key bundle is inconsistent: its public key does not hash to ${keys.keyId}.`,
    );
  }
  return keys;
}
