// Typed reads and writes of DatasetIndex and TrainingTasks shared by every pathway (data owner, node operator,
// aggregator, settler). Reads of lists come from events, so they match what the indexer sees.
import { maxUint256, parseEventLogs, type Address, type Hex, type TransactionReceipt } from "viem";
import { datasetIndexAbi, rewardTokenAbi, trainingTasksAbi } from "./abis.ts";
import { requireAccount, write, type ChainContext } from "./client.ts";
import { ChainError } from "./errors.ts";
import { getEvents } from "./events.ts";

export const TASK_STATUS = ["None", "Open", "Running", "Finished", "Settled", "Disputed", "Cancelled", "Abandoned"] as const;
export type TaskStatusName = (typeof TASK_STATUS)[number];
export const ENCRYPTION = { none: 0, ckks: 1 } as const;

export type TaskParams = {
  kind: 0 | 1;
  schemaId: number;
  modelRoot: Hex;
  rounds: number;
  minNodes: number;
  maxNodes: number;
  stake: bigint;
  rewardToken: Address;
  budget: bigint;
  joinDeadline: bigint;
  roundDuration: number;
  revealDuration: number;
  aggregatorWindow: number;
  challengeWindow: number;
  /** Seconds claims stay open; what is unclaimed then returns to the creator. */
  claimPeriod: number;
  aggregator: Address;
  /** Decides disputes among the proposed payouts; neither the creator nor the aggregator, never a member. */
  resolver: Address;
  dataShareBps: number;
  computeDecayBps: number;
  dataDecayBps: number;
};

export type FheInput = { datasetId: bigint; root: Hex; manifestRoot: Hex; rows: bigint };

function eventArg<T>(receipt: TransactionReceipt, abi: readonly unknown[], eventName: string, arg: string): T {
  const logs = parseEventLogs({ abi: abi as never, logs: receipt.logs, eventName: eventName as never }) as unknown as Array<{ args: Record<string, unknown> }>;
  if (!logs.length) throw new ChainError(`transaction ${receipt.transactionHash} emitted no ${eventName}`);
  return logs[0].args[arg] as T;
}

// ─── DatasetIndex ──────────────────────────────────────────────────────────────────────────────────────────────

/** Registers a schema (or returns the id it already has). */
export async function registerSchema(ctx: ChainContext, schemaHash: Hex, uri: string): Promise<{ schemaId: bigint; existed: boolean }> {
  const existing = await ctx.contracts.datasetIndex.read.schemaIdOf([schemaHash]);
  if (existing !== 0n) return { schemaId: existing, existed: true };
  const receipt = await write(ctx, { address: ctx.deployments.datasetIndex.address, abi: datasetIndexAbi, functionName: "registerSchema", args: [schemaHash, uri] }, "register schema");
  return { schemaId: eventArg<bigint>(receipt, datasetIndexAbi, "SchemaRegistered", "schemaId"), existed: false };
}

export type RegisterDatasetParameters = {
  schemaId: bigint;
  root: Hex;
  manifestRoot: Hex;
  rows: bigint;
  encryption: "none" | "ckks";
  keyId?: Hex;
  uri: string;
};

/** Registers a dataset commitment owned by the acting account. */
export async function registerDataset(ctx: ChainContext, p: RegisterDatasetParameters): Promise<{ datasetId: bigint; transactionHash: Hex }> {
  const keyId = p.keyId ?? (`0x${"0".repeat(64)}` as Hex);
  const receipt = await write(ctx, {
    address: ctx.deployments.datasetIndex.address,
    abi: datasetIndexAbi,
    functionName: "registerDataset",
    args: [p.schemaId, p.root, p.manifestRoot, p.rows, ENCRYPTION[p.encryption], keyId, p.uri],
  }, "register dataset");
  return { datasetId: eventArg<bigint>(receipt, datasetIndexAbi, "DatasetRegistered", "datasetId"), transactionHash: receipt.transactionHash };
}

