// The compute node's step of the FHE task protocol: join, compute on the ciphertexts with evaluation keys only, submit.
// Nothing here can decrypt: the node never holds the secret key (nor, under a committee, any member's share).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { zeroHash, type Hex } from "viem";
import { requireAccount, type ChainContext } from "../../chain/client.ts";
import { FheTaskError, fetchFheCiphertexts, readFheTask } from "./fheTask.ts";
import { joinTask, readRound, readUpdates, taskWrite } from "../../chain/index.ts";
import type { ContentStore } from "../../storage/types.ts";
import { computeStats } from "../computeStats.ts";
import { createFheContext } from "../createFheContext.ts";
import { importEvaluationKeys } from "../evaluationKeys.ts";
import { COMMITTEE_FHE_PARAMS } from "../multiparty/index.ts";
import type { EvaluationKeys } from "../types.ts";
import { committeeComputeOptions, fetchCommitteeKeys, readCommitteeTask } from "./committee/committeeTask.ts";

export type ComputeFheEvent =
  | { type: "joined"; taskId: bigint; transactionHash: Hex }
  | { type: "computing"; ops: readonly string[]; rows: number; datasets: number; committeeId?: bigint };

export type ComputeFheTaskParameters = {
  taskId: bigint;
  /** The evaluation key bundle of the inputs' key (`2pm keys export-eval`); none for a committee's task (its keys file). */
  evalKeysFile?: string;
  onEvent?: (event: ComputeFheEvent) => void;
  /** Progress of fetching the inputs (datasets) and of computing (ciphertext steps). */
  onProgress?: (stage: "fetch" | "compute", done: number, total: number) => void;
};

export type ComputeFheTaskReturnType = { taskId: bigint; resultRoot: Hex; bytes: number; rows: number; seconds: number; ops: readonly string[]; transactionHash: Hex };

/**
 * Joins an FHE task as its compute node (unless already a member that has not submitted: a rerun resumes), fetches
 * and checks the inputs (key, rows) before the stake is sent, computes the job's statistics and submits the
 * encrypted result's root.
 *
 * @example
 * const { resultRoot } = await computeFheTask(ctx, store, { taskId: 1n, evalKeysFile: "eval.keys" })
 * await computeFheTask(ctx, store, { taskId: 2n }) // a committee's task: the keys come from the committee
 */
export async function computeFheTask(ctx: ChainContext, store: ContentStore, p: ComputeFheTaskParameters): Promise<ComputeFheTaskReturnType> {
  const { account } = requireAccount(ctx);
  const view = await readFheTask(ctx, store, p.taskId);
  const { task, job, keyId, datasets } = view;
  const underCommittee = await readCommitteeTask(ctx, store, p.taskId, view);
  if (underCommittee && p.evalKeysFile) throw new FheTaskError(`FHE task ${p.taskId} is under committee ${underCommittee.committee.committeeId}: its evaluation keys come from the committee's keys file; drop --eval-keys`);
  if (!underCommittee && !p.evalKeysFile) throw new FheTaskError(`FHE task ${p.taskId} is under a single key: pass --eval-keys <file> (from \`2pm keys export-eval\`)`);
  const isMe = (a: string) => a.toLowerCase() === account.address.toLowerCase();
  const member = task.members.find((m) => isMe(m.node));
  if (!member && task.status !== "Open") throw new FheTaskError(`FHE task ${p.taskId} is ${task.status}: it no longer takes a compute node`);
  if (member && task.status !== "Running") throw new FheTaskError(`FHE task ${p.taskId} is ${task.status}: nothing to compute`);
  if (member && (await readUpdates(ctx, p.taskId, 1, (await readRound(ctx, p.taskId, 1, task.params)).attempt)).some((u) => isMe(u.node)))
    throw new FheTaskError(`you already submitted the result of FHE task ${p.taskId}`);
  let bundle: Uint8Array | undefined;
  if (p.evalKeysFile) {
    try {
      bundle = new Uint8Array(await readFile(path.resolve(p.evalKeysFile)));
    } catch {
      throw new FheTaskError(`cannot read the evaluation keys ${p.evalKeysFile}`);
    }
  }
  const fheCtx = await createFheContext(underCommittee ? COMMITTEE_FHE_PARAMS : {});
  try {
    const evalKeys: EvaluationKeys = bundle ? importEvaluationKeys(fheCtx, bundle) : (await fetchCommitteeKeys(fheCtx, store, underCommittee!.committee)).keys.evaluationKeys;
    if (evalKeys.keyId !== keyId.toLowerCase()) throw new FheTaskError(`the evaluation keys are for key ${evalKeys.keyId}, FHE task ${p.taskId} needs ${keyId}`);
    const ciphertexts = await fetchFheCiphertexts(store, datasets, keyId, (done, total) => p.onProgress?.("fetch", done, total));
    const rows = ciphertexts.reduce((n, c) => n + c.header.rows, 0);
    if (!member) {
      const receipt = await joinTask(ctx, p.taskId, 0n, zeroHash);
      p.onEvent?.({ type: "joined", taskId: p.taskId, transactionHash: receipt.transactionHash });
    }
    p.onEvent?.({ type: "computing", ops: job.ops, rows, datasets: ciphertexts.length, committeeId: underCommittee?.committee.committeeId });
    const started = performance.now();
    const options = underCommittee ? committeeComputeOptions(job, ciphertexts[0].header.columns) : { ops: job.ops, model: job.model };
    const fher = await computeStats(fheCtx, ciphertexts.map((c) => c.bytes), evalKeys, options, (done, total) => p.onProgress?.("compute", done, total));
    const seconds = (performance.now() - started) / 1000;
    const resultRoot = await store.put(fher);
    const receipt = await taskWrite(ctx, "submitUpdate", [p.taskId, 1, resultRoot, BigInt(rows)], `submit the result of FHE task ${p.taskId}`);
    return { taskId: p.taskId, resultRoot, bytes: fher.length, rows, seconds, ops: job.ops, transactionHash: receipt.transactionHash };
  } finally {
    fheCtx.dispose();
  }
}
