// What a storage root looks like. Pure (no Node built-ins): shared by the stores, the gateway and its browser client.
import type { Hex } from "viem";
import { StorageError } from "./errors.ts";

/** A 0G storage root as 2PM writes it: 0x and 64 lowercase hex digits (also a safe file name). */
export const ROOT_PATTERN = /^0x[0-9a-f]{64}$/;

/** Checks that `root` is a 32-byte lowercase Hex (a file name we can trust) and returns it. */
export function assertRoot(root: string): Hex {
  if (typeof root !== "string" || !ROOT_PATTERN.test(root)) {
    throw new StorageError(
      `'${String(root).slice(0, 80)}' is not a storage root: expected 0x followed by 64 lowercase hex digits`,
    );
  }
  return root as Hex;
}
