// The key holder's step of the FHE task protocol: decrypt the submitted result, round it, store it, finalize. Under a
// committee, the aggregator holds no key: it combines the members' posted decryption shares instead.
import path from "node:path";
import type { Hex } from "viem";
import { requireAccount, type ChainContext } from "../../chain/client.ts";
import { FHE_RESULT_FORMAT, FheTaskError, readFheTask, type FheResult } from "./fheTask.ts";
import { readRound, readUpdates, taskWrite } from "../../chain/index.ts";
import { putJson } from "../../storage/json.ts";
import type { ContentStore } from "../../storage/types.ts";
import { createFheContext } from "../createFheContext.ts";
import { decryptResult, type DecryptResultReturnType } from "../decryptResult.ts";
import { loadKeys } from "../keyStore.ts";
import { roundForPublication } from "../roundForPublication.ts";
import { deriveCommitteePublication, type CommitteeFheResult } from "./committee/committeePublication.ts";
import { readCommitteeTask } from "./committee/committeeTask.ts";

export type PublishFheResultParameters = {
  taskId: bigint;
  /** The keys directory to look in by default (`<home>/keys`). */
  keysDir: string;
  /** A key id in `keysDir`, or a key directory / keys directory (default: the task's key in `keysDir`). */
  key?: string;
  /** Progress of the decryption or, under a committee, of combining the shares (ciphertext steps). */
  onProgress?: (stage: "decrypt" | "combine", done: number, total: number) => void;
};

export type PublishFheResultReturnType = (FheResult | CommitteeFheResult) & { publishedRoot: Hex; transactionHash: Hex };

const keyIdPattern = /^0x[0-9a-f]{64}$/;

/**
 * The aggregator (the key holder) decrypts an FHE task's submitted result, rounds it to the job's decimals (raw CKKS
 * decryptions can leak the secret key), stores it as canonical JSON and finalizes the task with its root. For a
 * committee's task it combines the members' posted shares (all n, none declined) instead, and the publication
 * records the committee and every share's root so that anyone re-derives it (`verifyFheResult`).
 *
 * @example
 * const result = await publishFheResult(ctx, store, { taskId: 1n, keysDir: ".2pm/keys" })
 */
export async function publishFheResult(ctx: ChainContext, store: ContentStore, p: PublishFheResultParameters): Promise<PublishFheResultReturnType> {
  const { account } = requireAccount(ctx);
  const view = await readFheTask(ctx, store, p.taskId);
  const { task, job, keyId } = view;
  if (task.params.aggregator.toLowerCase() !== account.address.toLowerCase())
    throw new FheTaskError(`only the aggregator ${task.params.aggregator} can publish FHE task ${p.taskId}'s result`);
  if (task.status !== "Running") throw new FheTaskError(`FHE task ${p.taskId} is ${task.status}: ${task.status === "Open" ? "no compute node has joined yet" : "nothing to publish"}`);
  const underCommittee = await readCommitteeTask(ctx, store, p.taskId, view);
  if (underCommittee) {
    const { publication } = await deriveCommitteePublication(ctx, store, underCommittee, p.taskId, p.onProgress);
    const publishedRoot = await putJson(store, publication);
    const receipt = await taskWrite(ctx, "finalizeRound", [p.taskId, 1, publishedRoot, 0, 0, []], `finalize FHE task ${p.taskId}`);
    return { ...publication, publishedRoot, transactionHash: receipt.transactionHash };
  }
  const round = await readRound(ctx, p.taskId, 1, task.params);
  const [update] = await readUpdates(ctx, p.taskId, 1, round.attempt);
  if (!update) throw new FheTaskError(`the compute node has not submitted FHE task ${p.taskId}'s result yet`);
  const keys = await loadSecret(p.keysDir, p.key, keyId);
  const fher = await store.get(update.updateRoot);
  const fheCtx = await createFheContext();
  let raw: DecryptResultReturnType;
  try {
    raw = await decryptResult(fheCtx, fher, keys, (done, total) => p.onProgress?.("decrypt", done, total));
  } finally {
    fheCtx.dispose();
  }
  const result = publication(raw, { taskId: p.taskId, keyId, resultRoot: update.updateRoot, decimals: job.decimals, ops: job.ops });
  const publishedRoot = await putJson(store, result);
  const receipt = await taskWrite(ctx, "finalizeRound", [p.taskId, 1, publishedRoot, 0, 0, []], `finalize FHE task ${p.taskId}`);
  return { ...result, publishedRoot, transactionHash: receipt.transactionHash };
}

/** The published result: every decrypted value rounded to `decimals` digits. */
function publication(raw: DecryptResultReturnType, p: { taskId: bigint; keyId: Hex; resultRoot: Hex; decimals: number; ops: FheResult["ops"] }): FheResult {
  const rounded = (values: ArrayLike<number> | undefined) => (values ? roundForPublication(values, p.decimals) : undefined);
  const { scores: s } = raw;
  const scores = s ? Array.from({ length: s.rows }, (_, r) => roundForPublication(s.data.subarray(r * s.cols, (r + 1) * s.cols), p.decimals)) : undefined;
  return {
    format: FHE_RESULT_FORMAT, taskId: p.taskId.toString(), keyId: p.keyId, resultRoot: p.resultRoot, columns: raw.columns, rows: raw.rows,
    decimals: p.decimals, ops: p.ops,
    ...(raw.sums && { sums: rounded(raw.sums) }), ...(raw.means && { means: rounded(raw.means) }),
    ...(raw.variances && { variances: rounded(raw.variances) }), ...(scores && { scores }),
  };
}

/** The secret key of `keyId`: from `keysDir`, another keys directory, or a key directory given as `key`. */
async function loadSecret(keysDir: string, key: string | undefined, keyId: Hex) {
  const wanted = keyId.toLowerCase() as Hex;
  if (key !== undefined && keyIdPattern.test(key)) {
    if (key !== wanted) throw new FheTaskError(`FHE task's inputs are under key ${wanted}, not ${key}`);
    return loadKeys(keysDir, wanted, ["secret"]);
  }
  if (key === undefined) return loadKeys(keysDir, wanted, ["secret"]);
  const dir = path.resolve(key);
  // A key directory (<keys>/<keyId>) or a keys directory holding <keyId>/.
  return path.basename(dir) === wanted ? loadKeys(path.dirname(dir), wanted, ["secret"]) : loadKeys(dir, wanted, ["secret"]);
}
