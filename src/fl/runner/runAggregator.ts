import type { Address, Hex } from "viem";
import type { ChainContext } from "../../chain/client.ts";
import { FL_MIN_SUBMISSIONS, MAX_ATTEMPTS, type TaskStatusName } from "../../chain/constants.ts";
import { contractRevertOf } from "../../chain/contractErrors.ts";
import { readReveals, readUpdates } from "../../chain/events/readRoundEvents.ts";
import { readRound, type RoundInfo } from "../../chain/tasks/readRound.ts";
import { readDpTerms } from "../../chain/tasks/dpTerms.ts";
import { readTask } from "../../chain/tasks/readTask.ts";
import { taskWrite } from "../../chain/tasks/taskWrite.ts";
import type { ContentStore } from "../../storage/types.ts";
import { aggregateRound, type Exclusion, type RoundFailure, type RoundReveal, type RoundUpdateResult } from "../aggregateRound.ts";
import { dpTermsMismatch } from "../dp/terms.ts";
import { FlError } from "../errors.ts";
import type { ModelSpec } from "../modelSpec.ts";
import { encodeRoundModel } from "../roundModel.ts";
import { decodeReveal } from "../secureAggregation/revealFile.ts";
import { decodeUpdate } from "../updateCodec.ts";
import { attemptMembers, createChainClock, globalRoundModel, loadTaskSpec, missedMembers, pollReporter, TERMINAL_STATUSES, toE6, uncachedContext } from "./chainView.ts";

export type AggregatorEvent =
  | { type: "waiting"; reason: string }
  | {
      type: "finalized";
      round: number;
      attempt: number;
      submissions: number;
      samples: number;
      /**
       * The global model that entered the round (round − 1's; the initial model in round 1) on the nodes' pooled
       * evaluation rows — what finalizeRound puts on chain — and the locally trained models on the same rows.
       */
      evaluatedModel: number;
      rows: number;
      loss: number;
      accuracy: number;
      localAccuracy: number;
      modelRoot: Hex;
      excluded: Exclusion[];
      /** Members without an update, dropped and slashed by the finalization. */
      dropped: Address[];
    }
  | { type: "rerun"; round: number; attempt: number; submissions: number; reason: string; excluded: Exclusion[] }
  | { type: "restarted"; round: number; attempt: number; dropped: Address[] }
  | { type: "warning"; message: string }
  | { type: "finished"; status: TaskStatusName };

