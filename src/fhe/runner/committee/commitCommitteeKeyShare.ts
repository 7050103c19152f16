// A member's second step: stake and commit the storage root of its (still private) key share.
import type { Hex } from "viem";
import { requireAccount, type ChainContext } from "../../../chain/client.ts";
import { commitKeyShare } from "../../../chain/committees/commitKeyShare.ts";
import { merkleRoot } from "../../../storage/merkleRoot.ts";
import { FheTaskError } from "../fheTask.ts";
import { readCommittee, seatOf } from "./committeeChain.ts";
import { memberFiles, readOwnKeyShare } from "./memberFiles.ts";

export type CommitCommitteeKeyShareParameters = { committeeId: bigint; home: string };

export type CommitCommitteeKeyShareReturnType = {
  committeeId: bigint;
  keyShareRoot: Hex;
  stake: bigint;
  /** Undefined when the same root was already committed (a rerun). */
  transactionHash?: Hex;
};

/**
 * Approves the stake (if needed) and commits the local key share's root. Refuses when the seat already committed
 * another root (the local files are not the ones committed: the member must not reveal them).
 *
 * @example
 * await commitCommitteeKeyShare(ctx, { committeeId: 1n, home: ".2pm" })
 */
export async function commitCommitteeKeyShare(ctx: ChainContext, p: CommitCommitteeKeyShareParameters): Promise<CommitCommitteeKeyShareReturnType> {
  const { account } = requireAccount(ctx);
  const keyShareRoot = merkleRoot(await readOwnKeyShare(memberFiles(p.home, p.committeeId), p.committeeId));
  const committee = await readCommittee(ctx, p.committeeId);
  const seat = seatOf(committee, account.address);
  if (!seat) throw new FheTaskError(`${account.address} is not a member of committee ${p.committeeId}`);
  if (seat.committed) {
    if (seat.keyShareRoot.toLowerCase() !== keyShareRoot) {
      throw new FheTaskError(`your seat in committee ${p.committeeId} committed key share ${seat.keyShareRoot}, but the local one is ${keyShareRoot}: this --home is not the one you committed from`);
    }
    return { committeeId: p.committeeId, keyShareRoot, stake: committee.stake };
  }
  if (committee.status !== "Forming") throw new FheTaskError(`committee ${p.committeeId} is ${committee.status}: it no longer takes commitments`);
  const receipt = await commitKeyShare(ctx, p.committeeId, keyShareRoot);
  return { committeeId: p.committeeId, keyShareRoot, stake: committee.stake, transactionHash: receipt.transactionHash };
}
