import type { Address } from "viem";
import { createQualityCache, Q_ONE, roundQualities } from "./dataQuality.ts";
import { InvalidRewardInputsError } from "./errors.ts";
import { normalizeRewardInputs } from "./normalizeRewardInputs.ts";
import { payoutRoot } from "./payoutTree.ts";
import type {
  FheRewardInputs,
  FlRewardInputs,
  PayoutLeaf,
  PayoutShare,
  PayoutTable,
  RewardInputs,
  RoundSummary,
} from "./types.ts";

export type ComputePayoutsParameters = RewardInputs;

export type ComputePayoutsOptions = {
  /** Called after each round (FL) or once (FHE) with (done, total). */
  onProgress?: (done: number, total: number) => void;
};

export type ComputePayoutsReturnType = PayoutTable;

const BPS = 10_000n;

/** floor(amount · weight / total), 0 when total is 0. */
function proRata(amount: bigint, weight: bigint, total: bigint): bigint {
  return total === 0n ? 0n : (amount * weight) / total;
}

/**
 * Unnormalized round weights f_r = γ^(r−r0)·10000^(rMax−r) for γ = decayBps/10000: proportional to γ^(r−1), but
 * exact integers (the common factor 10000^(rMax−r0)/γ^(r0−1) cancels in f_r/Σf).
 */
function roundFactors(rounds: readonly number[], decayBps: number): bigint[] {
  const first = rounds[0];
  const last = rounds[rounds.length - 1];
  const gamma = BigInt(decayBps);
  return rounds.map((r) => gamma ** BigInt(r - first) * BPS ** BigInt(last - r));
}

