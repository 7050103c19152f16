// A committee member's step for each task result: check it, then post a decryption share, or decline with a reason.
// The member recomputes the result from the task's inputs first: it never decrypts something the task did not ask.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Hex } from "viem";
import { requireAccount, type ChainContext } from "../../../chain/client.ts";
import { writePrivateFile } from "../../../storage/atomicWrite.ts";
import { canonicalJsonBytes } from "../../../storage/canonicalJson.ts";
import { putJson } from "../../../storage/json.ts";
import { merkleRoot } from "../../../storage/merkleRoot.ts";
import type { ContentStore } from "../../../storage/types.ts";
import { computeStats } from "../../computeStats.ts";
import { createFheContext } from "../../createFheContext.ts";
import { COMMITTEE_FHE_PARAMS, readMemberState, shareDecryption } from "../../multiparty/index.ts";
import { blobDigests } from "../../multiparty/files.ts";
import { hasPerDatasetAggregates, openFher } from "../../resultHeader.ts";
import { FheTaskError, fetchFheCiphertexts, readFheTask } from "../fheTask.ts";
import { checkPostShare, postShare } from "../../../chain/committees/postShare.ts";
import { readShares } from "../../../chain/committees/readShares.ts";
import { chainNow, isoTime, seatOf } from "./committeeChain.ts";
import { readCommitteeResult } from "./committeeResult.ts";
import { committeeComputeOptions, fetchCommitteeKeys, readCommitteeTask } from "./committeeTask.ts";
import { memberFiles } from "./memberFiles.ts";

export const FHE_DECLINE_FORMAT = "2pm-fhe-decline/1";

export type DeclineReason = "row-level" | "per-dataset" | "mismatch" | "already-shared";

export type ShareCommitteeResultParameters = {
  taskId: bigint;
  home: string;
  /** Share row-level outputs ("scores": one value per contributed row) too. Default false: decline them. */
  allowRowLevel?: boolean;
  onProgress?: (stage: "fetch" | "recompute" | "share", done: number, total: number) => void;
};

export type ShareCommitteeResultReturnType = {
  taskId: bigint;
  committeeId: bigint;
  member: number;
  attempt: number;
  resultRoot: Hex;
  /** The posted share's root, or the stored decline statement's. */
  root: Hex;
  declined: boolean;
  reason?: DeclineReason;
  message?: string;
  transactionHash: Hex;
};

const exists = (file: string) => stat(file).then(() => true, () => false);

/**
 * Checks that the task is under the caller's committee and that the compute node's submitted result is exactly the
 * computation of the task's job on its inputs (recomputed here: computeStats is deterministic, so the bytes must
 * be equal), then computes the member's decryption share (the state refuses sharing a ciphertext twice), stores it
 * and posts its root. Declines (posts `declined` with the root of a stored JSON reason) a row-level job ("scores")
 * unless `allowRowLevel`, a result over several inputs with per-input sums (`per-dataset`: shares are public, so it
 * would reveal each contributor's aggregate), a result that is not the task's computation, and one holding a
 * ciphertext the member already shared for another task (the same job on the same inputs). A rerun after a failed post reuses the
 * share kept in `<home>/committees/<id>/`.
 *
 * @example
 * const { root, declined } = await shareCommitteeResult(ctx, store, { taskId: 1n, home: ".2pm" })
 */
