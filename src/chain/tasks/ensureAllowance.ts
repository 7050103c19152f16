import { erc20Abi, maxUint256, type Address } from "viem";
import { requireAccount, type ChainContext } from "../client.ts";
import { ChainError } from "../errors.ts";
import { write } from "../write.ts";

export type EnsureAllowanceOptions = {
  /** The contract that pulls the tokens (default TrainingTasks; FheCommittees for committee stakes). */
  spender?: Address;
  /** What the token is to the user, in messages (default "reward token"). */
  tokenName?: string;
};

/** Approves a contract (TrainingTasks by default) to pull `amount` of a token (any ERC-20) when the allowance is short. */
export async function ensureAllowance(ctx: ChainContext, token: Address, amount: bigint, options: EnsureAllowanceOptions = {}): Promise<void> {
  const { account } = requireAccount(ctx);
  const spender = options.spender ?? ctx.deployments.trainingTasks.address;
  const tokenName = options.tokenName ?? "reward token";
  const allowance = await ctx.publicClient.readContract({ address: token, abi: erc20Abi, functionName: "allowance", args: [account.address, spender] });
  if (allowance >= amount) return;
  const balance = await ctx.publicClient.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [account.address] });
  if (balance < amount) {
    throw new ChainError(`account ${account.address} holds ${balance} base units of the ${tokenName} but needs ${amount}: fund it first`);
  }
  await write(ctx, { address: token, abi: erc20Abi, functionName: "approve", args: [spender, maxUint256] }, `approve the ${tokenName}`);
}
