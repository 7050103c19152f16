// What the committee protocol reads from and sends to FheCommittees (contracts/interfaces/IFheCommittees.sol), in one
// place: the protocol steps below never build a call themselves.
import { erc20Abi, keccak256, encodeAbiParameters, maxUint256, type Address, type Hex } from "viem";
import { fheCommitteesAbi } from "../../../chain/abis.ts";
import { requireAccount, type ChainContext } from "../../../chain/client.ts";
import { ChainError } from "../../../chain/errors.ts";
import { write, type WriteReturnType } from "../../../chain/write.ts";

/** IFheCommittees.CommitteeStatus, in declaration order. */
export const COMMITTEE_STATUSES = ["None", "Forming", "Confirming", "Active", "Failed", "Retired", "Broken"] as const;
export type CommitteeStatus = (typeof COMMITTEE_STATUSES)[number];

export type CommitteeView = {
  committeeId: bigint;
  creator: Address;
  status: CommitteeStatus;
  members: Address[];
  threshold: number;
  commits: number;
  confirmations: number;
  setupDeadline: bigint;
  endedAt: bigint;
  unbondingPeriod: number;
  stakeToken: Address;
  stake: bigint;
  /** The public seed of the common polynomials: the library's committeeId. */
  seed: Hex;
  keyId: Hex;
  keysRoot: Hex;
  candidate: Hex;
};

export type SeatView = { index: number; committed: boolean; confirmed: boolean; slashed: boolean; stakeWithdrawn: boolean; keyShareRoot: Hex };

const address = (ctx: ChainContext): Address => {
  const deployment = (ctx.deployments as { fheCommittees?: { address: Address } }).fheCommittees;
  if (!deployment) throw new ChainError(`no FheCommittees deployment on ${ctx.network.name}: redeploy with \`npx hardhat deploy --network ${ctx.network.name}\``);
  return deployment.address;
};

const read = <T>(ctx: ChainContext, functionName: string, args: readonly unknown[]): Promise<T> =>
  ctx.publicClient.readContract({ address: address(ctx), abi: fheCommitteesAbi, functionName, args } as never) as Promise<T>;

/** Committee `committeeId` with its member list; a clear error for an unknown id. */
export async function readCommittee(ctx: ChainContext, committeeId: bigint): Promise<CommitteeView> {
  const count = await read<bigint>(ctx, "committeeCount", []);
  if (committeeId < 1n || committeeId > count) throw new ChainError(`no committee ${committeeId} on ${ctx.network.name} (committees: ${count === 0n ? "none yet" : `1…${count}`})`);
  const [c, members] = await Promise.all([
    read<{ creator: Address; status: number; members: number; threshold: number; commits: number; confirmations: number; setupDeadline: bigint; endedAt: bigint; unbondingPeriod: number; stakeToken: Address; stake: bigint; seed: Hex; keyId: Hex; keysRoot: Hex; candidate: Hex }>(ctx, "getCommittee", [committeeId]),
    read<readonly Address[]>(ctx, "getMembers", [committeeId]),
  ]);
  return {
    committeeId, creator: c.creator, status: COMMITTEE_STATUSES[c.status], members: [...members], threshold: c.threshold, commits: c.commits,
    confirmations: c.confirmations, setupDeadline: c.setupDeadline, endedAt: c.endedAt, unbondingPeriod: c.unbondingPeriod,
    stakeToken: c.stakeToken, stake: c.stake, seed: c.seed, keyId: c.keyId, keysRoot: c.keysRoot, candidate: c.candidate,
  };
}

/** `account`'s seat (index 0: not a member). */
export async function readSeat(ctx: ChainContext, committeeId: bigint, account: Address): Promise<SeatView> {
  const s = await read<SeatView>(ctx, "getSeat", [committeeId, account]);
  return { index: s.index, committed: s.committed, confirmed: s.confirmed, slashed: s.slashed, stakeWithdrawn: s.stakeWithdrawn, keyShareRoot: s.keyShareRoot };
}

/** The committee holding `keyId` (0n: none, a single-key task; also on a deployment without FheCommittees). */
export async function committeeOfKey(ctx: ChainContext, keyId: Hex): Promise<bigint> {
  if (!(ctx.deployments as { fheCommittees?: unknown }).fheCommittees) return 0n;
  return read<bigint>(ctx, "committeeOfKey", [keyId]);
}

/** What `member` posted for `taskId`'s round-1 `attempt` (root 0: nothing). */
export const readShare = (ctx: ChainContext, taskId: bigint, attempt: number, member: Address): Promise<{ root: Hex; declined: boolean }> =>
  read<{ root: Hex; declined: boolean }>(ctx, "shareOf", [taskId, attempt, member]);

/** Slashed stakes of `token` credited to `account`. */
export const readCredit = (ctx: ChainContext, token: Address, account: Address): Promise<bigint> => read<bigint>(ctx, "creditOf", [token, account]);

/** The value every confirmation must match (IFheCommittees.Committee.candidate). */
export const keysCandidate = (keyId: Hex, keysRoot: Hex): Hex => keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "bytes32" }], [keyId, keysRoot]));

/** One FheCommittees transaction (simulated first: nothing is sent when it would revert). */
export function committeeWrite(ctx: ChainContext, functionName: string, args: readonly unknown[], what: string): Promise<WriteReturnType> {
  return write(ctx, { address: address(ctx), abi: fheCommitteesAbi, functionName, args } as never, what);
}

/** Approves FheCommittees to pull `amount` of `token` (a member's stake) when the allowance is short. */
export async function ensureStakeAllowance(ctx: ChainContext, token: Address, amount: bigint): Promise<void> {
  const { account } = requireAccount(ctx);
  const spender = address(ctx);
  const allowance = await ctx.publicClient.readContract({ address: token, abi: erc20Abi, functionName: "allowance", args: [account.address, spender] });
  if (allowance >= amount) return;
  const balance = await ctx.publicClient.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [account.address] });
  if (balance < amount) throw new ChainError(`account ${account.address} holds ${balance} base units of the stake token but the committee's stake is ${amount}: fund it first`);
  await write(ctx, { address: token, abi: erc20Abi, functionName: "approve", args: [spender, maxUint256] }, "approve the committee stake");
}