export async function shareCommitteeResult(ctx: ChainContext, store: ContentStore, p: ShareCommitteeResultParameters): Promise<ShareCommitteeResultReturnType> {
  const { account } = requireAccount(ctx);
  const view = await readFheTask(ctx, store, p.taskId);
  const t = await readCommitteeTask(ctx, store, p.taskId, view);
  if (!t) throw new FheTaskError(`FHE task ${p.taskId} is under a single key, not a committee's: there is nothing to share`);
  const { committeeId } = t.committee;
  const seat = seatOf(t.committee, account.address);
  if (!seat) throw new FheTaskError(`FHE task ${p.taskId} is under committee ${committeeId}, of which ${account.address} is not a member`);
  if (seat.slashed) throw new FheTaskError(`your seat in committee ${committeeId} was slashed: it can no longer share`);
  const result = await readCommitteeResult(ctx, t, p.taskId);
  const posted = (await readShares(ctx, p.taskId, result.attempt))!.shares[seat.member];
  if (posted.root) throw new FheTaskError(`you already ${posted.declined ? "declined" : "posted your share"} for FHE task ${p.taskId}'s result (attempt ${result.attempt}, root ${posted.root})`);
  if ((await chainNow(ctx)) > result.shareDeadline) throw new FheTaskError(`the share window of FHE task ${p.taskId}'s result closed at ${isoTime(result.shareDeadline)}`);
  const base = { taskId: p.taskId, committeeId, member: seat.member, attempt: result.attempt, resultRoot: result.resultRoot };

  const decline = async (reason: DeclineReason, message: string): Promise<ShareCommitteeResultReturnType> => {
    const statement = { format: FHE_DECLINE_FORMAT, taskId: p.taskId.toString(), attempt: result.attempt, committeeId: committeeId.toString(), member: account.address, resultRoot: result.resultRoot, reason, message };
    const root = merkleRoot(canonicalJsonBytes(statement));
    await checkPostShare(ctx, p.taskId, root, { declined: true });
    await putJson(store, statement);
    const receipt = await postShare(ctx, p.taskId, root, { declined: true });
    return { ...base, root, declined: true, reason, message, transactionHash: receipt.transactionHash };
  };
  if (view.job.ops.includes("scores") && !p.allowRowLevel) {
    return decline("row-level", `the job asks for "scores", one value per contributed row: this member does not decrypt row-level outputs`);
  }

  const files = memberFiles(p.home, committeeId);
  const kept = path.join(files.dir, `task-${p.taskId}-attempt-${result.attempt}.share`);
  let share: Uint8Array;
  if (await exists(kept)) {
    share = new Uint8Array(await readFile(kept)); // computed by an earlier run whose post failed: the same share
  } else {
    const fheCtx = await createFheContext(COMMITTEE_FHE_PARAMS);
    try {
      const { bytes: committeeKeys, keys } = await fetchCommitteeKeys(fheCtx, store, t.committee);
      const fher = await store.get(result.resultRoot);
      const { header } = openFher(fher);
      if (hasPerDatasetAggregates(header)) {
        // Shares are public: decrypting one sum per input would reveal each contributor's own aggregate.
        return decline("per-dataset", `the result over ${header.datasets.length} input datasets keeps one sum per input, not pooled sums: its shares would reveal each contributor's own aggregate`);
      }
      const inputs = await fetchFheCiphertexts(store, view.datasets, view.keyId, (done, total) => p.onProgress?.("fetch", done, total));
      const options = committeeComputeOptions(view.job, inputs[0].header.columns);
      const expected = await computeStats(fheCtx, inputs.map((c) => c.bytes), keys.evaluationKeys, options, (done, total) => p.onProgress?.("recompute", done, total));
      if (!sameBytes(expected, fher)) {
        return decline("mismatch", `the submitted result ${result.resultRoot} is not the task's job (${view.job.ops.join(", ")}) computed on its inputs`);
      }
      const shared = await alreadyShared(files.state, fher);
      if (shared !== undefined) {
        // Another task's result held the same ciphertext (the same job on the same inputs): a second share would weaken
        // the smudging, and its value was decryptable then.
        return decline("already-shared", `ciphertext ${shared} of the result was shared by this member for an earlier task`);
      }
      share = await shareDecryption(fheCtx, { statePath: files.state, committeeKeys, result: fher });
      await writePrivateFile(kept, share);
      p.onProgress?.("share", 1, 1);
    } finally {
      fheCtx.dispose();
    }
  }
  const root = merkleRoot(share);
  await checkPostShare(ctx, p.taskId, root);
  await store.put(share);
  const receipt = await postShare(ctx, p.taskId, root);
  return { ...base, root, declined: false, transactionHash: receipt.transactionHash };
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

/** The index of the first ciphertext of `fher` the member's state says it already shared, if any. */
async function alreadyShared(statePath: string, fher: Uint8Array): Promise<number | undefined> {
  const { header } = await readMemberState(statePath);
  const index = blobDigests(openFher(fher).container).findIndex((d) => header.shared.includes(d));
  return index >= 0 ? index : undefined;
}
