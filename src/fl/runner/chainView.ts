// Chain + storage reads shared by the node and aggregator loops: the task's spec, the member set of a round
// attempt, the global model a round starts from, and a chain clock.
import { createPublicClient, http, zeroHash, type Address, type Hex } from "viem";
import { datasetIndexAbi } from "../../chain/abis.ts";
import type { ChainContext } from "../../chain/client.ts";
import { TASK_STATUS, type TaskStatusName } from "../../chain/constants.ts";
import { readMemberSlashes, readRoundFinalizations, readRoundStarts } from "../../chain/events/readRoundEvents.ts";
import { getEvents } from "../../chain/getEvents.ts";
import { readDataset } from "../../chain/datasets/readDataset.ts";
import type { TaskMember } from "../../chain/tasks/readTask.ts";
import type { TaskParams } from "../../chain/tasks/readTaskParams.ts";
import { parseSchema, schemaHash, type Schema } from "../../data/schema.ts";
import type { ContentStore } from "../../storage/types.ts";
import { FlError } from "../errors.ts";
import { initParams } from "../model.ts";
import { parseModelSpec, type ModelSpec } from "../modelSpec.ts";
import { decodeRoundModel } from "../roundModel.ts";
import type { ServerState } from "../serverOptimizer.ts";
import type { SaMember } from "../secureAggregation/masking.ts";

/** The loops' consecutive failed polls (chain or RPC errors) after which they give up and rethrow. */
const MAX_FAILED_POLLS = 300;

/**
 * The reporting both protocol loops share: each distinct wait reason and each distinct transient error is said once;
 * a poll that goes through resets the failure count, and MAX_FAILED_POLLS in a row end the loop with the error.
 */
export function pollReporter(onEvent: (event: { type: "waiting"; reason: string } | { type: "warning"; message: string }) => void) {
  let lastWait = "";
  let lastWarning = "";
  let failures = 0;
  return {
    wait(reason: string): void {
      if (reason !== lastWait) onEvent({ type: "waiting", reason });
      lastWait = reason;
    },
    succeeded(): void {
      failures = 0;
      lastWarning = "";
    },
    /** Reports a retryable error; rethrows it once too many polls in a row failed. */
    failed(err: unknown): void {
      failures += 1;
      const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
      if (message !== lastWarning) onEvent({ type: "warning", message });
      lastWarning = message;
      if (failures >= MAX_FAILED_POLLS) throw err;
    },
  };
}

/** Task statuses after which the FL loops stop: every status the contract orders after Running. */
export const TERMINAL_STATUSES: readonly TaskStatusName[] = TASK_STATUS.slice(TASK_STATUS.indexOf("Running") + 1);

/** A model spec stored by root (the task's `modelRoot`). */
export async function loadTaskSpec(store: ContentStore, modelRoot: Hex): Promise<ModelSpec> {
  return parseModelSpec(await store.get(modelRoot));
}

/**
 * A registered schema, fetched through its registration URI (`0g://<root>`, as `2pm schema register` stores it)
 * and checked against the hash on chain.
 *
 * @example
 * const schema = await loadChainSchema(ctx, store, 1n)
 */
export async function loadChainSchema(ctx: ChainContext, store: ContentStore, schemaId: bigint): Promise<Schema> {
  const onChain = (await ctx.contracts.datasetIndex.read.schemaHashOf([schemaId])) as Hex;
  if (/^0x0+$/.test(onChain)) throw new FlError(`Schema ${schemaId} is not registered on ${ctx.network.name}.`);
  const [log] = await getEvents(ctx, { address: ctx.deployments.datasetIndex.address, abi: datasetIndexAbi, eventName: "SchemaRegistered", args: { schemaId } });
  const uri = String(log?.args.uri ?? "");
  const match = /^0g:\/\/(0x[0-9a-fA-F]{64})$/.exec(uri);
  if (!match) throw new FlError(`Schema ${schemaId} was registered with URI '${uri}', not a 0g://<root>: re-register it with \`2pm schema register\`.`);
  const schema = parseSchema(JSON.parse(new TextDecoder().decode(await store.get(match[1].toLowerCase() as Hex))), `schema ${schemaId}`);
  if (schemaHash(schema) !== onChain.toLowerCase()) throw new FlError(`The stored schema ${schemaId} does not hash to the schema hash on chain.`);
  return schema;
}

/**
 * The masking member set of a round attempt: joined members minus those slashed in a block at or before the
 * attempt's RoundStarted block (the contract counts active members at that moment).
 */
export async function attemptMembers(ctx: ChainContext, taskId: bigint, round: number, attempt: number, members: readonly TaskMember[]): Promise<SaMember[]> {
  const started = (await readRoundStarts(ctx, { taskId, round })).find((s) => s.attempt === attempt);
  if (!started) throw new FlError(`Round ${round} attempt ${attempt} of task ${taskId} has not started.`);
  const slashed = new Set(
    (await readMemberSlashes(ctx, { taskId }))
      .filter((s) => s.blockNumber <= started.blockNumber)
      .map((s) => s.node.toLowerCase()),
  );
  const set = members
    .filter((m) => !slashed.has(m.node.toLowerCase()))
    .map((m) => ({ address: m.node.toLowerCase() as Address, publicKey: m.saPublicKey.toLowerCase() as Hex }));
  const expected = started.members;
  if (set.length !== expected)
    throw new FlError(`Round ${round} attempt ${attempt} started with ${expected} members but ${set.length} are derivable from the events.`);
  return set;
}

