import path from "node:path";
import { createFheContext } from "../../fhe/createFheContext.ts";
import type { EncryptTableParameters } from "../../fhe/encryptTable.ts";
import { writeFhedFile, type WriteFhedFileReturnType } from "../../fhe/writeFhedFile.ts";
import { COMMITTEE_FHE_PARAMS } from "../../fhe/multiparty/index.ts";
import { withSquareColumns } from "../../fhe/runner/committee/committeeTask.ts";
import type { EvaluationKeys } from "../../fhe/types.ts";
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

export type EncryptDatasetForCommitteeParameters = {
  /** The committee's collective keys (`readCommitteeKeys(...).evaluationKeys`): public-key encryption. */
  keys: EvaluationKeys;
  out: string;
  onProgress?: (stage: "encrypt", done: number, total: number) => void;
};

/**
 * Encrypts a prepared table under a committee's collective public key, with an x² column next to each column (the
 * committee layout: variances without a relinearization key). Only all the committee's members together can
 * decrypt it; the contributor keeps no key at all.
 *
 * @example
 * const { header } = await encryptDatasetForCommittee(prepared, { keys: committeeKeys.evaluationKeys, out: "biscoe.fhed" })
 */
export async function encryptDatasetForCommittee(prepared: PreparedDataset, p: EncryptDatasetForCommitteeParameters): Promise<WriteFhedFileReturnType> {
  const { schema, stats, table } = prepared;
  const { features, columns } = withSquareColumns(table.features, table.columns);
  const ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
  try {
    return await writeFhedFile(ctx, path.resolve(p.out), {
      features, columns, keys: { keyId: p.keys.keyId, publicKey: p.keys.publicKey }, schemaHash: schemaHash(schema), standardization: stats,
    }, (done, total) => p.onProgress?.("encrypt", done, total));
  } finally {
    ctx.dispose();
  }
}
