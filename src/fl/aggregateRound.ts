import type { Address } from "viem";
import { RoundAggregationError } from "./errors.ts";
import { fedAvg, sumUpdates } from "./fedAvg.ts";
import { checkParams, modelLayout } from "./model.ts";
import type { ModelSpec } from "./modelSpec.ts";
import type { SaMember, SeedReveal } from "./secureAggregation/masking.ts";
import { unmaskSum } from "./secureAggregation/recovery.ts";
import { applyServerUpdate, type ServerState } from "./serverOptimizer.ts";
import type { RevealFile } from "./secureAggregation/revealFile.ts";
import { assertDpSumFits, assertSumFits } from "./capacity.ts";
import { dpSumNormBound, nodeNoiseSigma } from "./dp/distributedDp.ts";
import { headerProblem, l2, revealProblem, updateNormBound } from "./roundChecks.ts";
import type { Update } from "./updateCodec.ts";
import { readEvaluationSum, splitUpdateVector, updateVectorLength, type ClassEvaluation, type EvaluationSum } from "./evaluationBlock.ts";

/** An update recorded on chain whose file was fetched (root verified by the store) and decoded. */
export type RoundUpdateResult = {
  /** Submitter, as recorded on chain. */
  node: Address;
  /** Sample count recorded on chain with the update root. */
  samples: number;
  update: Update;
};

/** An update recorded on chain whose file could not be used (not retrievable, root mismatch, undecodable). */
export type RoundFailure = { node: Address; reason: string };

/** A reveal file recorded on chain (revealSeeds) by `node`, fetched and decoded with decodeReveal. */
export type RoundReveal = { node: Address; reveal: RevealFile };

/** A node the strategy left out, and why. */
export type Exclusion = { node: Address; reason: string };

/**
 * A finalized round's figures, from the unmasked sum of the evaluation blocks. `accuracy`/`loss` belong to the
 * global model the round *started from* (round r−1's model; the initial model in round 1), evaluated by every
 * included node on its evaluation rows (held-out split, or all rows without validationFraction).
 */
export type RoundMetrics = {
  /** Σ training samples of the included updates. */
  samples: number;
  /** Number of included updates. */
  nodes: number;
  /** The round whose model was evaluated: round − 1 (0 = the initial model). */
  evaluatedModel: number;
  /** Rows evaluated, over the included nodes. */
  rows: number;
  /** Accuracy of that global model on the pooled evaluation rows. */
  accuracy: number;
  /** Its mean log-loss (per-row loss capped at LOSS_CAP). */
  loss: number;
  /** Per class (spec order): rows, correct and recall of that global model. */
  classes: ClassEvaluation[];
  /** The nodes' locally trained models of this round on the same rows (not a global model's figure). */
  localAccuracy: number;
  localLoss: number;
};

export type AggregateRoundParameters = {
  spec: ModelSpec;
  taskId: bigint;
  round: number;
  /** The round's attempt on chain: update headers and reveal files must name it. Default 0. */
  attempt?: number;
  /** The global parameters the round started from. */
  globalParams: Float64Array;
  /** The server-optimizer state stored with the global model (FedAvgM/FedAdam specs; absent in round 1). */
  serverState?: ServerState;
  /** Every task member of the round with its on-chain X25519 public key (used for masking). */
  members: readonly SaMember[];
  /** Updates on chain whose files decoded. */
  updates: readonly RoundUpdateResult[];
  /** Updates on chain whose files could not be used. */
  failures?: readonly RoundFailure[];
  /** Reveal files on chain for this round. */
  reveals?: readonly RoundReveal[];
  /** Updates are masked (secure aggregation). Default true. */
  secure?: boolean;
  /** Fewest included updates a round may be finalized with. Default 3 (the contract's rule). */
  minNodes?: number;
  /** "rerun" (default) returns a rerun result; "throw" throws a RoundAggregationError instead. */
  onFailure?: "rerun" | "throw";
  /** DP specs only: the task's minNodes, for which each node's noise share was sized (the sum's range depends on it). */
  dpMinSurvivors?: number;
};

export type AggregateRoundReturnType =
  | {
      status: "finalized";
      /** The next global parameters. */
      params: Float64Array;
      /** The FedAvg delta (applied as is, or through the spec's server optimizer). */
      delta: Float64Array;
      /** The server-optimizer state to store with the new model (FedAvgM/FedAdam specs only). */
      serverState?: ServerState;
      metrics: RoundMetrics;
      /** Nodes whose updates are in the aggregate (ascending address). */
      included: Address[];
      /** Without secure aggregation only: updates left out (corrupt, mismatched, over the clip norm). */
      excluded: Exclusion[];
    }
  | {
      status: "rerun";
      /** Why the round cannot be finalized. */
      reason: string;
      /** Nodes at fault (slashable / to leave out of the re-run). */
      excluded: Exclusion[];
      /** The members of the re-run: the round's members minus `excluded`. */
      members: SaMember[];
    };

