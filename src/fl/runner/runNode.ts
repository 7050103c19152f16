import { chmod, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Address, Hex } from "viem";
import type { ChainContext } from "../../chain/client.ts";
import type { TaskStatusName } from "../../chain/constants.ts";
import { readDataset } from "../../chain/datasets/readDataset.ts";
import { readUpdates } from "../../chain/events/readRoundEvents.ts";
import { joinTask } from "../../chain/tasks/joinTask.ts";
import { readRound } from "../../chain/tasks/readRound.ts";
import { readTask } from "../../chain/tasks/readTask.ts";
import { taskWrite } from "../../chain/tasks/taskWrite.ts";
import { writeFileAtomic } from "../../storage/atomicWrite.ts";
import type { ContentStore } from "../../storage/types.ts";
import { buildUpdate } from "../buildUpdate.ts";
import { FlError } from "../errors.ts";
import type { Table } from "../model.ts";
import type { ModelSpec } from "../modelSpec.ts";
import { createSaCache, saKeyPair, saPublicKey, type SaKeyPair } from "../secureAggregation/keyAgreement.ts";
import { revealSeedsFor } from "../secureAggregation/masking.ts";
import { encodeReveal } from "../secureAggregation/revealFile.ts";
import { trainLocal } from "../trainLocal.ts";
import { checkJoinCapacity } from "./capacity.ts";
import { attemptMembers, createChainClock, globalModel, membersRows, pollReporter, TERMINAL_STATUSES, uncachedContext } from "./chainView.ts";

export type NodeEvent =
  | { type: "key"; path: string; publicKey: Hex; created: boolean }
  | { type: "joined"; taskId: bigint; datasetId: bigint; transactionHash: Hex }
  | { type: "resumed"; taskId: bigint; round: number }
  | { type: "waiting"; reason: string }
  | {
      type: "submitted";
      round: number;
      attempt: number;
      samples: number;
      /** The locally trained model's training loss/accuracy (and held-out ones with validationFraction). */
      loss: number;
      accuracy: number;
      valAccuracy?: number;
      valLoss?: number;
      /** The global model the round started from, on this node's evaluation rows (it goes masked into the update). */
      global: { rows: number; accuracy: number };
      updateRoot: Hex;
    }
  | { type: "revealed"; round: number; attempt: number; toward: Address[]; revealRoot: Hex }
  | { type: "missed"; round: number; attempt: number; reason: string }
  | { type: "warning"; message: string }
  | { type: "finished"; status: TaskStatusName };

export type RunNodeParameters = {
  store: ContentStore;
  taskId: bigint;
  datasetId: bigint;
  /** State directory root (`--home`): key and state live in <home>/node/<task>/<address>/. */
  home: string;
  spec: ModelSpec;
  /** The node's standardized local data (features in spec order). */
  table: Table;
  pollMs?: number;
  onEvent?: (event: NodeEvent) => void;
  /** Stop early (e.g. on SIGINT): the loop ends after the current step. */
  signal?: AbortSignal;
};

