import { BaseError, ContractFunctionRevertedError } from "viem";
import type { Abi, Account, Address, ContractFunctionArgs, ContractFunctionName, ContractFunctionParameters, Hash, Hex, TransactionReceipt } from "viem";
import { requireAccount, type ChainContext } from "./client.ts";
import { ChainError, explainChainError } from "./errors.ts";

type WriteMutability = "nonpayable" | "payable";

/**
 * A contract call, typed by its ABI as viem's `writeContract` is: a misspelt function name or wrong arguments do not
 * compile.
 */
export type WriteParameters<
  abi extends Abi | readonly unknown[] = Abi,
  functionName extends ContractFunctionName<abi, WriteMutability> = ContractFunctionName<abi, WriteMutability>,
  args extends ContractFunctionArgs<abi, WriteMutability, functionName> = ContractFunctionArgs<abi, WriteMutability, functionName>,
> = ContractFunctionParameters<abi, WriteMutability, functionName, args> & {
  /** Bytes appended to the calldata (the contract ignores them; e.g. a payout table's storage root). */
  dataSuffix?: Hex;
};

export type WriteReturnType = TransactionReceipt;

export type WriteOptions = {
  /**
   * Gas limit at least this high, whatever the estimate: for a call whose cost depends on racing transactions the
   * estimate cannot see (the last of several members' confirmations also does the activation). Only gas used is paid.
   */
  minGas?: bigint;
};

/** A call as viem's untyped overloads take it (what a WriteParameters is once its types were checked). */
export type UntypedCall = { address: Address; abi: Abi; functionName: string; args?: readonly unknown[]; account: Account; dataSuffix?: Hex };

/**
 * Simulates a contract call (so nothing is sent when it would revert), sends it and waits for the receipt.
 * Errors become one line naming the contract's custom error.
 * @example await write(ctx, { address, abi: trainingTasksAbi, functionName: "joinTask", args: [1n, 2n, key] }, "join task 1")
 */
export async function write<
  const abi extends Abi | readonly unknown[],
  functionName extends ContractFunctionName<abi, WriteMutability>,
  const args extends ContractFunctionArgs<abi, WriteMutability, functionName>,
>(ctx: ChainContext, request: WriteParameters<abi, functionName, args>, what: string, options: WriteOptions = {}): Promise<WriteReturnType> {
  const { account, walletClient } = requireAccount(ctx);
  // The request's types were checked at the call; viem's own overloads cannot follow a generic ABI through here.
  const call = { ...request, account } as unknown as UntypedCall;
  let hash: Hash;
  try {
    const { request: simulated } = await ctx.publicClient.simulateContract(call);
    // Gas depends on state that other accounts can change between the estimate and the block: the join that fills a
    // task also starts round 1 (+34%). A margin keeps such a racing transaction from running out of gas; only the
    // gas used is paid.
    const estimate = await ctx.publicClient.estimateContractGas(call);
    const gas = estimate + estimate / 5n + 50_000n;
    hash = await walletClient.writeContract({ ...simulated, gas: options.minGas !== undefined && options.minGas > gas ? options.minGas : gas });
  } catch (err) {
    throw await explainWriteError(ctx, account, err, what);
  }
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new ChainError(`${what}: transaction ${hash} reverted`);
  return receipt;
}

/** explainChainError, plus "no gas money" when the RPC words it its own way and the account's balance is 0. */
export async function explainWriteError(ctx: ChainContext, account: Account, err: unknown, what: string): Promise<ChainError> {
  const explained = explainChainError(err, what);
  // RPCs word "no gas money" differently (Hardhat: "Missing or invalid parameters"): name it when the balance is 0,
  // unless the contract itself refused the call (a named error or a reason: that is the answer).
  const reverted = err instanceof BaseError ? (err.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null) : null;
  if (!reverted?.data?.errorName && !reverted?.reason) {
    const balance = await ctx.publicClient.getBalance({ address: account.address }).catch(() => undefined);
    if (balance === 0n) return new ChainError(`${what}: account ${account.address} has no native token to pay for gas; fund it first`, { cause: err });
  }
  return explained;
}
