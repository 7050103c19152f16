// The publication of a committee task's result, as a function of public material only (chain + storage): the
// publisher derives it to publish, anyone derives it again to check a publication (a false one is provable).
import type { Address, Hex } from "viem";
import type { ChainContext } from "../../../chain/client.ts";
import type { ContentStore } from "../../../storage/types.ts";
import { createFheContext } from "../../createFheContext.ts";
import { COMMITTEE_FHE_PARAMS, combineDecryptionShares } from "../../multiparty/index.ts";
import { FHE_RESULT_FORMAT, FheTaskError, type FheResult } from "../fheTask.ts";
import { readShares } from "../../../chain/committees/readShares.ts";
import { chainNow, isoTime } from "./committeeChain.ts";
import { readCommitteeResult, type CommitteeResult } from "./committeeResult.ts";
import { committeePublishedValues, fetchCommitteeKeys, type CommitteeTaskView } from "./committeeTask.ts";

/** A committee task's published result: the values and everything needed to re-derive them. */
export type CommitteeFheResult = FheResult & {
  committee: {
    /** The on-chain committee id (decimal). */
    committeeId: string;
    attempt: number;
    /** Each member's posted decryption share, in seat order. */
    shares: { member: Address; root: Hex }[];
  };
};


/**
 * Reads every member's posted share of the task's result (all n, none declined: else a clear error naming who, and
 * until when they can post), combines them and forms the rounded publication.
 *
 * @example const { publication } = await deriveCommitteePublication(ctx, store, t, 1n)
 */
export async function deriveCommitteePublication(
  ctx: ChainContext,
  store: ContentStore,
  t: CommitteeTaskView,
  taskId: bigint,
  onProgress?: (stage: "combine", done: number, total: number) => void,
): Promise<{ publication: CommitteeFheResult; result: CommitteeResult }> {
  const result = await readCommitteeResult(ctx, t, taskId);
  const { committeeId } = t.committee;
  const posted = (await readShares(ctx, taskId, result.attempt))!.shares;
  const missing = posted.filter((s) => !s.root);
  const declined = posted.filter((s) => s.root && s.declined);
  if (missing.length || declined.length) {
    const when = (await chainNow(ctx)) <= result.shareDeadline
      ? `members can post until ${isoTime(result.shareDeadline)}`
      : `the share window closed at ${isoTime(result.shareDeadline)}: slash the silent members (\`2pm committee slash --task ${taskId}\`); the task cannot be finalized and ends abandoned (refunds)`;
    const parts = [
      ...(missing.length ? [`no share yet from ${missing.map((s) => `member ${s.member} ${s.address}`).join(", ")}`] : []),
      ...(declined.length ? [`declined by ${declined.map((s) => `member ${s.member} ${s.address} (reason ${s.root})`).join(", ")}`] : []),
    ];
    throw new FheTaskError(`FHE task ${taskId}'s result cannot be decrypted by committee ${committeeId}: ${parts.join("; ")}; ${when}`);
  }
  const fheCtx = await createFheContext(COMMITTEE_FHE_PARAMS);
  try {
    const { bytes: committeeKeys } = await fetchCommitteeKeys(fheCtx, store, t.committee);
    const fher = await store.get(result.resultRoot);
    const shares = await Promise.all(posted.map((s) => store.get(s.root!.toLowerCase() as Hex)));
    const raw = await combineDecryptionShares(fheCtx, { result: fher, committeeKeys, shares }, (done, total) => onProgress?.("combine", done, total));
    const values = committeePublishedValues(raw, t.job);
    const publication: CommitteeFheResult = {
      format: FHE_RESULT_FORMAT, taskId: taskId.toString(), keyId: t.keyId.toLowerCase() as Hex, resultRoot: result.resultRoot, rows: raw.rows,
      decimals: t.job.decimals, ops: t.job.ops, ...values,
      committee: { committeeId: committeeId.toString(), attempt: result.attempt, shares: posted.map((s) => ({ member: s.address, root: s.root!.toLowerCase() as Hex })) },
    };
    return { publication, result };
  } finally {
    fheCtx.dispose();
  }
}
