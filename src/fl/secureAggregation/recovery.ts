// Recovery: the aggregator sums the survivors' masked updates and removes the masks toward dropped members with
// the seeds the survivors revealed. Learns Σ x_i over the survivors, nothing else.
import { hexToBytes, type Address, type Hex } from "viem";
import { SecureAggregationError } from "../errors.ts";
import { key32, maskStream } from "./keyAgreement.ts";
import { orderMembers, type SaMember, type SeedReveal } from "./masking.ts";

export type UnmaskSumParameters = {
  /** The masked updates included in the sum (the survivors), each with its submitter's address. */
  maskedUpdates: readonly { address: Address; vector: Int32Array }[];
  /** All task members of the round with their public keys (survivors + dropped). */
  members: readonly SaMember[];
  /** Revealed seeds: exactly one per (survivor, dropped member) pair. */
  reveals: readonly SeedReveal[];
  /** Vector length. */
  length: number;
};

/**
 * Sums the survivors' masked updates mod 2^32 and removes the masks between each survivor and each dropped member
 * with the revealed seeds: the result is Σ x_i over the survivors (bit-exact). The reveals must cover every
 * (survivor, dropped) pair exactly once and name no survivor as `to`. A wrong seed cannot be detected from the seed
 * alone: it leaves random garbage in the sum, which aggregateRound's range check catches.
 *
 * @example
 * const sum = unmaskSum({ maskedUpdates, members, reveals, length: paramCount(spec) })
 */
export function unmaskSum(parameters: UnmaskSumParameters): Int32Array {
  const { length } = parameters;
  const ordered = orderMembers(parameters.members);
  const index = new Map(ordered.map((m, k) => [m.address as string, k]));
  const survivors = new Set<number>();
  const sum = new Int32Array(length);
  for (const update of parameters.maskedUpdates) {
    const k = index.get(update.address.toLowerCase());
    if (k === undefined) throw new SecureAggregationError(`Update from ${update.address}, which is not a task member.`);
    if (survivors.has(k)) throw new SecureAggregationError(`Two updates from ${update.address}: include each node once.`);
    if (update.vector.length !== length)
      throw new SecureAggregationError(`The update of ${update.address} has ${update.vector.length} values, expected ${length}.`);
    survivors.add(k);
    const v = update.vector;
    for (let t = 0; t < length; t++) sum[t] = (sum[t] + v[t]) | 0;
  }

  const seeds = new Map<string, Hex>();
  for (const r of parameters.reveals) {
    const from = index.get(r.from.toLowerCase());
    const to = index.get(r.to.toLowerCase());
    if (from === undefined || to === undefined)
      throw new SecureAggregationError(`A reveal names a non-member (${r.from} → ${r.to}).`);
    if (!survivors.has(from)) throw new SecureAggregationError(`${r.from} revealed seeds but its update is not in the sum.`);
    if (survivors.has(to))
      throw new SecureAggregationError(`${r.from} revealed its seed toward ${r.to}, whose update is in the sum: refusing it.`);
    key32(r.seed, "revealed seed");
    const pair = `${from}:${to}`;
    const previous = seeds.get(pair);
    if (previous !== undefined && previous.toLowerCase() !== r.seed.toLowerCase())
      throw new SecureAggregationError(`${r.from} revealed two different seeds toward ${r.to}.`);
    seeds.set(pair, r.seed);
  }

  const missing: string[] = [];
  for (const i of survivors)
    for (let j = 0; j < ordered.length; j++) {
      if (survivors.has(j)) continue;
      const seed = seeds.get(`${i}:${j}`);
      if (seed === undefined) {
        missing.push(`${ordered[i].address} → ${ordered[j].address}`);
        continue;
      }
      // y_i carries +PRG(s_ij) when j > i and −PRG(s_ij) when j < i: take it back out.
      const mask = maskStream(hexToBytes(seed), length);
      if (j > i) for (let t = 0; t < length; t++) sum[t] = (sum[t] - mask[t]) | 0;
      else for (let t = 0; t < length; t++) sum[t] = (sum[t] + mask[t]) | 0;
    }
  if (missing.length > 0)
    throw new SecureAggregationError(`${missing.length} revealed seed(s) are missing: the round cannot be unmasked yet.`, {
      details: `missing (survivor → dropped): ${missing.join(", ")}`,
    });
  return sum;
}

