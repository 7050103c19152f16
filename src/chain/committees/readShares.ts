import { zeroHash, type Address, type Hex } from "viem";
import type { ChainContext } from "../client.ts";
import { committeeOfKey } from "./committeeOfKey.ts";
import { readTaskKeyId } from "./readTaskKeyId.ts";

/** A member's post for one result: its decryption share's root, or (declined) the root of its reason; undefined root: nothing posted. */
export type MemberShare = {
  address: Address;
  /** The member's index in the key-share files (seat index − 1): which share this is. */
  member: number;
  root: Hex | undefined;
  declined: boolean;
};

export type ReadSharesReturnType = {
  committeeId: bigint;
  /** Posts so far (shared or declined). */
  count: number;
  /** One entry per member, in seat order. */
  shares: MemberShare[];
};

/**
 * What each member of the committee holding `taskId`'s key posted for the result of round 1's `attempt`, or
 * undefined when the task is not under a committee's key.
 * @example const { shares } = (await readShares(ctx, 7n, 1))!; shares.filter((s) => s.root && !s.declined)
 */
export async function readShares(ctx: ChainContext, taskId: bigint, attempt: number): Promise<ReadSharesReturnType | undefined> {
  const keyId = await readTaskKeyId(ctx, taskId);
  const committeeId = keyId && (await committeeOfKey(ctx, keyId));
  if (!committeeId) return undefined;
  const contract = ctx.contracts.fheCommittees;
  const [addresses, count] = await Promise.all([contract.read.getMembers([committeeId]), contract.read.shareCount([taskId, attempt])]);
  const shares = await Promise.all(addresses.map(async (address, i): Promise<MemberShare> => {
    const share = await contract.read.shareOf([taskId, attempt, address]);
    return { address, member: i, root: share.root === zeroHash ? undefined : share.root, declined: share.declined };
  }));
  return { committeeId, count, shares };
}
