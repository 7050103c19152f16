import type { Address, Hex } from "viem";
import type { ChainContext } from "../client.ts";
import { COMMITTEE_STATUS, type CommitteeStatusName } from "../constants.ts";
import { explainChainError } from "../errors.ts";

/** A member's seat. `member` is its index in the key-share files (seat index − 1). */
export type CommitteeSeat = {
  address: Address;
  index: number;
  member: number;
  committed: boolean;
  confirmed: boolean;
  slashed: boolean;
  stakeWithdrawn: boolean;
  /** Storage root of the member's key share file (zero until committed). */
  keyShareRoot: Hex;
};

export type CommitteeView = {
  committeeId: bigint;
  creator: Address;
  status: CommitteeStatusName;
  threshold: number;
  commits: number;
  confirmations: number;
  setupDeadline: bigint;
  /** When it was retired, broken or failed (0 otherwise). */
  endedAt: bigint;
  unbondingPeriod: number;
  /** When stakes become withdrawable: endedAt for a Failed committee, endedAt + unbondingPeriod once Retired or Broken; undefined while it serves or sets up. */
  unbondsAt: bigint | undefined;
  stakeToken: Address;
  stake: bigint;
  /** Public seed of the key setup (the library's committeeId). */
  seed: Hex;
  /** The collective key's id and the committee keys file's root (zero until Active). */
  keyId: Hex;
  keysRoot: Hex;
  members: CommitteeSeat[];
};

/**
 * A committee with its members in seat order and each seat's progress. An unknown id is a one-line ChainError
 * ("committee 9 does not exist").
 * @example const c = await readCommittee(ctx, 1n); c.status === "Active" && c.keyId
 */
export async function readCommittee(ctx: ChainContext, committeeId: bigint): Promise<CommitteeView> {
  const contract = ctx.contracts.fheCommittees;
  const [c, addresses] = await Promise.all([contract.read.getCommittee([committeeId]), contract.read.getMembers([committeeId])])
    .catch((err: unknown) => Promise.reject(explainChainError(err, `read committee ${committeeId}`)));
  const members = await Promise.all(addresses.map(async (address): Promise<CommitteeSeat> => {
    const seat = await contract.read.getSeat([committeeId, address]);
    return { address, index: seat.index, member: seat.index - 1, committed: seat.committed, confirmed: seat.confirmed, slashed: seat.slashed, stakeWithdrawn: seat.stakeWithdrawn, keyShareRoot: seat.keyShareRoot };
  }));
  const status = COMMITTEE_STATUS[c.status];
  const unbondsAt = status === "Failed" ? c.endedAt : status === "Retired" || status === "Broken" ? c.endedAt + BigInt(c.unbondingPeriod) : undefined;
  return {
    committeeId, creator: c.creator, status, threshold: c.threshold, commits: c.commits, confirmations: c.confirmations,
    setupDeadline: c.setupDeadline, endedAt: c.endedAt, unbondingPeriod: c.unbondingPeriod, unbondsAt,
    stakeToken: c.stakeToken, stake: c.stake, seed: c.seed, keyId: c.keyId, keysRoot: c.keysRoot, members,
  };
}
