import { erc20Abi, maxUint256, type Address } from "viem";
import { requireAccount, type ChainContext } from "../client.ts";
import { ChainError } from "../errors.ts";
import { write } from "../write.ts";

/** Approves TrainingTasks to pull `amount` of a token (any ERC-20: the task's) when the allowance is short. */
export async function ensureAllowance(ctx: ChainContext, token: Address, amount: bigint): Promise<void> {
  const { account } = requireAccount(ctx);
  const spender = ctx.deployments.trainingTasks.address;
  const allowance = await ctx.publicClient.readContract({ address: token, abi: erc20Abi, functionName: "allowance", args: [account.address, spender] });
  if (allowance >= amount) return;
  const balance = await ctx.publicClient.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [account.address] });
  if (balance < amount) {
    throw new ChainError(`account ${account.address} holds ${balance} base units of the reward token but needs ${amount}: fund it first`);
  }
  await write(ctx, { address: token, abi: erc20Abi, functionName: "approve", args: [spender, maxUint256] }, "approve the reward token");
}
