import { formatUnits, parseUnits } from "viem";

/** Reward token amounts on the command line are in whole tokens (18 decimals): "12.5" → 12.5e18 base units. */
export function parseTokenAmount(value: string, what = "amount"): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(value.trim())) throw new Error(`${what} must be a non-negative number of tokens, got '${value}'`);
  return parseUnits(value.trim(), 18);
}

export function formatTokenAmount(units: bigint): string {
  return formatUnits(units, 18);
}