/**
 * The federated round strategy (pure, Flower-style): turns a round's results and failures into the next global
 * model, or into a "rerun" verdict naming the nodes at fault.
 *
 * With secure aggregation a masked update can only be left out if all its pairwise seeds are revealed, which is
 * exactly what must never happen to an update that is on chain (anyone holding its bytes could unmask it). So a
 * submitted update that is corrupt, mismatched or unavailable, a survivor that missed the reveal, or a bad reveal
 * makes the round unfinalizable: the culprits are reported and the round is re-run as its next attempt on chain
 * (restartRound; seeds are per attempt, so fresh). Dropped members (no update on chain) are handled by the
 * survivors' reveals. Without secure aggregation bad updates are simply excluded.
 *
 * @example
 * const result = aggregateRound({ spec, taskId, round, globalParams, members, updates, failures, reveals })
 * if (result.status === "finalized") await store.put(encodeRoundModel({ taskId, round, params: result.params, metrics: result.metrics }))
 */
export function aggregateRound(parameters: AggregateRoundParameters): AggregateRoundReturnType {
  const { spec, taskId, round, globalParams } = parameters;
  const secure = parameters.secure ?? true;
  const minNodes = parameters.minNodes ?? 3;
  const layout = modelLayout(spec);
  checkParams(layout, globalParams);
  const length = updateVectorLength(spec);
  const members = parameters.members.map((m) => ({ ...m, address: m.address.toLowerCase() as Address }));
  const { valid, excluded, onChain } = sortResults(parameters, members, length, secure);

  const fail = (reason: string, culprits: Exclusion[]): AggregateRoundReturnType => {
    const out = new Set(culprits.map((e) => e.node));
    const result = { status: "rerun" as const, reason, excluded: culprits, members: members.filter((m) => !out.has(m.address)) };
    if (parameters.onFailure === "throw")
      throw new RoundAggregationError(`Round ${round} of task ${taskId} cannot be finalized: ${reason}`, {
        details: culprits.map((e) => `${e.node}: ${e.reason}`).join("\n") || undefined,
      });
    return result;
  };

  const dpMinSurvivors = parameters.dpMinSurvivors;
  if (spec.dp && dpMinSurvivors === undefined)
    throw new RoundAggregationError("The model spec asks for differential privacy: pass dpMinSurvivors (the task's minNodes).");
  // With DP every update weighs 1 and carries noise (dp/distributedDp.ts); otherwise n_i and no noise.
  // Bounds on the params block only: the evaluation counts carry no noise and have their own check.
  const normBound = (samples: number, nodes: number) =>
    spec.dp ? dpSumNormBound(spec, layout.length, nodes, dpMinSurvivors!) : updateNormBound(spec, samples, nodes, layout.length);

  let included = valid;
  if (!secure) {
    // Plain updates are independent: drop the bad ones (including any over the clip norm) and go on.
    included = [];
    for (const u of valid) {
      const { params, evaluation } = splitUpdateVector(spec, u.update.vector);
      const counts = readEvaluationSum(spec, evaluation, { samples: u.samples, nodes: 1 });
      if (l2(params) > normBound(u.samples, 1)) excluded.push({ node: u.node, reason: "update exceeds the clip norm" });
      else if ("problem" in counts) excluded.push({ node: u.node, reason: counts.problem });
      else included.push(u);
    }
  } else if (excluded.length > 0) {
    return fail(
      "an update on chain is unusable, and its masks cannot be removed without exposing it: re-run the round without the nodes listed",
      excluded,
    );
  }
  if (included.length < minNodes)
    return fail(`only ${included.length} usable update(s), at least ${minNodes} are needed`, secure ? [] : excluded);

  const totalSamples = included.reduce((s, u) => s + u.samples, 0);
  if (spec.dp) assertDpSumFits(spec, { nodes: included.length, nodeSigma: nodeNoiseSigma(spec, layout.length, dpMinSurvivors!) });
  else assertSumFits(spec, { totalSamples });

  let sum: Int32Array;
  if (secure) {
    const unmasked = secureSum(parameters, members, onChain, included, length);
    if ("reason" in unmasked) return fail(unmasked.reason, unmasked.culprits);
    sum = unmasked.sum;
  } else sum = sumUpdates(included.map((u) => u.update.vector));
  const blocks = splitUpdateVector(spec, sum);
  const evaluation = readEvaluationSum(spec, blocks.evaluation, { samples: totalSamples, nodes: included.length });
  // A wrong revealed seed or a badly masked update leaves uniform garbage, far outside what clipped updates and
  // honest counts can sum to.
  if (l2(blocks.params) > normBound(totalSamples, included.length) || "problem" in evaluation)
    return fail(`the unmasked sum is out of range${"problem" in evaluation ? ` (${evaluation.problem})` : ""}: a revealed seed or a masked update is wrong (the culprit cannot be told)`, []);

  // DP: the plain mean of the (noisy) clipped deltas — weights by n_i would scale a node's sensitivity by n_i.
  const delta = fedAvg(blocks.params, spec.dp ? included.length : totalSamples, spec.fixedPointScale);
  const next = applyServerUpdate(spec, globalParams, delta, parameters.serverState);
  return {
    status: "finalized",
    params: next.params,
    delta,
    ...(next.state ? { serverState: next.state } : {}),
    metrics: roundMetrics(round, totalSamples, included.length, evaluation.sum),
    included: included.map((u) => u.node).sort(),
    excluded,
  };
}

