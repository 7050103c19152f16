import { requireAccount, type ChainContext } from "../../chain/client.ts";
import { readDataset, retireDataset, type DatasetRecord } from "../../chain/index.ts";
import { DataError } from "../errors.ts";

/**
 * The acting account's dataset `datasetId`, refused (before any work) when it is someone else's or retired.
 *
 * @example
 * const current = await ownedActiveDataset(ctx, 1n)
 */
export async function ownedActiveDataset(ctx: ChainContext, datasetId: bigint): Promise<DatasetRecord> {
  const { account } = requireAccount(ctx);
  const current = await readDataset(ctx, datasetId);
  if (current.owner.toLowerCase() !== account.address.toLowerCase()) throw new DataError(`dataset ${datasetId} belongs to ${current.owner}, not to ${account.address}`);
  if (current.retired) throw new DataError(`dataset ${datasetId} is retired`);
  return current;
}

/**
 * Retires one of the acting account's datasets for good (no new task can use it).
 *
 * @example
 * const { transactionHash } = await retireOwnDataset(ctx, 1n)
 */
export async function retireOwnDataset(ctx: ChainContext, datasetId: bigint): Promise<{ transactionHash: `0x${string}` }> {
  await ownedActiveDataset(ctx, datasetId);
  return retireDataset(ctx, datasetId);
}