type NodeState = { joined: boolean; submitted: Record<string, Hex>; revealed: Record<string, Hex> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The node's state directory: <home>/node/<taskId>/<address lowercase>. */
export function nodeDir(home: string, taskId: bigint, address: Address): string {
  return path.join(home, "node", taskId.toString(), address.toLowerCase());
}

/** Loads the node's X25519 key for a task, or creates it (file mode 0600) — always before joining. */
export async function loadOrCreateNodeKey(dir: string): Promise<{ keys: SaKeyPair; created: boolean; file: string }> {
  const file = path.join(dir, "sa-key.json");
  try {
    const json = JSON.parse(await readFile(file, "utf8")) as { secretKey: Hex };
    return { keys: { secretKey: json.secretKey, publicKey: saPublicKey(json.secretKey) }, created: false, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new FlError(`The node key file ${file} is unreadable.`, { cause: err });
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keys = saKeyPair();
  await writeFileAtomic(file, JSON.stringify({ format: "2pm-sa-key/1", ...keys }) + "\n", { mode: 0o600 });
  await chmod(file, 0o600);
  return { keys, created: true, file };
}

async function loadState(file: string): Promise<NodeState> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as NodeState;
  } catch {
    return { joined: false, submitted: {}, revealed: {} };
  }
}

/**
 * The node operator's protocol loop: joins the task (key persisted first), then follows the chain: in every round
 * attempt it evaluates the global model it received on its evaluation rows, trains from it, masks and stores its
 * update (params ‖ evaluation counts) and submits its root; after the submit
 * deadline, if some member dropped, it reveals its seeds toward the dropped members only. State is persisted so a
 * restarted node resumes without a double join or submit. Returns the task's final status. Before writing or
 * sending anything it refuses a table with more rows than its dataset commits and, when not yet a member, a join
 * that would take the members' rows past the spec's sample capacity (checkJoinCapacity).
 *
 * @example
 * const status = await runNode(ctx, { store, taskId, datasetId, home, spec, table, onEvent: console.log })
 */
export async function runNode(context: ChainContext, parameters: RunNodeParameters): Promise<TaskStatusName> {
  const ctx = uncachedContext(context);
  const { store, taskId, datasetId, home, spec, table, onEvent = () => {}, signal } = parameters;
  const pollMs = parameters.pollMs ?? 300;
  if (!ctx.account) throw new FlError("Running a node sends transactions: pass an account.");
  const me = ctx.account.address.toLowerCase() as Address;
  let task = await readTask(ctx, taskId);
  const mine = task.members.find((m) => m.node.toLowerCase() === me);
  // The FedAvg weight a node reports is the rows it trains on: never more than its dataset commits on chain.
  const committed = (await readDataset(ctx, mine?.datasetId ?? datasetId)).rows;
  if (BigInt(table.features.rows) > committed)
    throw new FlError(`The data has ${table.features.rows} rows but dataset ${mine?.datasetId ?? datasetId} commits ${committed}: train on the data registered as the dataset.`);
  if (!mine) {
    if (TERMINAL_STATUSES.includes(task.status) || task.status === "Running")
      throw new FlError(`Task ${taskId} is ${task.status}: it no longer takes members.`);
    // Checked before the key is made and anything is staked; a member resuming is past this point.
    await checkJoinCapacity(ctx, { spec, taskId, members: task.members, datasetId });
  }
  const dir = nodeDir(home, taskId, me);
  const { keys, created, file } = await loadOrCreateNodeKey(dir);
  onEvent({ type: "key", path: file, publicKey: keys.publicKey, created });
  const stateFile = path.join(dir, "state.json");
  const state = await loadState(stateFile);
  const save = () => writeFileAtomic(stateFile, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  const cache = createSaCache();
  const clock = createChainClock(ctx);

  if (mine) {
    if (mine.saPublicKey.toLowerCase() !== keys.publicKey)
      throw new FlError(`${me} joined task ${taskId} with another secure-aggregation key than ${file}: restore the key file it joined with.`);
    if (!state.joined) {
      state.joined = true;
      await save();
    }
    onEvent({ type: "resumed", taskId, round: task.currentRound });
  } else {
    const receipt = await joinTask(ctx, taskId, datasetId, keys.publicKey);
    state.joined = true;
    await save();
    onEvent({ type: "joined", taskId, datasetId, transactionHash: receipt.transactionHash });
  }

  let maxTotalSamples: number | undefined;
  const poll = pollReporter(onEvent);
  while (!signal?.aborted) {
    try {
      task = await readTask(ctx, taskId);
      if (TERMINAL_STATUSES.includes(task.status)) {
        onEvent({ type: "finished", status: task.status });
        return task.status;
      }
      const self = task.members.find((m) => m.node.toLowerCase() === me);
      if (!self) throw new FlError(`${me} is not a member of task ${taskId}.`);
      if (self.slashed) throw new FlError(`${me} was slashed in task ${taskId}: it can no longer take part.`);
      if (task.status !== "Running") {
        poll.wait(`task ${taskId} is ${task.status}: ${task.members.length}/${task.params.maxNodes} members joined`);
      } else {
        const round = task.currentRound;
        const info = await readRound(ctx, taskId, round, task.params);
        const key = `${round}/${info.attempt}`;
        const now = (await clock()).block;
        if (!state.submitted[key]) {
          const onChain = (await readUpdates(ctx, taskId, round, info.attempt)).find((u) => u.node.toLowerCase() === me);
          if (onChain) {
            state.submitted[key] = onChain.updateRoot;
            await save();
          } else if (now <= info.submitDeadline) {
            maxTotalSamples ??= await membersRows(ctx, task.members);
            const members = await attemptMembers(ctx, taskId, round, info.attempt, task.members);
            const global = await globalModel(ctx, store, spec, taskId, round);
            const trained = trainLocal(spec, global, table, { round, node: self.joinIndex });
            const { bytes, evaluation } = buildUpdate({
              spec, taskId, round, attempt: info.attempt, node: me, globalParams: global, trained, table,
              maxTotalSamples: Math.max(maxTotalSamples, trained.samples),
              sa: { self: { address: me, secretKey: keys.secretKey }, members, cache },
              // DP: each share sized for the task's minNodes survivors (terms checked against the chain by prepareNode).
              dp: spec.dp && { minSurvivors: task.params.minNodes, maxNodes: task.params.maxNodes },
            });
            const root = await store.put(bytes);
            await taskWrite(ctx, "submitUpdate", [taskId, round, root, BigInt(trained.samples)], `submit the round ${round} update`);
            state.submitted[key] = root;
            await save();
            const { rows, correct } = evaluation.global;
            onEvent({ type: "submitted", round, attempt: info.attempt, samples: trained.samples, ...trained.metrics, global: { rows, accuracy: correct / rows }, updateRoot: root });
          } else if (!state.revealed[`missed:${key}`]) {
            state.revealed[`missed:${key}`] = "0x";
            onEvent({ type: "missed", round, attempt: info.attempt, reason: "the submit deadline passed before this node could submit" });
          }
        } else if (!state.revealed[key] && info.submissions < info.members && now > info.submitDeadline && now <= info.revealDeadline) {
          const members = await attemptMembers(ctx, taskId, round, info.attempt, task.members);
          const submitted = (await readUpdates(ctx, taskId, round, info.attempt)).map((u) => u.node.toLowerCase() as Address);
          const dropped = members.map((m) => m.address).filter((a) => !submitted.includes(a));
          const reveals = revealSeedsFor({ taskId, round, attempt: info.attempt, self: { address: me, secretKey: keys.secretKey }, members, submitted, dropped, cache });
          const root = await store.put(encodeReveal({ taskId, round, attempt: info.attempt, from: me, reveals }));
          await taskWrite(ctx, "revealSeeds", [taskId, round, root], `reveal the round ${round} seeds`);
          state.revealed[key] = root;
          await save();
          onEvent({ type: "revealed", round, attempt: info.attempt, toward: dropped, revealRoot: root });
        } else {
          poll.wait(`round ${round} attempt ${info.attempt}: waiting for the other members and the aggregator`);
        }
      }
      poll.succeeded();
    } catch (err) {
      if (err instanceof FlError) throw err;
      // Chain and RPC errors (a refused simulation, a node restart) are retried; say each distinct one once.
      poll.failed(err);
    }
    await sleep(pollMs);
  }
  return task.status;
}
