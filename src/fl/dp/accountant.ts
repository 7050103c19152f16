// Rényi-DP accountant of the distributed discrete Gaussian: per-round RDP from Kairouz, Liu & Steinke (ICML 2021),
// composed over rounds by addition (Mironov 2017, Prop. 1), converted to (ε, δ) with the improved conversion of
// Canonne, Kamath & Steinke (NeurIPS 2020, Prop. 12) — the one Google's dp_accounting RdpAccountant uses.
import { FlError } from "../errors.ts";

/** RDP orders α searched for the best ε (dp_accounting's default grid). */
export const RDP_ORDERS: readonly number[] = [
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 53 }, (_, i) => 11 + i),
  128,
  256,
  512,
  1024,
];

export type DiscreteGaussianSumParameters = {
  /** L2 sensitivity of one node's contribution (int32 units). */
  l2: number;
  /** L1 sensitivity (<= √length·l2). */
  l1: number;
  /** Standard deviation of each node's noise share (int32 units). */
  sigma: number;
  /** Nodes whose noise is in the sum (the survivors). */
  nodes: number;
  /** Coordinates noised. */
  length: number;
};

/**
 * ε_KLS of Kairouz, Liu & Steinke 2021, Theorem 1: for the sum of `nodes` independent N_Z(0, σ²)^d vectors,
 * D_α(Z ‖ Z + Δ) <= α·ε²/2 with ε = min{ √(Δ₂²/(nσ²) + τd/2), Δ₂/(√n·σ) + τΔ₁ },
 * τ = 10·Σ_{k=1}^{n−1} exp(−2π²σ²·k/(k+1)).
 *
 * @example
 * discreteGaussianSumEpsilon({ l2: 1, l1: 1, sigma: 10, nodes: 1, length: 1 }) // 0.1
 */
export function discreteGaussianSumEpsilon(p: DiscreteGaussianSumParameters): number {
  if (!(p.sigma >= 0.5)) throw new FlError("The accountant needs σ >= 1/2 per node (Kairouz et al. 2021, Theorem 1).");
  if (!Number.isSafeInteger(p.nodes) || p.nodes < 1) throw new FlError(`The node count ${p.nodes} is not a positive integer.`);
  let tau = 0;
  for (let k = 1; k < p.nodes; k++) tau += Math.exp((-2 * Math.PI ** 2 * p.sigma ** 2 * k) / (k + 1));
  tau *= 10;
  const n = p.nodes;
  return Math.min(
    Math.sqrt((p.l2 * p.l2) / (n * p.sigma * p.sigma) + (tau * p.length) / 2),
    p.l2 / (Math.sqrt(n) * p.sigma) + tau * p.l1,
  );
}

/**
 * (ε, δ) from RDP values at `orders` (Canonne, Kamath & Steinke 2020, Prop. 12; also Asoodeh et al. 2020, eq. 20):
 * ε = min_α [ rdp(α) + log(1 − 1/α) − log(δ·α)/(α − 1) ], as in dp_accounting's `compute_epsilon`.
 *
 * @example
 * epsilonFromRdp([2, 32], [1.1, 1.1], 1e-5) // { epsilon: 1.3278…, order: 32 }
 */
export function epsilonFromRdp(orders: readonly number[], rdp: readonly number[], delta: number): { epsilon: number; order: number } {
  if (!(delta > 0 && delta < 1)) throw new FlError(`δ ${delta} must be in (0, 1).`);
  if (orders.length !== rdp.length || orders.length === 0) throw new FlError("RDP orders and values must pair up.");
  let best = { epsilon: Infinity, order: orders[0] };
  for (let i = 0; i < orders.length; i++) {
    const a = orders[i];
    const r = rdp[i];
    if (!(a >= 1) || !(r >= 0)) throw new FlError(`Invalid RDP point (α ${a}, ${r}).`);
    let epsilon: number;
    if (delta ** 2 + Math.expm1(-r) > 0) epsilon = 0; // KL bound: δ <= √(1 − e^−KL)
    else if (a > 1.01) epsilon = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
    else epsilon = Infinity; // unstable as α → 1, and never the best there
    if (epsilon < best.epsilon) best = { epsilon, order: a };
  }
  return { epsilon: Math.max(0, best.epsilon), order: best.order };
}

/**
 * A round with n survivors of a task whose shares are sized for m costs m/n "units": its RDP is α·(m/n)/(2z²)
 * (Kairouz et al. 2021, Theorem 1 with σ_node = z·Δ₂/√m >= 8, where τ < 1e-250). Units add up over rounds.
 *
 * @example
 * dpRoundUnits({ minSurvivors: 3, survivors: 4 }) // 0.75
 */