/**
 * Publishes a new version of an owned, active dataset (same schema and encryption; a CKKS dataset may move to a new
 * key). Returns the new version.
 * @example const { version } = await updateDataset(ctx, 1n, { root, manifestRoot, rows: 47n, uri: `0g://${manifestRoot}` })
 */
export async function updateDataset(
  ctx: ChainContext,
  datasetId: bigint,
  p: Pick<RegisterDatasetParameters, "root" | "manifestRoot" | "rows" | "keyId" | "uri">,
): Promise<{ version: number; transactionHash: Hex }> {
  const keyId = p.keyId ?? (`0x${"0".repeat(64)}` as Hex);
  const receipt = await write(ctx, {
    address: ctx.deployments.datasetIndex.address,
    abi: datasetIndexAbi,
    functionName: "updateDataset",
    args: [datasetId, p.root, p.manifestRoot, p.rows, keyId, p.uri],
  }, `update dataset ${datasetId}`);
  return { version: eventArg<number>(receipt, datasetIndexAbi, "DatasetUpdated", "version"), transactionHash: receipt.transactionHash };
}

/** Retires an owned dataset for good: it can no longer join tasks or be an FHE input. */
export async function retireDataset(ctx: ChainContext, datasetId: bigint): Promise<{ transactionHash: Hex }> {
  const receipt = await write(ctx, {
    address: ctx.deployments.datasetIndex.address,
    abi: datasetIndexAbi,
    functionName: "retireDataset",
    args: [datasetId],
  }, `retire dataset ${datasetId}`);
  return { transactionHash: receipt.transactionHash };
}

export type DatasetRecord = {
  datasetId: bigint;
  owner: Address;
  schemaId: bigint;
  version: number;
  root: Hex;
  manifestRoot: Hex;
  rows: bigint;
  encryption: "none" | "ckks";
  keyId: Hex;
  uri: string;
  retired: boolean;
};

/** A dataset's current version, from its registration/update events (checked against the on-chain commitment). */
export async function readDataset(ctx: ChainContext, datasetId: bigint, options: { blockNumber?: bigint } = {}): Promise<DatasetRecord> {
  const address = ctx.deployments.datasetIndex.address;
  // At a past block (e.g. the version an FHE task committed to when it was created), state and events both end there.
  const at = options.blockNumber === undefined ? {} : { blockNumber: options.blockNumber };
  const toBlock = options.blockNumber === undefined ? {} : { toBlock: options.blockNumber };
  let onChain;
  try {
    onChain = await ctx.contracts.datasetIndex.read.getDataset([datasetId], at);
  } catch {
    throw new ChainError(`dataset ${datasetId} does not exist on ${ctx.network.name}`);
  }
  const [registered] = await getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetRegistered", args: { datasetId }, ...toBlock });
  const updates = await getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetUpdated", args: { datasetId }, ...toBlock });
  const latest = (updates.at(-1)?.args ?? registered.args) as Record<string, unknown>;
  const record: DatasetRecord = {
    datasetId,
    owner: onChain.owner,
    schemaId: BigInt(onChain.schemaId),
    version: onChain.version,
    root: latest.root as Hex,
    manifestRoot: latest.manifestRoot as Hex,
    rows: latest.rows as bigint,
    encryption: onChain.encryption === 1 ? "ckks" : "none",
    keyId: latest.keyId as Hex,
    uri: latest.uri as string,
    retired: onChain.retired,
  };
  const committed = await ctx.contracts.datasetIndex.read.isCommitted([datasetId, record.root, record.manifestRoot, record.rows, record.keyId], at);
  if (!committed) throw new ChainError(`dataset ${datasetId}: its events do not match the on-chain commitment`);
  return record;
}

// ─── TrainingTasks: writes ─────────────────────────────────────────────────────────────────────────────────────