/**
 * The active members that missed a round attempt on chain — no update; with `reveals`, also a submitter without a
 * reveal while some member dropped — which finalizeRound/restartRound must drop (the contract slashes them and
 * checks the list is exact). Read from the contract's current state, not events, so it matches what it checks.
 */
export async function missedMembers(
  ctx: ChainContext,
  taskId: bigint,
  round: number,
  attempt: number,
  members: readonly TaskMember[],
  options: { reveals: boolean; dropouts: boolean },
): Promise<Address[]> {
  const read = ctx.contracts.trainingTasks.read;
  const missed: Address[] = [];
  for (const { node } of members) {
    const member = await read.getMember([taskId, node]);
    if (member.slashed) continue;
    const update = await read.updateOf([taskId, round, attempt, node]);
    if (update === zeroHash) missed.push(node);
    else if (options.reveals && options.dropouts && (await read.revealOf([taskId, round, attempt, node])) === zeroHash) missed.push(node);
  }
  return missed;
}

/** Σ rows of the members' datasets on chain: the bound on a round's Σ samples for the fixed-point overflow guard. */
export async function membersRows(ctx: ChainContext, members: readonly TaskMember[]): Promise<number> {
  let total = 0n;
  for (const m of members) total += (await readDataset(ctx, m.datasetId)).rows;
  return Number(total);
}

/** The modelRoot of a finalized round (from RoundFinalized), or undefined. */
export async function finalizedModelRoot(ctx: ChainContext, taskId: bigint, round: number): Promise<Hex | undefined> {
  const [finalized] = await readRoundFinalizations(ctx, { taskId, round });
  return finalized?.modelRoot;
}

/**
 * The global parameters round `round` starts from: initParams(spec) for round 1, else the model of the previous
 * RoundFinalized (fetched by root, verified by the store).
 */
export async function globalModel(ctx: ChainContext, store: ContentStore, spec: ModelSpec, taskId: bigint, round: number): Promise<Float64Array> {
  return (await globalRoundModel(ctx, store, spec, taskId, round)).params;
}

/**
 * The global model round `round` starts from with its server-optimizer state (FedAvgM/FedAdam specs): the state is
 * read from the previous round's model file, so a restarted aggregator continues exactly where it stopped.
 */
export async function globalRoundModel(
  ctx: ChainContext,
  store: ContentStore,
  spec: ModelSpec,
  taskId: bigint,
  round: number,
): Promise<{ params: Float64Array; serverState?: ServerState }> {
  if (round <= 1) return { params: initParams(spec) };
  const root = await finalizedModelRoot(ctx, taskId, round - 1);
  if (!root) throw new FlError(`Round ${round - 1} of task ${taskId} is not finalized yet.`);
  const model = decodeRoundModel(await store.get(root));
  if (model.taskId !== taskId || model.round !== round - 1)
    throw new FlError(`The model of round ${round - 1} (${root}) is labelled task ${model.taskId} round ${model.round}.`);
  return { params: model.params, ...(model.serverState ? { serverState: model.serverState } : {}) };
}

/** Block time (what deadlines are judged by) and an estimate of the time the next block will get. */
export type ChainClock = { block: bigint; estimate: bigint };

/**
 * The chain's clock. Deadlines are judged by block timestamps, so decisions use the latest block's; a local dev node
 * only mines on transactions, so `estimate` adds the wall-clock time elapsed since, using the largest offset
 * (block time − wall time) seen so far (time travel on a dev chain moves it).
 */
export function createChainClock(ctx: ChainContext): () => Promise<ChainClock> {
  let offset = Number.NEGATIVE_INFINITY;
  return async () => {
    const block = (await ctx.publicClient.getBlock({ blockTag: "latest" })).timestamp;
    const wall = Math.floor(Date.now() / 1000);
    offset = Math.max(offset, Number(block) - wall);
    const estimate = BigInt(wall + offset);
    return { block, estimate: estimate > block ? estimate : block };
  };
}

/**
 * A copy of the context whose public client never caches the block number: event reads page up to the latest
 * block, and a cached (stale) head would miss an event the contract state already counts.
 */
export function uncachedContext(ctx: ChainContext): ChainContext {
  const publicClient = createPublicClient({ chain: ctx.network.chain, transport: http(ctx.network.rpcUrl, { retryCount: 2 }), pollingInterval: 250, cacheTime: 0 });
  return { ...ctx, publicClient: publicClient as ChainContext["publicClient"] };
}

/** Turns a metric in [0, ∞) into the uint32 ×1e6 fixed point finalizeRound takes (saturating). */
export function toE6(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.min(2 ** 32 - 1, Math.round(value * 1e6));
}

/** The params the task was created with, as TaskParams. */
export type { TaskParams };
