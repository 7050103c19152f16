import path from "node:path";
import { createFheContext } from "../../fhe/createFheContext.ts";
import type { EncryptTableParameters } from "../../fhe/encryptTable.ts";
import { writeFhedFile, type WriteFhedFileReturnType } from "../../fhe/writeFhedFile.ts";
import type { PreparedDataset } from "../prepareDataset.ts";
import { schemaHash } from "../schema.ts";

export type EncryptDatasetParameters = {
  /** The key pair's secret key (`loadKeys(dir, keyId, ["secret"])`): seeded symmetric CKKS. */
  keys: EncryptTableParameters["keys"];
  /** The .fhed file to write. */
  out: string;
  onProgress?: (stage: "encrypt", done: number, total: number) => void;
};

/**
 * Encrypts a prepared table (standardized features, its schema hash and standardization) into a .fhed file.
 *
 * @example
 * const keys = await loadKeys(".2pm/keys", keyId, ["secret"])
 * const { bytes } = await encryptDataset(await prepareDataset(files), { keys, out: "biscoe.fhed" })
 */
export async function encryptDataset(prepared: PreparedDataset, p: EncryptDatasetParameters): Promise<WriteFhedFileReturnType> {
  const { schema, stats, table } = prepared;
  const ctx = await createFheContext();
  try {
    return await writeFhedFile(ctx, path.resolve(p.out), {
      features: table.features, columns: table.columns, keys: p.keys, schemaHash: schemaHash(schema), standardization: stats,
    }, (done, total) => p.onProgress?.("encrypt", done, total));
  } finally {
    ctx.dispose();
  }
}