export type RunAggregatorParameters = {
  store: ContentStore;
  taskId: bigint;
  pollMs?: number;
  onEvent?: (event: AggregatorEvent) => void;
  signal?: AbortSignal;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Collects one round attempt from chain + storage: every submitted update fetched by root (the store verifies it)
 * and decoded, or recorded as a failure with its reason; every reveal decoded (an unusable reveal is left out, so
 * its seeds count as missing).
 */
export async function collectRound(ctx: ChainContext, store: ContentStore, taskId: bigint, round: number, attempt: number) {
  const updates: RoundUpdateResult[] = [];
  const failures: RoundFailure[] = [];
  for (const u of await readUpdates(ctx, taskId, round, attempt)) {
    try {
      updates.push({ node: u.node, samples: Number(u.samples), update: decodeUpdate(await store.get(u.updateRoot)) });
    } catch (err) {
      failures.push({ node: u.node, reason: err instanceof Error ? err.message.split("\n")[0] : String(err) });
    }
  }
  const reveals: RoundReveal[] = [];
  const badReveals: Exclusion[] = [];
  for (const r of await readReveals(ctx, taskId, round, attempt)) {
    try {
      reveals.push({ node: r.node, reveal: decodeReveal(await store.get(r.revealRoot)) });
    } catch (err) {
      badReveals.push({ node: r.node, reason: `unusable reveal: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}` });
    }
  }
  return { updates, failures, reveals, badReveals };
}

/** Why an attempt the chain cannot finalize is re-run: too few submissions, or submitters that did not reveal. */
async function unfinalizable(ctx: ChainContext, taskId: bigint, round: number, info: RoundInfo): Promise<{ reason: string; excluded: Exclusion[] }> {
  if (info.submissions < FL_MIN_SUBMISSIONS) return { reason: `only ${info.submissions} of ${info.members} members submitted, ${FL_MIN_SUBMISSIONS} are needed`, excluded: [] };
  const revealed = new Set((await readReveals(ctx, taskId, round, info.attempt)).map((r) => r.node.toLowerCase()));
  const excluded = (await readUpdates(ctx, taskId, round, info.attempt))
    .filter((u) => !revealed.has(u.node.toLowerCase()))
    .map((u) => ({ node: u.node.toLowerCase() as Address, reason: "no seed reveal before the reveal deadline (slashable)" }));
  return { reason: "survivors missed the reveal window, so the dropped members' masks cannot be removed", excluded };
}

/** Members one transaction may drop (~12k gas each after the first; transactions are capped at 2^24 gas, EIP-7825). */
const DROPS_PER_TRANSACTION = 400;

/**
 * Slashes all but the last DROPS_PER_TRANSACTION of `dropped` with slashMany (a round where most of a large task
 * dropped), and returns the rest for the finalize/restart transaction itself.
 */
async function dropInBatches(ctx: ChainContext, taskId: bigint, round: number, dropped: Address[]): Promise<Address[]> {
  let rest = dropped;
  while (rest.length > DROPS_PER_TRANSACTION) {
    const batch = rest.slice(0, DROPS_PER_TRANSACTION);
    await taskWrite(ctx, "slashMany", [taskId, round, batch], `drop ${batch.length} members that missed round ${round}`);
    rest = rest.slice(DROPS_PER_TRANSACTION);
  }
  return rest;
}

/**
 * The aggregator's protocol loop: for the current round attempt, once it is finalizable on chain (every member
 * submitted, or after the submit deadline every submitter revealed), it collects the updates and reveals,
 * aggregates (unmasks the sum, FedAvg), stores the round model and calls finalizeRound with the loss and accuracy
 * of the global model that entered the round (the nodes' pooled evaluation counts). A round that cannot be finalized (unusable update, missing reveals, < FL_MIN_SUBMISSIONS) is re-run with
 * restartRound once its reveal deadline passed. Returns the task's final status.
 *
 * @example
 * await runAggregator(ctx, { store, taskId, onEvent: (e) => console.log(e) })
 */
export async function runAggregator(context: ChainContext, parameters: RunAggregatorParameters): Promise<TaskStatusName> {
  const ctx = uncachedContext(context);
  const { store, taskId, onEvent = () => {}, signal } = parameters;
  const pollMs = parameters.pollMs ?? 300;
  if (!ctx.account) throw new FlError("Aggregating sends transactions: pass the aggregator's account.");
  const me = ctx.account.address.toLowerCase();
  let task = await readTask(ctx, taskId);
  if (task.params.kind !== 0) throw new FlError(`Task ${taskId} is an FHE task, not a federated one.`);
  if (task.params.aggregator.toLowerCase() !== me)
    throw new FlError(`Task ${taskId}'s aggregator is ${task.params.aggregator}, not ${ctx.account.address}: use that account.`);
  const spec: ModelSpec = await loadTaskSpec(store, task.params.modelRoot);
  const dpMismatch = dpTermsMismatch(spec.dp, await readDpTerms(ctx, taskId));
  if (dpMismatch) throw new FlError(`Task ${taskId} cannot be aggregated as specified: ${dpMismatch}.`);
  const clock = createChainClock(ctx);
  const failed = new Map<string, true>();
  const poll = pollReporter(onEvent);

  while (!signal?.aborted) {
    try {
      task = await readTask(ctx, taskId);
      if (TERMINAL_STATUSES.includes(task.status)) {
        onEvent({ type: "finished", status: task.status });
        return task.status;
      }
      if (task.status !== "Running") {
        poll.wait(`task ${taskId} is ${task.status}: ${task.members.length}/${task.params.maxNodes} members joined`);
      } else {
        const round = task.currentRound;
        const info = await readRound(ctx, taskId, round, task.params);
        const key = `${round}/${info.attempt}`;
        const clockNow = await clock();
        const now = clockNow.block;
        const allIn = info.submissions === info.members && info.submissions >= FL_MIN_SUBMISSIONS;
        const revealed = now > info.submitDeadline && info.submissions >= FL_MIN_SUBMISSIONS && info.reveals >= info.submissions;
        if (!failed.has(key) && (allIn || revealed)) {
          const members = await attemptMembers(ctx, taskId, round, info.attempt, task.members);
          const { updates, failures: bad, reveals, badReveals } = await collectRound(ctx, store, taskId, round, info.attempt);
          if (updates.length + bad.length !== info.submissions || reveals.length + badReveals.length < info.reveals) {
            // The event reads lag the contract state by a block: look again at the next poll.
            await sleep(pollMs);
            continue;
          }
          const { params: globalParams, serverState } = await globalRoundModel(ctx, store, spec, taskId, round);
          const result = badReveals.length
            ? { status: "rerun" as const, reason: "unusable reveal files", excluded: badReveals }
            : aggregateRound({ spec, taskId, round, attempt: info.attempt, globalParams, serverState, members, updates, failures: bad, reveals, dpMinSurvivors: task.params.minNodes });
          if (result.status === "finalized") {
            const m = result.metrics;
            // On chain: the global model that entered this round, from the pooled (masked-summed) evaluation counts.
            const { loss, accuracy } = m;
            const modelRoot = await store.put(encodeRoundModel({ taskId, round, attempt: info.attempt, params: result.params, metrics: m, nodes: result.included, serverState: result.serverState }));
            // Members without an update are dropped (and slashed) by the protocol here, so no later round waits for them.
            const dropped = await missedMembers(ctx, taskId, round, info.attempt, task.members, { reveals: false, dropouts: false });
            const rest = await dropInBatches(ctx, taskId, round, dropped);
            await taskWrite(ctx, "finalizeRound", [taskId, round, modelRoot, toE6(loss), toE6(accuracy), rest], `finalize round ${round}`);
            onEvent({
              type: "finalized", round, attempt: info.attempt, submissions: info.submissions, samples: m.samples, evaluatedModel: m.evaluatedModel,
              rows: m.rows, loss, accuracy, localAccuracy: m.localAccuracy, modelRoot, excluded: result.excluded, dropped,
            });
          } else {
            failed.set(key, true);
            onEvent({ type: "rerun", round, attempt: info.attempt, submissions: info.submissions, reason: result.reason, excluded: result.excluded });
          }
        } else if (now > info.revealDeadline) {
          // Not finalizable (or failed off chain): re-run the round with fresh seeds.
          if (!failed.has(key)) {
            const verdict = await unfinalizable(ctx, taskId, round, info);
            failed.set(key, true);
            onEvent({ type: "rerun", round, attempt: info.attempt, submissions: info.submissions, ...verdict });
          }
          const dropouts = info.submissions < info.members;
          const dropped = await missedMembers(ctx, taskId, round, info.attempt, task.members, { reveals: true, dropouts });
          try {
            const rest = await dropInBatches(ctx, taskId, round, dropped);
            await taskWrite(ctx, "restartRound", [taskId, rest], `restart round ${round}`);
          } catch (err) {
            if (contractRevertOf(err)?.errorName === "TrainingTasksTooManyAttempts")
              throw new FlError(`Round ${round} could not be aggregated in ${MAX_ATTEMPTS} attempts: the task cannot progress and can be abandoned after the finalize deadline.`, { cause: err });
            throw err;
          }
          failed.delete(key);
          onEvent({ type: "restarted", round, attempt: info.attempt + 1, dropped });
        } else {
          poll.wait(`round ${round} attempt ${info.attempt}: ${info.submissions}/${info.members} updates, ${info.reveals} reveals`);
          // A local dev chain mines only on transactions, so its clock stands still while everyone waits for a
          // deadline: mine an empty block once the wall clock says the next deadline has passed.
          const next = info.submissions < info.members && now <= info.submitDeadline ? info.submitDeadline : info.revealDeadline;
          if (ctx.network.local && clockNow.estimate > next && now <= next && (info.submissions < info.members || failed.has(key)))
            await ctx.publicClient.request({ method: "evm_mine" as never, params: [] as never });
        }
      }
      poll.succeeded();
    } catch (err) {
      if (err instanceof FlError && !(err.name === "RoundAggregationError" || err.name === "SecureAggregationError")) throw err;
      poll.failed(err);
    }
    await sleep(pollMs);
  }
  return task.status;
}


