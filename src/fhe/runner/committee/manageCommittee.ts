// A committee's life outside key setup and tasks: create, retire, withdraw stakes and credits, end a failed setup.
import { parseEventLogs, type Address, type Hex } from "viem";
import { fheCommitteesAbi } from "../../../chain/abis.ts";
import { requireAccount, type ChainContext } from "../../../chain/client.ts";
import { FheTaskError } from "../fheTask.ts";
import { committeeWrite, readCommittee, readCredit, readSeat } from "./committeeChain.ts";

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
  const now = (await ctx.publicClient.getBlock({ blockTag: "latest" })).timestamp;
  const setupDeadline = now + BigInt(p.setupPeriod);
  const params = { stakeToken: p.stakeToken, stake: p.stake, setupDeadline, unbondingPeriod: p.unbondingPeriod, threshold: p.members.length };
  const receipt = await committeeWrite(ctx, "createCommittee", [p.members, params], "create the committee");
  const [created] = parseEventLogs({ abi: fheCommitteesAbi, logs: receipt.logs, eventName: "CommitteeCreated" as never }) as unknown as { args: { committeeId: bigint; seed: Hex } }[];
  if (!created) throw new FheTaskError(`createCommittee (${receipt.transactionHash}) emitted no CommitteeCreated`);
  return { committeeId: created.args.committeeId, seed: created.args.seed, setupDeadline, transactionHash: receipt.transactionHash };
}

/** Retires an Active committee (its creator or a member). */
export async function retireCommittee(ctx: ChainContext, committeeId: bigint): Promise<{ transactionHash: Hex }> {
  requireAccount(ctx);
  const c = await readCommittee(ctx, committeeId);
  if (c.status !== "Active") throw new FheTaskError(`committee ${committeeId} is ${c.status}: only an Active committee can be retired`);
  const receipt = await committeeWrite(ctx, "retireCommittee", [committeeId], `retire committee ${committeeId}`);
  return { transactionHash: receipt.transactionHash };
}

/** Ends a setup that missed its deadline (anyone). */
export async function failCommitteeSetup(ctx: ChainContext, committeeId: bigint): Promise<{ transactionHash: Hex }> {
  requireAccount(ctx);
  const receipt = await committeeWrite(ctx, "failSetup", [committeeId], `end the setup of committee ${committeeId}`);
  return { transactionHash: receipt.transactionHash };
}

/** Withdraws the caller's stake (Failed: at once; Retired/Broken: after unbonding). */
export async function withdrawCommitteeStake(ctx: ChainContext, committeeId: bigint): Promise<{ amount: bigint; transactionHash: Hex }> {
  const { account } = requireAccount(ctx);
  const [c, seat] = await Promise.all([readCommittee(ctx, committeeId), readSeat(ctx, committeeId, account.address)]);
  if (seat.index === 0) throw new FheTaskError(`${account.address} is not a member of committee ${committeeId}`);
  if (seat.slashed) throw new FheTaskError(`your stake in committee ${committeeId} was slashed`);
  if (seat.stakeWithdrawn) throw new FheTaskError(`you already withdrew your stake from committee ${committeeId}`);
  const receipt = await committeeWrite(ctx, "withdrawStake", [committeeId], `withdraw your stake from committee ${committeeId}`);
  return { amount: c.stake, transactionHash: receipt.transactionHash };
}

/** Withdraws slashed stakes of `token` credited to the caller (a task creator whose committee member was slashed). */
export async function withdrawCommitteeCredit(ctx: ChainContext, token: Address): Promise<{ amount: bigint; transactionHash: Hex }> {
  const { account } = requireAccount(ctx);
  const amount = await readCredit(ctx, token, account.address);
  if (amount === 0n) throw new FheTaskError(`no slashed stakes of token ${token} are credited to ${account.address}`);
  const receipt = await committeeWrite(ctx, "withdrawCredit", [token], "withdraw your credited stakes");
  return { amount, transactionHash: receipt.transactionHash };
}