/** Approves TrainingTasks to pull `amount` of the task's token when the allowance is short. */
export async function ensureAllowance(ctx: ChainContext, token: Address, amount: bigint): Promise<void> {
  const { account } = requireAccount(ctx);
  const spender = ctx.deployments.trainingTasks.address;
  const allowance = await ctx.publicClient.readContract({ address: token, abi: rewardTokenAbi, functionName: "allowance", args: [account.address, spender] });
  if (allowance >= amount) return;
  const balance = await ctx.publicClient.readContract({ address: token, abi: rewardTokenAbi, functionName: "balanceOf", args: [account.address] });
  if (balance < amount) {
    throw new ChainError(`account ${account.address} holds ${balance} base units of the reward token but needs ${amount}: fund it first`);
  }
  await write(ctx, { address: token, abi: rewardTokenAbi, functionName: "approve", args: [spender, maxUint256] }, "approve the reward token");
}

/** Creates a task, approving the budget first. */
export async function createTask(ctx: ChainContext, params: TaskParams, fhe?: { inputs: FheInput[]; keyId: Hex }): Promise<{ taskId: bigint; transactionHash: Hex }> {
  await ensureAllowance(ctx, params.rewardToken, params.budget);
  const receipt = await write(ctx, {
    address: ctx.deployments.trainingTasks.address,
    abi: trainingTasksAbi,
    functionName: "createTask",
    args: [params, fhe?.inputs ?? [], fhe?.keyId ?? `0x${"0".repeat(64)}`],
  }, "create task");
  return { taskId: eventArg<bigint>(receipt, trainingTasksAbi, "TaskCreated", "taskId"), transactionHash: receipt.transactionHash };
}

/** Sends one TrainingTasks transaction by function name (simulated first: nothing is sent if it would revert). */
export function taskWrite(ctx: ChainContext, functionName: string, args: readonly unknown[], what: string): Promise<TransactionReceipt> {
  return write(ctx, { address: ctx.deployments.trainingTasks.address, abi: trainingTasksAbi, functionName, args }, what);
}

/** Joins a task: approves and stakes, records the dataset and the secure-aggregation public key. */
export async function joinTask(ctx: ChainContext, taskId: bigint, datasetId: bigint, saPublicKey: Hex): Promise<TransactionReceipt> {
  const params = await readTaskParams(ctx, taskId);
  await ensureAllowance(ctx, params.rewardToken, params.stake);
  return taskWrite(ctx, "joinTask", [taskId, datasetId, saPublicKey], `join task ${taskId}`);
}

// ─── TrainingTasks: reads ──────────────────────────────────────────────────────────────────────────────────────

export async function readTaskParams(ctx: ChainContext, taskId: bigint): Promise<TaskParams> {
  try {
    return (await ctx.contracts.trainingTasks.read.getTaskParams([taskId])) as unknown as TaskParams;
  } catch {
    throw new ChainError(`task ${taskId} does not exist on ${ctx.network.name}`);
  }
}

export type TaskMember = { node: Address; datasetId: bigint; saPublicKey: Hex; joinIndex: number; slashed: boolean; stakeWithdrawn: boolean };

export type RoundInfo = {
  round: number;
  attempt: number;
  start: bigint;
  submitDeadline: bigint;
  revealDeadline: bigint;
  finalizeDeadline: bigint;
  members: number;
  submissions: number;
  reveals: number;
  finalized: boolean;
  samples: bigint;
};

export type TaskView = {
  taskId: bigint;
  params: TaskParams;
  creator: Address;
  status: TaskStatusName;
  currentRound: number;
  activeMembers: number;
  members: TaskMember[];
};

