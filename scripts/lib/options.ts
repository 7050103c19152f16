// Option parsers shared by the commands: each turns one argument into a typed value or a one-line usage error.
import { InvalidArgumentError } from "commander";
import { getAddress, isAddress, type Address } from "viem";
import { parseTokenAmount } from "./amounts.ts";

/** An integer option in [min, max]. */
export const intOption = (what: string, min: number, max: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be an integer in [${min}, ${max}], got '${v}'`);
  return n;
};

/** A token amount in whole tokens (decimals allowed), as base units. */
export const tokenOption = (what: string) => (v: string): bigint => {
  try {
    return parseTokenAmount(v, what);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

/** A 0x address, checksummed. */
export function addressOption(v: string): Address {
  if (!isAddress(v)) throw new InvalidArgumentError("expected a 0x address (40 hex digits)");
  return getAddress(v);
}

/** A task id (positive integer). */
export function taskIdOption(value: string): bigint {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError("expected a positive task id");
  return BigInt(value);
}

/** A dataset id (positive integer; DatasetIndex ids are uint64). */
export function datasetIdOption(value: string): bigint {
  if (!/^[1-9][0-9]{0,19}$/.test(value)) throw new InvalidArgumentError(`expected a positive dataset id, got '${value}'`);
  return BigInt(value);
}