function flShares(inputs: FlRewardInputs, computePool: bigint, dataPool: bigint, options: ComputePayoutsOptions) {
  const rounds: RoundSummary[] = [];
  const shares: PayoutShare[] = [];
  if (inputs.rounds.length === 0) return { rounds, shares };

  const numbers = inputs.rounds.map((r) => r.round);
  const computeFactors = roundFactors(numbers, inputs.computeDecayBps);
  const dataFactors = roundFactors(numbers, inputs.dataDecayBps);
  const computeFactorSum = computeFactors.reduce((a, b) => a + b, 0n);
  const dataFactorSum = dataFactors.reduce((a, b) => a + b, 0n);
  const cache = createQualityCache();

  inputs.rounds.forEach((round, index) => {
    const roundCompute = proRata(computePool, computeFactors[index], computeFactorSum);
    const roundData = proRata(dataPool, dataFactors[index], dataFactorSum);

    // Compute: pro rata by samples, counted up to the dataset's rows (a node cannot claim more than it has).
    const samples = round.updates.map((u) => (u.samples < u.rows ? u.samples : u.rows));
    const computeWeight = samples.reduce((a, b) => a + b, 0n);
    round.updates.forEach((u, i) => {
      shares.push({
        round: round.round,
        kind: "compute",
        account: u.node,
        weight: samples[i],
        amount: proRata(roundCompute, samples[i], computeWeight),
      });
    });

    // Data: pro rata by rows × q, q from the label histograms (1e18 fixed point).
    const qualities = roundQualities(round.updates, cache);
    const weights = round.updates.map((u, i) => u.rows * qualities[i].q);
    const dataWeight = weights.reduce((a, b) => a + b, 0n);
    const dataShares: PayoutShare[] = round.updates.map((u, i) => ({
      round: round.round,
      kind: "data",
      account: u.datasetOwner,
      datasetId: u.datasetId,
      rows: u.rows,
      ...(qualities[i].kl === undefined ? {} : { kl: qualities[i].kl }),
      q: qualities[i].q,
      weight: weights[i],
      amount: proRata(roundData, weights[i], dataWeight),
    }));
    dataShares.sort((a, b) => {
      const x = (a as { datasetId: bigint }).datasetId;
      const y = (b as { datasetId: bigint }).datasetId;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    shares.push(...dataShares);

    rounds.push({
      round: round.round,
      computeFactor: computeFactors[index],
      dataFactor: dataFactors[index],
      computePool: roundCompute,
      dataPool: roundData,
      computeWeight,
      dataWeight,
    });
    options.onProgress?.(index + 1, inputs.rounds.length);
  });
  return { rounds, shares };
}

function fheShares(inputs: FheRewardInputs, computePool: bigint, dataPool: bigint, options: ComputePayoutsOptions) {
  const shares: PayoutShare[] = [
    { round: 1, kind: "compute", account: inputs.fhe.computeNode, weight: 1n, amount: computePool },
  ];
  const dataWeight = inputs.fhe.datasets.reduce((a, d) => a + d.rows, 0n);
  for (const d of inputs.fhe.datasets) {
    shares.push({
      round: 1,
      kind: "data",
      account: d.datasetOwner,
      datasetId: d.datasetId,
      rows: d.rows,
      q: Q_ONE,
      weight: d.rows,
      amount: proRata(dataPool, d.rows, dataWeight),
    });
  }
  const rounds: RoundSummary[] = [
    {
      round: 1,
      computeFactor: 1n,
      dataFactor: 1n,
      computePool,
      dataPool,
      computeWeight: 1n,
      dataWeight,
    },
  ];
  options.onProgress?.(1, 1);
  return { rounds, shares };
}

/**
 * Computes every payout of a task: the pure distribution algorithm of docs/design.md#rewards (docs/rewards.md).
 *
 * Pool = budget + slashed; D = floor(Pool·δ), C = Pool − D; round r gets floor(C·w_r) and floor(D·v_r) with
 * w_r ∝ γc^(r−1), v_r ∝ γd^(r−1); compute goes pro rata by samples, data pro rata by rows × q_i with
 * q_i = 1/(1+KL(P_i‖P)). FHE: the compute node takes C, the datasets share D by rows. Every share is floored and
 * the remainder goes to the creator, so Σ leaves == Pool exactly. Deterministic: bigint arithmetic only.
 * @example
 * const table = computePayouts({
 *   kind: "FL", taskId: 1n, creator, budget: 1_000_000n, slashed: 0n,
 *   dataShareBps: 3000, computeDecayBps: 9500, dataDecayBps: 7000,
 *   rounds: [{ round: 1, updates: [{ node, samples: 100n, datasetId: 1n, datasetOwner: node, rows: 100n }] }],
 * })
 * table.root // pass to settle(taskId, table.root, table.total)
 */
export function computePayouts(
  inputs: ComputePayoutsParameters,
  options: ComputePayoutsOptions = {},
): ComputePayoutsReturnType {
  const canonical = normalizeRewardInputs(inputs);
  const pool = canonical.budget + canonical.slashed;
  if (pool === 0n) {
    throw new InvalidRewardInputsError("The task's pool (budget + slashed stakes) is 0: there is nothing to settle.");
  }
  const dataPool = (pool * BigInt(canonical.dataShareBps)) / BPS;
  const computePool = pool - dataPool;

  const { rounds, shares } =
    canonical.kind === "FL"
      ? flShares(canonical, computePool, dataPool, options)
      : fheShares(canonical, computePool, dataPool, options);

  const credit = new Map<Address, bigint>();
  let paid = 0n;
  for (const share of shares) {
    paid += share.amount;
    credit.set(share.account, (credit.get(share.account) ?? 0n) + share.amount);
  }
  const remainder = pool - paid;
  credit.set(canonical.creator, (credit.get(canonical.creator) ?? 0n) + remainder);

  const leaves: PayoutLeaf[] = [...credit]
    .filter(([, amount]) => amount > 0n)
    .map(([account, amount]) => ({ account, amount }))
    .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  const total = leaves.reduce((a, l) => a + l.amount, 0n);

  return {
    format: "2pm-payouts/1",
    taskId: canonical.taskId,
    inputs: canonical,
    pool,
    computePool,
    dataPool,
    rounds,
    shares,
    remainder,
    leaves,
    total,
    root: payoutRoot({ leaves }),
  };
}
