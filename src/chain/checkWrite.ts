import { formatEther, type Abi, type ContractFunctionArgs, type ContractFunctionName } from "viem";
import { requireAccount, type ChainContext } from "./client.ts";
import { ChainError } from "./errors.ts";
import { explainWriteError, type UntypedCall, type WriteParameters } from "./write.ts";

type WriteMutability = "nonpayable" | "payable";

export type CheckWriteParameters<
  abi extends Abi | readonly unknown[] = Abi,
  functionName extends ContractFunctionName<abi, WriteMutability> = ContractFunctionName<abi, WriteMutability>,
  args extends ContractFunctionArgs<abi, WriteMutability, functionName> = ContractFunctionArgs<abi, WriteMutability, functionName>,
> = WriteParameters<abi, functionName, args>;

/**
 * Everything `write` would find out, without sending: the contract accepts the call (simulated) and the account can
 * pay its gas at today's fees. Run it before work that costs money or leaves files (uploads, stored data).
 * @example await checkWrite(ctx, { address, abi: datasetIndexAbi, functionName: "registerDataset", args }, "register dataset")
 */
export async function checkWrite<
  const abi extends Abi | readonly unknown[],
  functionName extends ContractFunctionName<abi, WriteMutability>,
  const args extends ContractFunctionArgs<abi, WriteMutability, functionName>,
>(ctx: ChainContext, request: CheckWriteParameters<abi, functionName, args>, what: string): Promise<void> {
  const { account } = requireAccount(ctx);
  // Typed at the call (see write).
  const call = { ...request, account } as unknown as UntypedCall;
  let gas: bigint;
  try {
    await ctx.publicClient.simulateContract(call);
    gas = await ctx.publicClient.estimateContractGas(call);
  } catch (err) {
    throw await explainWriteError(ctx, account, err, what);
  }
  const [balance, fees] = await Promise.all([
    ctx.publicClient.getBalance({ address: account.address }),
    ctx.publicClient.estimateFeesPerGas().catch(async () => ({ maxFeePerGas: await ctx.publicClient.getGasPrice() })),
  ]);
  const cost = gas * (fees.maxFeePerGas ?? 0n);
  if (balance < cost) {
    throw new ChainError(`${what}: account ${account.address} has ${formatEther(balance)} native token, the transaction needs about ${formatEther(cost)} for gas; fund it first`);
  }
}
