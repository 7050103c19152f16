import type { ContractFunctionArgs, ContractFunctionName } from "viem";
import { fheCommitteesAbi } from "../abis.ts";
import { checkWrite, type CheckWriteParameters } from "../checkWrite.ts";
import type { ChainContext } from "../client.ts";
import { write, type WriteOptions, type WriteParameters, type WriteReturnType } from "../write.ts";

/** The FheCommittees functions that send a transaction. */
export type CommitteeWriteFunctionName = ContractFunctionName<typeof fheCommitteesAbi, "nonpayable" | "payable">;
export type CommitteeWriteArgs<functionName extends CommitteeWriteFunctionName> = ContractFunctionArgs<typeof fheCommitteesAbi, "nonpayable" | "payable", functionName>;

/**
 * Sends one FheCommittees transaction (simulated first: nothing is sent if it would revert), typed by the ABI.
 * @example await committeeWrite(ctx, "failSetup", [committeeId], `end the setup of committee ${committeeId}`)
 */
export function committeeWrite<functionName extends CommitteeWriteFunctionName, const args extends CommitteeWriteArgs<functionName>>(
  ctx: ChainContext,
  functionName: functionName,
  args: args,
  what: string,
  options?: WriteOptions,
): Promise<WriteReturnType> {
  return write(ctx, { address: ctx.deployments.fheCommittees.address, abi: fheCommitteesAbi, functionName, args } as WriteParameters<typeof fheCommitteesAbi, functionName, args>, what, options);
}

/**
 * What {committeeWrite} would find out, without sending (the contract accepts it, the account can pay the gas): run
 * it before work that leaves files (an upload of keys or of a decryption share).
 * @example await checkCommitteeWrite(ctx, "postShare", [taskId, root, false], `post the share of task ${taskId}`)
 */
export function checkCommitteeWrite<functionName extends CommitteeWriteFunctionName, const args extends CommitteeWriteArgs<functionName>>(
  ctx: ChainContext,
  functionName: functionName,
  args: args,
  what: string,
): Promise<void> {
  return checkWrite(ctx, { address: ctx.deployments.fheCommittees.address, abi: fheCommitteesAbi, functionName, args } as CheckWriteParameters<typeof fheCommitteesAbi, functionName, args>, what);
}
