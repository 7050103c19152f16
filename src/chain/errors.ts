import { BaseError, ContractFunctionRevertedError, InsufficientFundsError } from "viem";
import { TwoPmError } from "../errors.ts";
import { contractRevertOf, describeRevert } from "./contractErrors.ts";

export class ChainError extends TwoPmError {
  override name = "ChainError";
}

/**
 * Turns a viem error into one line a user can act on: the contract's custom error with its arguments (and what it
 * means, see contractErrors.ts), or "not enough gas money", or the RPC's short message (never the URL, which may
 * carry credentials).
 */
export function explainChainError(err: unknown, context: string): ChainError {
  if (err instanceof ChainError) return err;
  if (err instanceof BaseError) {
    const revert = contractRevertOf(err);
    if (revert) return new ChainError(`${context}: the contract refused it: ${describeRevert(revert)}`, { cause: err });
    const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    if (reverted?.data?.errorName) {
      const args = (reverted.data.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : String(a)));
      return new ChainError(`${context}: the contract refused it: ${reverted.data.errorName}(${args.join(", ")})`, { cause: err });
    }
    if (reverted?.reason) return new ChainError(`${context}: the contract refused it: ${reverted.reason}`, { cause: err });
    if (err.walk((e) => e instanceof InsufficientFundsError)) {
      return new ChainError(`${context}: the account has not enough native token to pay for gas; fund it first`, { cause: err });
    }
    // viem short messages can span lines: keep the first (one-line CLI errors), the rest goes to details.
    const [first, ...rest] = err.shortMessage.split("\n").filter((l) => l.trim());
    return new ChainError(`${context}: ${first ?? "failed"}`, { cause: err, details: [...rest, err.details].filter(Boolean).join("\n") || undefined });
  }
  return new ChainError(`${context}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`, { cause: err });
}
