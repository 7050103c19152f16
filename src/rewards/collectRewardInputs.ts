import type { Hex } from "viem";
import type { ChainContext } from "../chain/client.ts";
import type { TaskStatusName } from "../chain/constants.ts";
import { readFheInputs } from "../chain/events/readFheInputs.ts";
import { readMemberJoins } from "../chain/events/readMemberJoins.ts";
import { readRoundFinalizations, readSubmittedUpdates } from "../chain/events/readRoundEvents.ts";
import { readDataset, type DatasetRecord } from "../chain/datasets/readDataset.ts";
import { readTask } from "../chain/tasks/readTask.ts";
import { manifestSchema, type Manifest } from "../data/manifest.ts";
import { getJson } from "../storage/json.ts";
import type { ContentStore } from "../storage/types.ts";
import { InvalidRewardInputsError } from "./errors.ts";
import type { RewardInputs, RoundContribution } from "./types.ts";

/** Statuses in which every round is finalized, so a task's payouts exist. */
const PAYABLE_STATUSES: readonly TaskStatusName[] = ["Finished", "Settled", "Disputed"];

/**
 * Reads everything the distribution algorithm needs from the chain (events + state) and storage (dataset
 * manifests, verified by root) alone, so anyone can recompute a task's payouts.
 * @example const inputs = await collectRewardInputs(ctx, store, 1n); const table = computePayouts(inputs);
 */
export async function collectRewardInputs(ctx: ChainContext, store: ContentStore, taskId: bigint): Promise<RewardInputs> {
  const task = await readTask(ctx, taskId);
  if (!PAYABLE_STATUSES.includes(task.status)) {
    throw new InvalidRewardInputsError(`task ${taskId} is ${task.status}: payouts exist only once every round is finalized`);
  }
  const [, , slashed] = await ctx.contracts.trainingTasks.read.getTaskFunds([taskId]);
  const base = {
    taskId,
    creator: task.creator,
    budget: task.params.budget,
    slashed,
    dataShareBps: task.params.dataShareBps,
    computeDecayBps: task.params.computeDecayBps,
    dataDecayBps: task.params.dataDecayBps,
  };

  // A dataset counts as the version it had when it entered the task (an FHE task's creation, an FL member's join):
  // later updates must not change a task's payouts, or a correct settlement would stop verifying.
  const datasets = new Map<string, Promise<{ record: DatasetRecord; manifest: Manifest }>>();
  const dataset = (id: bigint, blockNumber: bigint) => {
    const key = `${id}@${blockNumber}`;
    let entry = datasets.get(key);
    if (!entry) {
      entry = (async () => {
        const record = await readDataset(ctx, id, { blockNumber });
        return { record, manifest: await getJson(store, record.manifestRoot, manifestSchema) };
      })();
      datasets.set(key, entry);
    }
    return entry;
  };

  if (task.params.kind === 1) {
    const inputs = await readFheInputs(ctx, taskId);
    const computeNode = task.members[0]?.node;
    if (!computeNode || !inputs) throw new InvalidRewardInputsError(`FHE task ${taskId} has no compute node or inputs`);
    const fheDatasets = await Promise.all(
      inputs.datasetIds.map(async (id) => {
        const { record } = await dataset(id, inputs.blockNumber);
        return { datasetId: id, datasetOwner: record.owner, rows: record.rows };
      }),
    );
    return { kind: "FHE", ...base, fhe: { computeNode, datasets: fheDatasets } };
  }

  const joined = await readMemberJoins(ctx, taskId);
  const datasetOf = new Map(joined.map((j) => [j.node.toLowerCase(), { id: j.datasetId, block: j.blockNumber }]));
  const finalized = await readRoundFinalizations(ctx, { taskId });
  const submitted = await readSubmittedUpdates(ctx, { taskId });
  const rounds: RoundContribution[] = [];
  for (const { round, attempt } of finalized) {
    const updates = await Promise.all(
      submitted
        .filter((s) => s.round === round && s.attempt === attempt)
        .map(async (s) => {
          const node = s.node;
          const joinedWith = datasetOf.get(node.toLowerCase());
          if (joinedWith === undefined) throw new InvalidRewardInputsError(`update from ${node}, which never joined task ${taskId}`);
          const datasetId = joinedWith.id;
          const { record, manifest } = await dataset(datasetId, joinedWith.block);
          return { node, samples: s.samples, datasetId, datasetOwner: record.owner, rows: record.rows, labelHistogram: manifest.labelHistogram };
        }),
    );
    rounds.push({ round, updates });
  }
  return { kind: "FL", ...base, rounds };
}

/** The payout root and total posted on chain for a task (zero root when not settled). */
export async function readPostedSettlement(ctx: ChainContext, taskId: bigint): Promise<{ root: Hex; total: bigint; claimsOpenAt: bigint }> {
  const [root, total, claimsOpenAt] = await ctx.contracts.trainingTasks.read.getSettlement([taskId]);
  return { root, total, claimsOpenAt: BigInt(claimsOpenAt) };
}
