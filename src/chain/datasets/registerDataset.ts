import { zeroHash, type Hex } from "viem";
import { datasetIndexAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { ENCRYPTION } from "../constants.ts";
import { receiptEvent } from "../receiptEvent.ts";
import { write } from "../write.ts";

export type DatasetEncryption = "none" | "ckks";

/** The contract's Encryption value for a dataset's encryption. */
export const encryptionCode = (encryption: DatasetEncryption): number => ENCRYPTION.indexOf(encryption === "ckks" ? "CKKS" : "None");

export type RegisterDatasetParameters = {
  schemaId: bigint;
  root: Hex;
  manifestRoot: Hex;
  rows: bigint;
  encryption: DatasetEncryption;
  keyId?: Hex;
  uri: string;
};

export type RegisterDatasetReturnType = { datasetId: bigint; transactionHash: Hex };

/** Registers a dataset commitment owned by the acting account. */
export async function registerDataset(ctx: ChainContext, p: RegisterDatasetParameters): Promise<RegisterDatasetReturnType> {
  const receipt = await write(ctx, {
    address: ctx.deployments.datasetIndex.address,
    abi: datasetIndexAbi,
    functionName: "registerDataset",
    args: [p.schemaId, p.root, p.manifestRoot, p.rows, encryptionCode(p.encryption), p.keyId ?? zeroHash, p.uri],
  }, "register dataset");
  return { datasetId: receiptEvent(receipt, datasetIndexAbi, "DatasetRegistered").datasetId, transactionHash: receipt.transactionHash };
}
