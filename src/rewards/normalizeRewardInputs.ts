import { isAddress } from "viem";
import type { Address } from "viem";
import { InvalidRewardInputsError } from "./errors.ts";
import type { FheDatasetContribution, RewardInputs, RoundContribution, UpdateContribution } from "./types.ts";

/**
 * Highest round number accepted. Round weights are exact integers gc^(r−r0)·10000^(rMax−r), whose size grows with the
 * number of rounds (~13 kbit at 1,000 rounds); the contract should cap `rounds` at this value too.
 */
export const MAX_ROUND = 1000;

const BPS = 10_000;

function fail(message: string, details?: string): never {
  throw new InvalidRewardInputsError(message, details === undefined ? {} : { details });
}

function address(value: unknown, what: string): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    fail(`${what} is not a valid address: pass a 0x-prefixed 20-byte hex address.`, String(value));
  }
  return value.toLowerCase() as Address;
}

function nonNegative(value: unknown, what: string): bigint {
  if (typeof value !== "bigint" || value < 0n) fail(`${what} must be a non-negative bigint.`, String(value));
  return value;
}

function bps(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > BPS) {
    fail(`${what} must be an integer number of basis points between 0 and 10000.`, String(value));
  }
  return value;
}

function histogram(value: unknown, what: string): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) fail(`${what} must be a non-empty array of label counts.`);
  for (const count of value) {
    if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) {
      fail(`${what} must hold non-negative integer label counts.`, JSON.stringify(value));
    }
  }
  return [...value];
}

function compareAddress(a: Address, b: Address): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function normalizeUpdate(update: UpdateContribution, where: string): UpdateContribution {
  const labelHistogram = histogram(update.labelHistogram, `${where}.labelHistogram`);
  const normalized: UpdateContribution = {
    node: address(update.node, `${where}.node`),
    samples: nonNegative(update.samples, `${where}.samples`),
    datasetId: nonNegative(update.datasetId, `${where}.datasetId`),
    datasetOwner: address(update.datasetOwner, `${where}.datasetOwner`),
    rows: nonNegative(update.rows, `${where}.rows`),
  };
  if (labelHistogram !== undefined) normalized.labelHistogram = labelHistogram;
  return normalized;
}

function normalizeRound(round: RoundContribution): RoundContribution {
  if (!Number.isSafeInteger(round.round) || round.round < 1 || round.round > MAX_ROUND) {
    fail(`Round number ${round.round} is out of range: rounds are numbered 1..${MAX_ROUND}.`);
  }
  if (!Array.isArray(round.updates)) fail(`Round ${round.round} has no updates array.`);
  const updates = round.updates
    .map((u, i) => normalizeUpdate(u, `rounds[round=${round.round}].updates[${i}]`))
    .sort((a, b) => compareAddress(a.node, b.node));
  const datasets = new Set<bigint>();
  let classes: number | undefined;
  for (let i = 0; i < updates.length; i++) {
    const u = updates[i];
    if (i > 0 && updates[i - 1].node === u.node) {
      fail(`Round ${round.round} lists node ${u.node} twice: a node submits one update per round.`);
    }
    if (datasets.has(u.datasetId)) {
      fail(`Round ${round.round} lists dataset ${u.datasetId} twice: a dataset backs one update per round.`);
    }
    datasets.add(u.datasetId);
    if (u.labelHistogram !== undefined) {
      classes ??= u.labelHistogram.length;
      if (u.labelHistogram.length !== classes) {
        fail(
          `Round ${round.round} mixes label histograms of ${classes} and ${u.labelHistogram.length} classes: ` +
            `the task's datasets must share one schema.`,
        );
      }
    }
  }
  return { round: round.round, updates };
}

function normalizeFheDataset(dataset: FheDatasetContribution, where: string): FheDatasetContribution {
  return {
    datasetId: nonNegative(dataset.datasetId, `${where}.datasetId`),
    datasetOwner: address(dataset.datasetOwner, `${where}.datasetOwner`),
    rows: nonNegative(dataset.rows, `${where}.rows`),
  };
}

/**
 * Validates reward inputs and returns them in canonical form: addresses lowercase, rounds sorted by number,
 * updates by node address, FHE datasets by id. Input order therefore never changes a payout table.
 * @example
 * const canonical = normalizeRewardInputs(inputs) // throws InvalidRewardInputsError on bad inputs
 */
export function normalizeRewardInputs(inputs: RewardInputs): RewardInputs {
  const base = {
    taskId: nonNegative(inputs.taskId, "taskId"),
    creator: address(inputs.creator, "creator"),
    budget: nonNegative(inputs.budget, "budget"),
    slashed: nonNegative(inputs.slashed, "slashed"),
    dataShareBps: bps(inputs.dataShareBps, "dataShareBps"),
    computeDecayBps: bps(inputs.computeDecayBps, "computeDecayBps"),
    dataDecayBps: bps(inputs.dataDecayBps, "dataDecayBps"),
  };
  if (inputs.kind === "FL") {
    if (!Array.isArray(inputs.rounds)) fail("FL reward inputs need a rounds array (the finalized rounds).");
    const rounds = inputs.rounds.map(normalizeRound).sort((a, b) => a.round - b.round);
    for (let i = 1; i < rounds.length; i++) {
      if (rounds[i].round === rounds[i - 1].round) fail(`Round ${rounds[i].round} is listed twice.`);
    }
    return { kind: "FL", ...base, rounds };
  }
  if (inputs.kind === "FHE") {
    const fhe = inputs.fhe;
    if (fhe === undefined || fhe === null || !Array.isArray(fhe.datasets)) {
      fail("FHE reward inputs need fhe: { computeNode, datasets }.");
    }
    const datasets = fhe.datasets
      .map((d, i) => normalizeFheDataset(d, `fhe.datasets[${i}]`))
      .sort((a, b) => compareBigint(a.datasetId, b.datasetId));
    for (let i = 1; i < datasets.length; i++) {
      if (datasets[i].datasetId === datasets[i - 1].datasetId) {
        fail(`FHE dataset ${datasets[i].datasetId} is listed twice.`);
      }
    }
    return { kind: "FHE", ...base, fhe: { computeNode: address(fhe.computeNode, "fhe.computeNode"), datasets } };
  }
  return fail(`Unknown task kind ${String((inputs as { kind: unknown }).kind)}: expected "FL" or "FHE".`);
}