/**
 * Step 1: every update and failure on chain must come from a member, once; failures and updates whose header does
 * not fit the round are `excluded`, the rest `valid`. `onChain` is who has anything on chain.
 */
function sortResults(parameters: AggregateRoundParameters, members: readonly SaMember[], length: number, secure: boolean) {
  const { taskId, round } = parameters;
  const attempt = parameters.attempt ?? 0;
  const scale = parameters.spec.fixedPointScale;
  const memberSet = new Set(members.map((m) => m.address));
  const onChain = new Set<Address>();
  const note = (node: Address) => {
    const a = node.toLowerCase() as Address;
    if (!memberSet.has(a)) throw new RoundAggregationError(`${node} submitted an update but is not a member of the round.`);
    if (onChain.has(a)) throw new RoundAggregationError(`${node} appears twice among the round's updates and failures.`);
    onChain.add(a);
    return a;
  };
  const excluded: Exclusion[] = [];
  for (const f of parameters.failures ?? []) excluded.push({ node: note(f.node), reason: f.reason });
  const valid: RoundUpdateResult[] = [];
  for (const u of parameters.updates) {
    const node = note(u.node);
    const problem = headerProblem(u, { taskId, round, attempt, node, length, scale, secure });
    if (problem) excluded.push({ node, reason: problem });
    else valid.push({ ...u, node });
  }
  return { valid, excluded, onChain };
}

/**
 * Step 2 (secure aggregation): the survivors' reveals give the seeds toward the dropped members; with them the masks
 * cancel and the plain sum remains. A survivor whose reveal is missing or wrong is a culprit.
 */
function secureSum(
  parameters: AggregateRoundParameters,
  members: readonly SaMember[],
  onChain: ReadonlySet<Address>,
  included: readonly RoundUpdateResult[],
  length: number,
): { sum: Int32Array } | { reason: string; culprits: Exclusion[] } {
  const { taskId, round } = parameters;
  const attempt = parameters.attempt ?? 0;
  const survivors = new Set(included.map((u) => u.node));
  const dropped = members.filter((m) => !onChain.has(m.address)).map((m) => m.address);
  const seeds: SeedReveal[] = [];
  const culprits: Exclusion[] = [];
  if (dropped.length > 0) {
    const byNode = new Map<Address, RevealFile>();
    for (const r of parameters.reveals ?? []) byNode.set(r.node.toLowerCase() as Address, r.reveal);
    for (const node of survivors) {
      const reveal = byNode.get(node);
      const problem = revealProblem(reveal, { taskId, round, attempt, node, dropped, survivors });
      if (problem) culprits.push({ node, reason: problem });
      else seeds.push(...reveal!.reveals.filter((r) => dropped.includes(r.to.toLowerCase() as Address)));
    }
  }
  if (culprits.length > 0)
    return { reason: "survivors' seed reveals are missing or invalid, so the dropped members' masks cannot be removed", culprits };
  return { sum: unmaskSum({ maskedUpdates: included.map((u) => ({ address: u.node, vector: u.update.vector })), members: [...members], reveals: seeds, length }) };
}

/** Step 3: the round's metrics: the pooled counts of the model that entered the round (only sums are known). */
function roundMetrics(round: number, samples: number, nodes: number, evaluation: EvaluationSum): RoundMetrics {
  const { rows, accuracy, loss, classes, localAccuracy, localLoss } = evaluation;
  return { samples, nodes, evaluatedModel: round - 1, rows, accuracy, loss, classes, localAccuracy, localLoss };
}
