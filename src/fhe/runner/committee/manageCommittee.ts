// A committee's life outside key setup and tasks: create, retire, withdraw stakes and credits, end a failed setup.
import type { Address, Hex } from "viem";
import { requireAccount, type ChainContext } from "../../../chain/client.ts";
import { createCommittee as createCommitteeOnChain } from "../../../chain/committees/createCommittee.ts";
import { failSetup } from "../../../chain/committees/failSetup.ts";
import { retireCommittee as retireCommitteeOnChain } from "../../../chain/committees/retireCommittee.ts";
import { withdrawCommitteeStake as withdrawStakeOnChain } from "../../../chain/committees/withdrawCommitteeStake.ts";
import { withdrawCredit } from "../../../chain/committees/withdrawCredit.ts";
import { FheTaskError } from "../fheTask.ts";
import { chainNow, readCommittee, seatOf } from "./committeeChain.ts";

export type CreateCommitteeParameters = {
  members: readonly Address[];
  /** Each member's stake, in base units of `stakeToken`. */
  stake: bigint;
  stakeToken: Address;
  /** Seconds from now until the setup deadline. */
  setupPeriod: number;
  /** Seconds stakes stay slashable after retirement or breakage. */
  unbondingPeriod: number;
};

/**
 * Creates a committee (n-of-n) of `members`; each then runs keygen, join and confirm.
 * @example const { committeeId, seed } = await createCommittee(ctx, { members, stake: 10n ** 18n, stakeToken, setupPeriod: 3600, unbondingPeriod: 86400 })
 */
export async function createCommittee(ctx: ChainContext, p: CreateCommitteeParameters): Promise<{ committeeId: bigint; seed: Hex; setupDeadline: bigint; transactionHash: Hex }> {
  requireAccount(ctx);
  if (p.members.length === 0) throw new FheTaskError("a committee needs at least one member");
  if (new Set(p.members.map((m) => m.toLowerCase())).size !== p.members.length) throw new FheTaskError("a member is listed twice");
  const setupDeadline = (await chainNow(ctx)) + BigInt(p.setupPeriod);
  const created = await createCommitteeOnChain(ctx, p.members, { stakeToken: p.stakeToken, stake: p.stake, setupDeadline, unbondingPeriod: p.unbondingPeriod, threshold: p.members.length });
  return { ...created, setupDeadline };
}

/** Retires an Active committee (its creator or a member). */
export async function retireCommittee(ctx: ChainContext, committeeId: bigint): Promise<{ transactionHash: Hex }> {
  requireAccount(ctx);
  const c = await readCommittee(ctx, committeeId);
  if (c.status !== "Active") throw new FheTaskError(`committee ${committeeId} is ${c.status}: only an Active committee can be retired`);
  return { transactionHash: (await retireCommitteeOnChain(ctx, committeeId)).transactionHash };
}

/** Ends a setup that missed its deadline (anyone). */
export async function failCommitteeSetup(ctx: ChainContext, committeeId: bigint): Promise<{ transactionHash: Hex }> {
  requireAccount(ctx);
  await readCommittee(ctx, committeeId);
  return { transactionHash: (await failSetup(ctx, committeeId)).transactionHash };
}

/** Withdraws the caller's stake (Failed: at once; Retired/Broken: after unbonding). */
export async function withdrawCommitteeStake(ctx: ChainContext, committeeId: bigint): Promise<{ amount: bigint; transactionHash: Hex }> {
  const { account } = requireAccount(ctx);
  const c = await readCommittee(ctx, committeeId);
  const seat = seatOf(c, account.address);
  if (!seat) throw new FheTaskError(`${account.address} is not a member of committee ${committeeId}`);
  if (seat.slashed) throw new FheTaskError(`your stake in committee ${committeeId} was slashed`);
  if (seat.stakeWithdrawn) throw new FheTaskError(`you already withdrew your stake from committee ${committeeId}`);
  return { amount: c.stake, transactionHash: (await withdrawStakeOnChain(ctx, committeeId)).transactionHash };
}

/** Withdraws slashed stakes of `token` credited to the caller (a task creator whose committee member was slashed). */
export async function withdrawCommitteeCredit(ctx: ChainContext, token: Address): Promise<{ amount: bigint; transactionHash: Hex }> {
  const { account } = requireAccount(ctx);
  const amount = await ctx.contracts.fheCommittees.read.creditOf([token, account.address]);
  if (amount === 0n) throw new FheTaskError(`no slashed committee stakes of token ${token} are credited to ${account.address}`);
  return { amount, transactionHash: (await withdrawCredit(ctx, token)).transactionHash };
}