/** A task with its members (join order) from MemberJoined events and their current flags. */
export async function readTask(ctx: ChainContext, taskId: bigint): Promise<TaskView> {
  const params = await readTaskParams(ctx, taskId);
  const [creator, status, currentRound, activeMembers] = await ctx.contracts.trainingTasks.read.getTaskState([taskId]);
  const joins = await getEvents(ctx, { address: ctx.deployments.trainingTasks.address, abi: trainingTasksAbi, eventName: "MemberJoined", args: { taskId } });
  const members: TaskMember[] = [];
  for (const log of joins) {
    const node = log.args.node as Address;
    const m = await ctx.contracts.trainingTasks.read.getMember([taskId, node]);
    members.push({ node, datasetId: log.args.datasetId as bigint, saPublicKey: log.args.saPublicKey as Hex, joinIndex: m.joinIndex, slashed: m.slashed, stakeWithdrawn: m.stakeWithdrawn });
  }
  return { taskId, params, creator, status: TASK_STATUS[status], currentRound, activeMembers, members };
}

/** The state and deadlines of a round's current (or final) attempt. */
export async function readRound(ctx: ChainContext, taskId: bigint, round: number, params?: TaskParams): Promise<RoundInfo> {
  const p = params ?? (await readTaskParams(ctx, taskId));
  const s = await ctx.contracts.trainingTasks.read.getRound([taskId, round]);
  const submitDeadline = s.start + BigInt(p.roundDuration);
  const revealDeadline = submitDeadline + BigInt(p.revealDuration);
  return {
    round, attempt: s.attempt, start: s.start, submitDeadline, revealDeadline,
    finalizeDeadline: revealDeadline + BigInt(p.aggregatorWindow),
    members: s.members, submissions: s.submissions, reveals: s.reveals, finalized: s.finalized, samples: s.samples,
  };
}

export type SubmittedUpdate = { node: Address; updateRoot: Hex; samples: bigint; attempt: number; blockNumber: bigint };
export type SeedReveal = { node: Address; revealRoot: Hex; attempt: number };

/** Updates committed in a round attempt (from UpdateSubmitted events). */
export async function readUpdates(ctx: ChainContext, taskId: bigint, round: number, attempt: number): Promise<SubmittedUpdate[]> {
  const logs = await getEvents(ctx, { address: ctx.deployments.trainingTasks.address, abi: trainingTasksAbi, eventName: "UpdateSubmitted", args: { taskId, round } });
  return logs
    .filter((l) => Number(l.args.attempt) === attempt)
    .map((l) => ({ node: l.args.node as Address, updateRoot: l.args.updateRoot as Hex, samples: l.args.samples as bigint, attempt, blockNumber: l.blockNumber! }));
}

/** Seed reveals published in a round attempt (from SeedsRevealed events). */
export async function readReveals(ctx: ChainContext, taskId: bigint, round: number, attempt: number): Promise<SeedReveal[]> {
  const logs = await getEvents(ctx, { address: ctx.deployments.trainingTasks.address, abi: trainingTasksAbi, eventName: "SeedsRevealed", args: { taskId, round } });
  return logs.filter((l) => Number(l.args.attempt) === attempt).map((l) => ({ node: l.args.node as Address, revealRoot: l.args.revealRoot as Hex, attempt }));
}

/** The chain's current time (latest block timestamp): deadlines are judged against it, not the local clock. */
export async function chainTime(ctx: ChainContext): Promise<bigint> {
  return (await ctx.publicClient.getBlock({ blockTag: "latest" })).timestamp;
}

/**
 * The chain time to check a deadline against before sending a transaction. A local dev chain mines only on
 * transactions, so its clock stands still between them and a check against it would refuse what the next block
 * allows: there, an empty block is mined first when the wall clock is ahead. Other chains: `chainTime`.
 */
export async function deadlineClock(ctx: ChainContext): Promise<bigint> {
  const latest = await chainTime(ctx);
  if (!ctx.network.local || BigInt(Math.floor(Date.now() / 1000)) <= latest) return latest;
  await ctx.publicClient.request({ method: "evm_mine" as never, params: [] as never });
  return chainTime(ctx);
}