export function dpRoundUnits(p: { minSurvivors: number; survivors: number }): number {
  if (!Number.isSafeInteger(p.survivors) || p.survivors < 1) throw new FlError(`A round's survivor count ${p.survivors} is not a positive integer.`);
  if (!Number.isSafeInteger(p.minSurvivors) || p.minSurvivors < 1) throw new FlError(`The minimum survivor count ${p.minSurvivors} is not a positive integer.`);
  return p.minSurvivors / p.survivors;
}

/**
 * ε at δ of rounds whose units sum to `units` (dpRoundUnits), under noise multiplier z: the RDP curve
 * α·units/(2z²) converted with epsilonFromRdp over RDP_ORDERS. What the indexer and `2pm task show` report.
 *
 * @example
 * dpEpsilonOfUnits({ noiseMultiplier: 1, delta: 1e-5, units: 3 })
 */
export function dpEpsilonOfUnits(p: { noiseMultiplier: number; delta: number; units: number }): number {
  if (!(p.noiseMultiplier > 0)) throw new FlError(`The noise multiplier ${p.noiseMultiplier} is not positive.`);
  if (!(p.units >= 0)) throw new FlError(`The privacy units ${p.units} are not a non-negative number.`);
  if (p.units === 0) return 0;
  const c = p.units / (2 * p.noiseMultiplier ** 2);
  return epsilonFromRdp(RDP_ORDERS, RDP_ORDERS.map((a) => a * c), p.delta).epsilon;
}

/** Fewest submissions whose masked sum the aggregator can unmask (the contract's FL_MIN_SUBMISSIONS). */
const MIN_RELEASED_SUBMISSIONS = 3;

/**
 * Whether a round attempt released a noisy sum that ε must count: a finalized attempt did; so may a re-run one —
 * the aggregator may have unmasked its sum before calling it unusable (restartRound needs no proof) — whenever it
 * had at least 3 submissions. Counting those too keeps ε an upper bound against a dishonest aggregator.
 *
 * @example
 * dpCountsAttempt({ finalized: false, restarted: true, submissions: 4 }) // true
 */
export function dpCountsAttempt(a: { finalized: boolean; restarted: boolean; submissions: number }): boolean {
  return a.finalized || (a.restarted && a.submissions >= MIN_RELEASED_SUBMISSIONS);
}

export type DpRoundsParameters = {
  /** The task's noise multiplier z (central noise z·Δ₂ with `minSurvivors` survivors). */
  noiseMultiplier: number;
  /** The task's δ. */
  delta: number;
  /** The task's minNodes: each node's share is sized for that many survivors. */
  minSurvivors: number;
  /** Survivors (updates in the sum) of each released sum (dpCountsAttempt), in order. */
  survivors: readonly number[];
};

export type DpRoundsReturnType = {
  /** ε of each round on its own (δ = the task's δ). */
  perRound: number[];
  /** ε of all rounds composed so far, after each round. */
  cumulative: number[];
  /** ε of the whole run (the last cumulative value; 0 with no round). */
  total: number;
};

/**
 * ε per round and in total for a DP task, from on-chain facts only (the terms, minNodes, each round's
 * submissions). n counts survivors: a dropped node's share is missing, so a round finalized with fewer than m
 * (the contract allows 3) costs more ε, and more than m costs less.
 *
 * @example
 * dpEpsilon({ noiseMultiplier: 1, delta: 1e-5, minSurvivors: 3, survivors: [3, 3, 4] }).total
 */
export function dpEpsilon(p: DpRoundsParameters): DpRoundsReturnType {
  if (!(p.noiseMultiplier > 0)) throw new FlError(`The noise multiplier ${p.noiseMultiplier} is not positive.`);
  const perRound: number[] = [];
  const cumulative: number[] = [];
  let units = 0;
  for (const n of p.survivors) {
    const u = dpRoundUnits({ minSurvivors: p.minSurvivors, survivors: n });
    units += u;
    perRound.push(dpEpsilonOfUnits({ noiseMultiplier: p.noiseMultiplier, delta: p.delta, units: u }));
    cumulative.push(dpEpsilonOfUnits({ noiseMultiplier: p.noiseMultiplier, delta: p.delta, units }));
  }
  return { perRound, cumulative, total: cumulative.at(-1) ?? 0 };
}
