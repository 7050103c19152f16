// A committee member's first step: generate its key share for its seat. Nothing is sent and nothing is uploaded:
// the key share's storage root is computed locally, to be committed before anyone reveals a share.
import { stat } from "node:fs/promises";
import type { Hex } from "viem";
import { requireAccount, type ChainContext } from "../../../chain/client.ts";
import { merkleRoot } from "../../../storage/merkleRoot.ts";
import { writePrivateFile } from "../../../storage/atomicWrite.ts";
import { createFheContext } from "../../createFheContext.ts";
import { COMMITTEE_FHE_PARAMS, generateKeyShare, writeMemberState } from "../../multiparty/index.ts";
import { FheTaskError } from "../fheTask.ts";
import { memberAddresses, readCommittee, seatOf } from "./committeeChain.ts";
import { memberFiles, readOwnKeyShare } from "./memberFiles.ts";

export type GenerateCommitteeKeyShareParameters = { committeeId: bigint; home: string };

export type GenerateCommitteeKeyShareReturnType = {
  committeeId: bigint;
  /** The library's member index: the seat's index − 1. */
  member: number;
  members: number;
  /** The 0G storage root of the key share file: what `commitCommitteeKeyShare` commits. */
  keyShareRoot: Hex;
  statePath: string;
  keySharePath: string;
  /** False when an earlier run's files were found and kept. */
  generated: boolean;
};

const exists = (file: string) => stat(file).then(() => true, () => false);

/**
 * Reads the committee's seed and the caller's seat from chain, generates the member's key share (member = seat − 1),
 * writes the secret state (0600) and the key share under `<home>/committees/<id>/`, and returns the key share's
 * storage root without uploading it. A rerun keeps existing files (a state is never overwritten).
 *
 * @example
 * const { keyShareRoot } = await generateCommitteeKeyShare(ctx, { committeeId: 1n, home: ".2pm" })
 */
export async function generateCommitteeKeyShare(ctx: ChainContext, p: GenerateCommitteeKeyShareParameters): Promise<GenerateCommitteeKeyShareReturnType> {
  const { account } = requireAccount(ctx);
  const committee = await readCommittee(ctx, p.committeeId);
  const seat = seatOf(committee, account.address);
  if (!seat) throw new FheTaskError(`${account.address} is not a member of committee ${p.committeeId} (members: ${memberAddresses(committee).join(", ")})`);
  const files = memberFiles(p.home, p.committeeId);
  const result = { committeeId: p.committeeId, member: seat.member, members: committee.members.length, statePath: files.state, keySharePath: files.keyShare };
  if ((await exists(files.state)) && (await exists(files.keyShare))) {
    return { ...result, keyShareRoot: merkleRoot(await readOwnKeyShare(files, p.committeeId)), generated: false };
  }
  if (await exists(files.state)) throw new FheTaskError(`${files.state} exists but its key share is gone: this member cannot take part (its commitment cannot be reproduced)`);
  if (committee.status !== "Forming") throw new FheTaskError(`committee ${p.committeeId} is ${committee.status}: key shares are generated while it is Forming`);
  const fheCtx = await createFheContext(COMMITTEE_FHE_PARAMS);
  try {
    const { state, keyShare } = generateKeyShare(fheCtx, { committeeId: committee.seed, member: seat.member, members: committee.members.length });
    // The key share first: a state without its key share is useless, a key share without a state is regenerated.
    await writePrivateFile(files.keyShare, keyShare);
    await writeMemberState(files.state, state);
    return { ...result, keyShareRoot: merkleRoot(keyShare), generated: true };
  } finally {
    fheCtx.dispose();
  }
}
