import { zeroHash, type Hex } from "viem";
import { datasetIndexAbi } from "../../chain/abis.ts";
import { checkWrite, encryptionCode, getEvents, registerDataset, type ChainContext } from "../../chain/index.ts";
import type { LocalStore } from "../../storage/localStore.ts";
import type { ZeroGStore } from "../../storage/zeroGStore.ts";
import { DataError } from "../errors.ts";
import { storeDataset, type StoreDatasetParameters, type StoredDataset } from "./storeDataset.ts";

export type PublishDatasetParameters = Omit<StoreDatasetParameters, "schemaId" | "check"> & {
  /** Register even when a dataset with the same data root is already registered. */
  allowDuplicate?: boolean;
};

export type PublishDatasetReturnType = Omit<StoredDataset, "undo"> & { datasetId: bigint; transactionHash: Hex };

/**
 * A data owner's first version: validate, standardize, (encrypt,) check everything the chain would check (schema
 * registered, no duplicate root, the registration simulated: balance, chain, arguments), store, register. A failed
 * registration takes back what was written locally.
 *
 * @example
 * const { datasetId } = await publishDataset(ctx, store, { home: ".2pm", schemaFile, dataFile, histogram: true })
 */
export async function publishDataset(ctx: ChainContext, store: LocalStore | ZeroGStore, p: PublishDatasetParameters): Promise<PublishDatasetReturnType> {
  const stored = await storeDataset(ctx, store, {
    ...p,
    check: async (c) => {
      if (!p.allowDuplicate) await refuseDuplicateRoot(ctx, c.schemaId, c.root);
      await checkWrite(ctx, {
        address: ctx.deployments.datasetIndex.address, abi: datasetIndexAbi, functionName: "registerDataset",
        args: [c.schemaId, c.root, c.manifestRoot, BigInt(c.rows), encryptionCode(c.encryption), c.keyId ?? zeroHash, `0g://${c.manifestRoot}`],
      }, "register dataset");
    },
  });
  const { undo, ...rest } = stored;
  const { datasetId, transactionHash } = await registerDataset(ctx, {
    schemaId: stored.schemaId, root: stored.root, manifestRoot: stored.manifestRoot, rows: BigInt(stored.rows),
    encryption: stored.encryption, keyId: stored.keyId, uri: `0g://${stored.manifestRoot}`,
  }).catch(async (err) => { await undo(); throw err; });
  return { ...rest, datasetId, transactionHash };
}

/** Refuses a data root some dataset of this schema already has (the same data registered again, by anyone). */
async function refuseDuplicateRoot(ctx: ChainContext, schemaId: bigint, root: Hex): Promise<void> {
  const address = ctx.deployments.datasetIndex.address;
  const [registered, updated] = await Promise.all([
    getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetRegistered", args: { schemaId } }),
    getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetUpdated" }),
  ]);
  const same = [...registered, ...updated].find((log) => String(log.args.root).toLowerCase() === root.toLowerCase());
  if (same) throw new DataError(`this data (root ${root}) is already registered as dataset ${same.args.datasetId}: pass --allow-duplicate to register it again`);
}
