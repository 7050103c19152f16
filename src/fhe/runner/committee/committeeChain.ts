// The committee protocol's view of FheCommittees, on top of the chain actions of src/chain/committees: a member's
// seat by address, and the value every key confirmation must match.
import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";
import type { ChainContext } from "../../../chain/client.ts";
import { readCommittee, type CommitteeSeat, type CommitteeView } from "../../../chain/committees/readCommittee.ts";

export { readCommittee };
export type { CommitteeSeat, CommitteeView };

/** `account`'s seat in `committee`, or undefined when it is not a member. */
export const seatOf = (committee: CommitteeView, account: Address): CommitteeSeat | undefined =>
  committee.members.find((m) => m.address.toLowerCase() === account.toLowerCase());

/** The member addresses in seat order. */
export const memberAddresses = (committee: CommitteeView): Address[] => committee.members.map((m) => m.address);

/** keccak256(abi.encode(keyId, keysRoot)): what every member's confirmation must match (IFheCommittees.Committee.candidate). */
export const keysCandidate = (keyId: Hex, keysRoot: Hex): Hex => keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "bytes32" }], [keyId, keysRoot]));

/** The candidate of the first confirmation (zero before any), which the chain view does not carry. */
export async function readCandidate(ctx: ChainContext, committeeId: bigint): Promise<Hex> {
  return (await ctx.contracts.fheCommittees.read.getCommittee([committeeId])).candidate;
}

/** A chain time as an ISO date, for messages. */
export const isoTime = (seconds: bigint): string => new Date(Number(seconds) * 1000).toISOString();

/** The latest block's time. */
export const chainNow = async (ctx: ChainContext): Promise<bigint> => (await ctx.publicClient.getBlock({ blockTag: "latest" })).timestamp;
