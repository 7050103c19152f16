import type { Address, Hex } from "viem";

/** One update included in a finalized round's aggregate, with the dataset behind it. */
export type UpdateContribution = {
  /** Node operator that submitted the update (paid from the round's compute pool). */
  node: Address;
  /** Sample count submitted on chain with the update (`submitUpdate(…, samples)`). Counted up to `rows`. */
  samples: bigint;
  /** Dataset the node joined the task with. */
  datasetId: bigint;
  /** Owner of that dataset (paid from the round's data pool). */
  datasetOwner: Address;
  /** Rows of the dataset as registered on chain. */
  rows: bigint;
  /** Label counts from the dataset's manifest, in class order; absent when the owner opted out (then q = 1). */
  labelHistogram?: number[];
};

/** A finalized round (1-based round number) and the updates its aggregate included. */
export type RoundContribution = {
  round: number;
  updates: UpdateContribution[];
};

/** An encrypted input dataset of an FHE task. */
export type FheDatasetContribution = {
  datasetId: bigint;
  datasetOwner: Address;
  rows: bigint;
};

/** The single computation of an FHE task: its one compute node and the encrypted datasets it used. */
export type FheContribution = {
  computeNode: Address;
  datasets: FheDatasetContribution[];
};

/** Fields shared by FL and FHE tasks, all read from the chain. */
export type RewardInputsBase = {
  taskId: bigint;
  /** Task creator: receives every rounding remainder and every unassignable share. */
  creator: Address;
  /** Escrowed budget, in token base units. */
  budget: bigint;
  /** Stakes slashed in this task (they join the pool), in token base units. */
  slashed: bigint;
  /** Data share δ in basis points (default 3000 = compute:data 7:3). 0..10000. */
  dataShareBps: number;
  /** Compute decay γc in basis points (default 9500). 0..10000. */
  computeDecayBps: number;
  /** Data decay γd in basis points (default 7000). 0..10000. */
  dataDecayBps: number;
};

/** Inputs of a federated-learning task: the finalized rounds, in any order. */
export type FlRewardInputs = RewardInputsBase & {
  kind: "FL";
  rounds: RoundContribution[];
};

/** Inputs of an FHE task: one computation, no rounds. */
export type FheRewardInputs = RewardInputsBase & {
  kind: "FHE";
  fhe: FheContribution;
};

/** Everything `computePayouts` needs, read from chain + storage. */
export type RewardInputs = FlRewardInputs | FheRewardInputs;

/** Per-round split of the pools (all integers; see docs/rewards.md). */
export type RoundSummary = {
  round: number;
  /** Unnormalized compute round weight a_r = gc^(r−r0) · 10000^(rMax−r) (exact integer). */
  computeFactor: bigint;
  /** Unnormalized data round weight b_r = gd^(r−r0) · 10000^(rMax−r). */
  dataFactor: bigint;
  /** floor(C · a_r / Σa). */
  computePool: bigint;
  /** floor(D · b_r / Σb). */
  dataPool: bigint;
  /** Σ counted samples of the round's updates (compute shares are pro rata to these). */
  computeWeight: bigint;
  /** Σ rows_i × q_i of the round's datasets (data shares are pro rata to these). */
  dataWeight: bigint;
};

/** One share before aggregation per account; `amount = floor(pool · weight / totalWeight)`. */
export type PayoutShare =
  | {
      round: number;
      kind: "compute";
      account: Address;
      /** Counted samples min(samples, rows) (FL) or 1 (the FHE compute node). */
      weight: bigint;
      amount: bigint;
    }
  | {
      round: number;
      kind: "data";
      account: Address;
      datasetId: bigint;
      rows: bigint;
      /** KL(P_i ‖ P) in 1e18 fixed point (floor); absent when there is no histogram or for FHE. */
      kl?: bigint;
      /** q_i = 1/(1+KL) in 1e18 fixed point (floor); 1e18 when there is no histogram or for FHE. */
      q: bigint;
      /** rows × q. */
      weight: bigint;
      amount: bigint;
    };

/** One Merkle leaf: `[index, account, amount]` encoded as `["uint256", "address", "uint256"]` (index = position in the sorted leaves). */
export type PayoutLeaf = { account: Address; amount: bigint };

/** The settlement of one task: inputs, every share, the leaves and their Merkle root. */
export type PayoutTable = {
  format: "2pm-payouts/1";
  taskId: bigint;
  /** The inputs in canonical form (addresses lowercase, rounds by number, updates by node, datasets by id). */
  inputs: RewardInputs;
  /** budget + slashed. */
  pool: bigint;
  /** C = pool − D. */
  computePool: bigint;
  /** D = floor(pool · dataShareBps / 10000). */
  dataPool: bigint;
  rounds: RoundSummary[];
  shares: PayoutShare[];
  /** What the creator's leaf got from rounding and unassignable shares (included in its leaf). */
  remainder: bigint;
  /** One leaf per account with a positive amount, sorted by address. */
  leaves: PayoutLeaf[];
  /** Σ leaves.amount; always equals pool. */
  total: bigint;
  /** StandardMerkleTree root of the leaves. */
  root: Hex;
};
