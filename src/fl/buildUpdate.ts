import type { Address } from "viem";
import { FlError } from "./errors.ts";
import { countEvaluation, evaluationRows } from "./evaluate.ts";
import { encodeEvaluationBlock, evaluationBlockLength, type NodeEvaluation } from "./evaluationBlock.ts";
import type { Table } from "./model.ts";
import { assertDpSumFits } from "./capacity.ts";
import { addNodeNoise, nodeNoiseSigma } from "./dp/distributedDp.ts";
import { createRandomSource, type RandomSource } from "./dp/randomSource.ts";
import type { ModelSpec } from "./modelSpec.ts";
import type { SaCache } from "./secureAggregation/keyAgreement.ts";
import { maskUpdate, type SaMember, type SaSelf } from "./secureAggregation/masking.ts";
import type { TrainLocalReturnType } from "./trainLocal.ts";
import { encodeUpdate, modelDelta, quantizeUpdate, type Update } from "./updateCodec.ts";

export type BuildUpdateParameters = {
  spec: ModelSpec;
  taskId: bigint;
  round: number;
  /** The round's attempt on chain (seeds are per attempt). Default 0. */
  attempt?: number;
  /** This node's address (must equal `sa.self.address` when masking). */
  node: Address;
  /** The global parameters the round started from. */
  globalParams: Float64Array;
  /** The result of trainLocal from `globalParams`. */
  trained: TrainLocalReturnType;
  /** The node's table (the one trained on): the global and local models are evaluated on its evaluation rows. */
  table: Table;
  /** Upper bound on Σ samples over the round's nodes (e.g. Σ of the members' dataset rows on chain). */
  maxTotalSamples: number;
  /** Secure aggregation: this node's key and the round's members. Omit for a plain (unmasked) update. */
  sa?: { self: SaSelf; members: readonly SaMember[]; cache?: SaCache };
  /**
   * Required when the spec has DP terms: `minSurvivors` (the task's minNodes: each noise share is sized so that
   * this many survivors carry the central noise), `maxNodes` (most updates in the sum, for the int32 range) and
   * optionally `random` (default: a fresh CSPRNG; a seeded one only in tests and benchmarks).
   */
  dp?: { minSurvivors: number; maxNodes: number; random?: RandomSource };
};

/**
 * The node side of a round after local training: delta → clip → weight by samples → int32 fixed point, followed by
 * the evaluation block (the global model the round started from, and the local model, counted on the node's
 * evaluation rows) → mask → update file bytes (ready for store.put, whose root goes on chain with submitUpdate).
 *
 * @example
 * const trained = trainLocal(spec, global, table, { round })
 * const { bytes } = buildUpdate({ spec, taskId, round, node, globalParams: global, trained, table, maxTotalSamples, sa: { self, members } })
 */
export function buildUpdate(parameters: BuildUpdateParameters): { update: Update; bytes: Uint8Array; evaluation: NodeEvaluation } {
  const { spec, taskId, round, attempt, node, globalParams, trained, table, sa } = parameters;
  if (sa && sa.self.address.toLowerCase() !== node.toLowerCase())
    throw new FlError(`The update is for ${node} but the secure-aggregation key belongs to ${sa.self.address}.`);
  const delta = modelDelta(trained.params, globalParams);
  // The params block: with DP the clipped delta at weight 1 plus this node's noise share, else n_i-weighted.
  const quantized = spec.dp
    ? noisyUpdate(spec, delta, parameters.dp)
    : quantizeUpdate(spec, { delta, samples: trained.samples, maxTotalSamples: parameters.maxTotalSamples });
  const rows = evaluationRows(spec, table.features.rows);
  const evaluation: NodeEvaluation = {
    global: countEvaluation(spec, globalParams, table, rows),
    local: countEvaluation(spec, trained.params, table, rows),
  };
  const plain = new Int32Array(quantized.length + evaluationBlockLength(spec));
  plain.set(quantized);
  plain.set(encodeEvaluationBlock(spec, evaluation), quantized.length);
  const vector = sa ? maskUpdate({ taskId, round, attempt, self: sa.self, members: sa.members, vector: plain, cache: sa.cache }) : plain;
  const update: Update = {
    header: {
      taskId,
      round,
      attempt: attempt ?? 0,
      node: node.toLowerCase() as Address,
      samples: trained.samples,
      length: vector.length,
      scale: spec.fixedPointScale,
      masked: sa !== undefined,
    },
    vector,
  };
  return { update, bytes: encodeUpdate(update), evaluation };
}

/**
 * DP: the clipped delta with weight 1 (a node's influence must not grow with its sample count: node-level
 * sensitivity is clipNorm), in int32 fixed point, plus this node's discrete Gaussian noise share.
 */
function noisyUpdate(spec: ModelSpec, delta: Float64Array, dp: BuildUpdateParameters["dp"]): Int32Array {
  if (!dp) throw new FlError("The model spec asks for differential privacy: pass dp.minSurvivors and dp.maxNodes.");
  const sigma = nodeNoiseSigma(spec, delta.length, dp.minSurvivors);
  assertDpSumFits(spec, { nodes: dp.maxNodes, nodeSigma: sigma });
  const quantized = quantizeUpdate(spec, { delta, samples: 1, maxTotalSamples: 1 });
  return addNodeNoise(quantized, { sigma, length: delta.length, random: dp.random ?? createRandomSource() });
}
