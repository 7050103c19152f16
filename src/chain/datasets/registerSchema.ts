import type { Hex } from "viem";
import { datasetIndexAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { receiptEvent } from "../receiptEvent.ts";
import { write } from "../write.ts";

export type RegisterSchemaReturnType = { schemaId: bigint; existed: boolean };

/** Registers a schema (or returns the id it already has). */
export async function registerSchema(ctx: ChainContext, schemaHash: Hex, uri: string): Promise<RegisterSchemaReturnType> {
  const existing = await ctx.contracts.datasetIndex.read.schemaIdOf([schemaHash]);
  if (existing !== 0n) return { schemaId: existing, existed: true };
  const receipt = await write(ctx, { address: ctx.deployments.datasetIndex.address, abi: datasetIndexAbi, functionName: "registerSchema", args: [schemaHash, uri] }, "register schema");
  return { schemaId: receiptEvent(receipt, datasetIndexAbi, "SchemaRegistered").schemaId, existed: false };
}
