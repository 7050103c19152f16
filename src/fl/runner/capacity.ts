// The fixed-point capacity checks made before anything is sent: `2pm task create` against the rows the schema's
// datasets could bring, `2pm node run` against the rows already joined plus its own. Both apply sampleFit.
import type { Address } from "viem";
import type { ChainContext } from "../../chain/client.ts";
import { readSchemaDatasets, type SchemaDataset } from "../../chain/events/readDatasetVersions.ts";
import { readDataset } from "../../chain/datasets/readDataset.ts";
import type { TaskMember } from "../../chain/tasks/readTask.ts";
import { capacityAdvice, sampleFit, type FixedPointConfig, type SampleFitReturnType } from "../capacity.ts";
import { FixedPointOverflowError } from "../errors.ts";
import { membersRows } from "./chainView.ts";

const count = (n: number | bigint) => n.toLocaleString("en-US");

/** "the 3 largest datasets" (or "the 2 active datasets" when fewer than maxNodes exist). */
export function datasetsPhrase(n: number, maxNodes: number): string {
  return n < maxNodes ? `the ${n} active dataset${n === 1 ? "" : "s"}` : `the ${n} largest datasets`;
}

export type TaskCapacity = SampleFitReturnType & {
  /** The `maxNodes` largest active datasets under the schema: the most rows the task's members can bring today. */
  datasets: SchemaDataset[];
};

/**
 * Checks, before a task is created, that the spec's fixed point can hold the rows its members could bring: the sum
 * of the `maxNodes` largest active datasets registered under the schema. Throws a FixedPointOverflowError (one line:
 * capacity, rows, what to change) when it cannot; sends nothing.
 *
 * @example
 * const { capacity, total } = await checkTaskCapacity(ctx, { spec, schemaId: 1n, maxNodes: 3 })
 */
export async function checkTaskCapacity(ctx: ChainContext, parameters: { spec: FixedPointConfig; schemaId: bigint; maxNodes: number }): Promise<TaskCapacity> {
  const { spec, schemaId, maxNodes } = parameters;
  const datasets = (await readSchemaDatasets(ctx, schemaId))
    .sort((a, b) => (a.rows === b.rows ? Number(a.datasetId - b.datasetId) : a.rows > b.rows ? -1 : 1))
    .slice(0, maxNodes);
  const fit = sampleFit(spec, datasets.map((d) => d.rows));
  if (!fit.fits)
    throw new FixedPointOverflowError(
      `The model spec holds at most ${count(fit.capacity)} samples but ${datasetsPhrase(datasets.length, maxNodes)} under schema ${schemaId} ` +
        `have ${count(fit.total)} rows, which can overflow the int32 update sum: ${capacityAdvice(spec, fit)}, or lower --max-nodes.`,
      { details: `datasets ${datasets.map((d) => `${d.datasetId} (${d.rows} rows)`).join(", ")}` },
    );
  return { ...fit, datasets };
}

/**
 * Checks, before a node joins (approves, stakes), that the rows of the members already joined plus its own
 * dataset's stay within the spec's capacity; throws a FixedPointOverflowError otherwise. Joining past it would let
 * the round fail at training time and get honest members slashed.
 *
 * @example
 * await checkJoinCapacity(ctx, { spec, taskId, members: task.members, datasetId })
 */
export async function checkJoinCapacity(
  ctx: ChainContext,
  parameters: { spec: FixedPointConfig; taskId: bigint; members: readonly TaskMember[]; datasetId: bigint },
): Promise<SampleFitReturnType> {
  const { spec, taskId, members, datasetId } = parameters;
  const joined = await membersRows(ctx, members);
  const own = (await readDataset(ctx, datasetId)).rows;
  const fit = sampleFit(spec, [joined, own]);
  if (!fit.fits)
    throw new FixedPointOverflowError(
      `Not joining task ${taskId} (nothing staked): the rows of its ${members.length} joined members (${count(joined)}) plus dataset ${datasetId}'s ` +
        `(${count(own)}) make ${count(fit.total)}, over the model spec's capacity of ${count(fit.capacity)} samples (the int32 update sum could overflow): join with a smaller dataset or another task.`,
    );
  return fit;
}
