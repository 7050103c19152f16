import type { Address } from "viem";
import { RoundAggregationError } from "./errors.ts";
import { applyDelta, fedAvg, sumUpdates } from "./fedAvg.ts";
import { checkParams, modelLayout } from "./model.ts";
import type { ModelSpec } from "./modelSpec.ts";
import type { SaMember, SeedReveal } from "./secureAggregation/masking.ts";
import { unmaskSum } from "./secureAggregation/recovery.ts";
import type { RevealFile } from "./secureAggregation/revealFile.ts";
import { assertSumFits } from "./capacity.ts";
import type { Update } from "./updateCodec.ts";

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

export type RoundMetrics = {
  /** Σ samples of the included updates. */
  samples: number;
  /** Number of included updates. */
  nodes: number;
  /** Samples-weighted mean of the nodes' reported training loss. */
  loss: number;
  /** Samples-weighted mean of the nodes' reported training accuracy. */
  accuracy: number;
  /** Samples-weighted mean of the reported validation accuracy (only when every included node reported one). */
  valAccuracy?: number;
  /** Samples-weighted mean of the reported validation loss (only when every included node reported one). */
  valLoss?: number;
};

export type AggregateRoundParameters = {
  spec: ModelSpec;
  taskId: bigint;
  round: number;
  /** The round's attempt on chain: update headers and reveal files must name it. Default 0. */
  attempt?: number;
  /** The global parameters the round started from. */
  globalParams: Float64Array;
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
};

export type AggregateRoundReturnType =
  | {
      status: "finalized";
      /** The next global parameters. */
      params: Float64Array;
      /** The FedAvg delta applied to the global parameters. */
      delta: Float64Array;
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
  const attempt = parameters.attempt ?? 0;
  const secure = parameters.secure ?? true;
  const minNodes = parameters.minNodes ?? 3;
  const layout = modelLayout(spec);
  checkParams(layout, globalParams);
  const length = layout.length;
  const scale = spec.fixedPointScale;

  const members = parameters.members.map((m) => ({ ...m, address: m.address.toLowerCase() as Address }));
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

  const fail = (reason: string, culprits: Exclusion[]): AggregateRoundReturnType => {
    const out = new Set(culprits.map((e) => e.node));
    const result = { status: "rerun" as const, reason, excluded: culprits, members: members.filter((m) => !out.has(m.address)) };
    if (parameters.onFailure === "throw")
      throw new RoundAggregationError(`Round ${round} of task ${taskId} cannot be finalized: ${reason}`, {
        details: culprits.map((e) => `${e.node}: ${e.reason}`).join("\n") || undefined,
      });
    return result;
  };

  let included = valid;
  if (!secure) {
    // Plain updates are independent: drop the bad ones (including any over the clip norm) and go on.
    included = [];
    for (const u of valid) {
      if (l2(u.update.vector) > updateNormBound(spec, u.samples, 1, length)) excluded.push({ node: u.node, reason: "update exceeds the clip norm" });
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
  assertSumFits(spec, { totalSamples });

  let sum: Int32Array;
  if (secure) {
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
      return fail("survivors' seed reveals are missing or invalid, so the dropped members' masks cannot be removed", culprits);
    sum = unmaskSum({ maskedUpdates: included.map((u) => ({ address: u.node, vector: u.update.vector })), members, reveals: seeds, length });
    // A wrong revealed seed or a badly masked update leaves uniform garbage, far outside what clipped updates can sum to.
    if (l2(sum) > updateNormBound(spec, totalSamples, included.length, length))
      return fail("the unmasked sum is out of range: a revealed seed or a masked update is wrong (the culprit cannot be told)", []);
  } else sum = sumUpdates(included.map((u) => u.update.vector));

  const delta = fedAvg(sum, totalSamples, scale);
  const mean = (pick: (u: RoundUpdateResult) => number) => included.reduce((s, u) => s + u.samples * pick(u), 0) / totalSamples;
  const metrics: RoundMetrics = {
    samples: totalSamples,
    nodes: included.length,
    loss: mean((u) => u.update.header.metrics.loss),
    accuracy: mean((u) => u.update.header.metrics.accuracy),
  };
  if (included.every((u) => u.update.header.metrics.valAccuracy !== undefined))
    metrics.valAccuracy = mean((u) => u.update.header.metrics.valAccuracy!);
  if (included.every((u) => u.update.header.metrics.valLoss !== undefined))
    metrics.valLoss = mean((u) => u.update.header.metrics.valLoss!);
  return {
    status: "finalized",
    params: applyDelta(globalParams, delta),
    delta,
    metrics,
    included: included.map((u) => u.node).sort(),
    excluded,
  };
}

/**
 * Largest L2 norm the sum of `nodes` quantized updates with `samples` samples in total can have: each update is
 * round(n_i·x_i·scale) with ‖x_i‖ <= clipNorm, so ‖Σ‖ <= T·clipNorm·scale + nodes·√length/2.
 */
export function updateNormBound(spec: Pick<ModelSpec, "clipNorm" | "fixedPointScale">, samples: number, nodes: number, length: number): number {
  return (samples * spec.clipNorm * spec.fixedPointScale + (nodes * Math.sqrt(length)) / 2) * (1 + 1e-9) + 1;
}

function l2(v: Int32Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return Math.sqrt(s);
}

function headerProblem(
  u: RoundUpdateResult,
  expected: { taskId: bigint; round: number; attempt: number; node: Address; length: number; scale: number; secure: boolean },
): string | undefined {
  const h = u.update.header;
  if (h.taskId !== expected.taskId) return `update is for task ${h.taskId}, not ${expected.taskId}`;
  if (h.round !== expected.round) return `update is for round ${h.round}, not ${expected.round}`;
  // A replayed update of an earlier attempt is masked with that attempt's seeds: it would not cancel.
  if ((h.attempt ?? 0) !== expected.attempt) return `update is for attempt ${h.attempt ?? 0}, not ${expected.attempt}`;
  if (h.node.toLowerCase() !== expected.node) return `update header names node ${h.node}`;
  if (h.samples !== u.samples) return `update header says ${h.samples} samples but the chain records ${u.samples}`;
  if (h.length !== expected.length || u.update.vector.length !== expected.length)
    return `update has ${h.length} values, the model has ${expected.length}`;
  if (h.scale !== expected.scale) return `update scale ${h.scale} differs from the spec's ${expected.scale}`;
  if (h.masked !== expected.secure) return expected.secure ? "update is not masked" : "update is masked but the task has no secure aggregation";
  return undefined;
}

function revealProblem(
  reveal: RevealFile | undefined,
  expected: { taskId: bigint; round: number; attempt: number; node: Address; dropped: Address[]; survivors: Set<Address> },
): string | undefined {
  if (!reveal) return "missed the reveal window";
  if (reveal.from.toLowerCase() !== expected.node) return `reveal file is signed as ${reveal.from}`;
  if (reveal.taskId !== expected.taskId || reveal.round !== expected.round || (reveal.attempt ?? 0) !== expected.attempt)
    return `reveal file is for task ${reveal.taskId} round ${reveal.round} attempt ${reveal.attempt ?? 0}`;
  const targets = new Set(reveal.reveals.map((r) => r.to.toLowerCase()));
  for (const t of targets) if (expected.survivors.has(t as Address)) return `revealed a seed toward ${t}, whose update is on chain`;
  const missing = expected.dropped.filter((d) => !targets.has(d));
  if (missing.length > 0) return `reveal file lacks the seeds toward ${missing.join(", ")}`;
  return undefined;
}
