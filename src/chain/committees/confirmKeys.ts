import type { Hex } from "viem";
import type { ChainContext } from "../client.ts";
import type { WriteReturnType } from "../write.ts";
import { checkCommitteeWrite, committeeWrite } from "./committeeWrite.ts";

const what = (committeeId: bigint) => `confirm the keys of committee ${committeeId}`;

/**
 * Gas for a confirmation that turns out to be the last one: it also activates the committee (109k in
 * snapshots/gas.json; a middle one costs much less). Members confirm concurrently, so a confirmation estimated as a
 * middle one can be mined last; with the estimate's margin alone it ran out of gas (test/contracts/committeeActions).
 */
export const ACTIVATING_CONFIRMATION_GAS = 160_000n;

/**
 * A member confirms the collective keys it assembled: `keyId` (keccak256 of the collective public key) and the
 * storage root of the committee keys file. Every member must confirm the same pair.
 * @example await confirmKeys(ctx, 1n, keyId, keysRoot)
 */
export function confirmKeys(ctx: ChainContext, committeeId: bigint, keyId: Hex, keysRoot: Hex): Promise<WriteReturnType> {
  return committeeWrite(ctx, "confirmKeys", [committeeId, keyId, keysRoot], what(committeeId), { minGas: ACTIVATING_CONFIRMATION_GAS });
}

/** Whether {confirmKeys} would pass, without sending: run it before storing the committee keys file. */
export function checkConfirmKeys(ctx: ChainContext, committeeId: bigint, keyId: Hex, keysRoot: Hex): Promise<void> {
  return checkCommitteeWrite(ctx, "confirmKeys", [committeeId, keyId, keysRoot], what(committeeId));
}
