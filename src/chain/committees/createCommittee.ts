import type { Address, Hex } from "viem";
import { fheCommitteesAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { receiptEvent } from "../receiptEvent.ts";
import { committeeWrite } from "./committeeWrite.ts";

/** What a committee's creator chooses (the contract's CommitteeParams). Times in seconds. */
export type CommitteeParams = {
  stakeToken: Address;
  /** Each member's stake, in base units. */
  stake: bigint;
  /** Unix time by which every member must have committed and confirmed. */
  setupDeadline: bigint;
  /** How long stakes stay slashable after the committee is retired or broken. */
  unbondingPeriod: number;
  /** Shares needed to decrypt: the member count (n-of-n). */
  threshold: number;
};

export type CreateCommitteeReturnType = {
  committeeId: bigint;
  /** The public seed of the members' key shares (the library's committeeId). */
  seed: Hex;
  transactionHash: Hex;
};

/**
 * Creates a committee of `members` (fixed, in seat order); the creator need not be a member and stakes nothing.
 * @example const { committeeId, seed } = await createCommittee(ctx, [a, b, c], { stakeToken, stake, setupDeadline, unbondingPeriod: 60, threshold: 3 })
 */
export async function createCommittee(ctx: ChainContext, members: readonly Address[], params: CommitteeParams): Promise<CreateCommitteeReturnType> {
  const receipt = await committeeWrite(ctx, "createCommittee", [members, params], "create the committee");
  const { committeeId, seed } = receiptEvent(receipt, fheCommitteesAbi, "CommitteeCreated");
  return { committeeId, seed, transactionHash: receipt.transactionHash };
}
