import { bytesToHex, type Address, type Hex } from "viem";
import { SecureAggregationError } from "../errors.ts";
import { key32, pairSeed, maskStream, saPublicKey, type SaCache } from "./keyAgreement.ts";

/*
 * Masking: pairwise-mask secure aggregation (docs/design.md#federated-learning-rounds-with-secure-aggregation): node i sends
 * y_i = x_i + Σ_{j>i} PRG(s_ij,r) − Σ_{j<i} PRG(s_ij,r) (mod 2^32), members ordered by ascending lowercase address,
 * s_ij,r = HKDF-SHA256(X25519(sk_i, pk_j), salt = taskId as 32-byte BE, info = "2pm-sa/round/<round>/<attempt>"),
 * PRG = the ChaCha20 keystream (key s_ij,r, zero nonce) read as little-endian uint32. The masks cancel in Σ y_i;
 * the masks toward members without an update are removed with the seeds the survivors reveal.
 */

/** A task member as the chain lists it. */
export type SaMember = { address: Address; publicKey: Hex };
/** The local node: its address and X25519 secret key. */
export type SaSelf = { address: Address; secretKey: Hex };
/** One revealed pairwise round seed: survivor `from` reveals s_from,to for the dropped member `to`. */
export type SeedReveal = { from: Address; to: Address; seed: Hex };

/** Lowercases and checks addresses, sorts members ascending, and refuses duplicates. */
export function orderMembers(members: readonly SaMember[]): SaMember[] {
  const out = members.map((m) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(m.address)) throw new SecureAggregationError(`Member address ${m.address} is invalid.`);
    key32(m.publicKey, `public key of ${m.address}`);
    return { address: m.address.toLowerCase() as Address, publicKey: m.publicKey.toLowerCase() as Hex };
  });
  out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  for (let k = 1; k < out.length; k++)
    if (out[k].address === out[k - 1].address)
      throw new SecureAggregationError(`Member ${out[k].address} is listed twice: pass each task member once.`);
  return out;
}

/** Finds self among the members and checks that its registered public key is the one of its secret key. */
function findSelf(self: SaSelf, ordered: SaMember[], cache?: SaCache): number {
  const address = self.address.toLowerCase();
  const index = ordered.findIndex((m) => m.address === address);
  if (index < 0) throw new SecureAggregationError(`${self.address} is not a member of this task: join it first.`);
  if (saPublicKey(self.secretKey, cache) !== ordered[index].publicKey)
    throw new SecureAggregationError(
      "This node's secret-aggregation key does not match the public key it registered on chain: use the key file you joined with.",
    );
  return index;
}

export type MaskUpdateParameters = {
  taskId: bigint;
  round: number;
  /** The round's attempt on chain. Default 0. */
  attempt?: number;
  self: SaSelf;
  /** All task members of the round (self included) with their on-chain public keys. */
  members: readonly SaMember[];
  /** The quantized, sample-weighted update x_i. */
  vector: Int32Array;
  cache?: SaCache;
};

/**
 * Masks a quantized update: y_i = x_i + Σ_{j>i} PRG(s_ij) − Σ_{j<i} PRG(s_ij) (mod 2^32).
 *
 * @example
 * const masked = maskUpdate({ taskId, round, self: { address, secretKey }, members, vector })
 */
export function maskUpdate(parameters: MaskUpdateParameters): Int32Array {
  const { taskId, round, attempt, self, vector, cache } = parameters;
  const ordered = orderMembers(parameters.members);
  const me = findSelf(self, ordered, cache);
  const out = Int32Array.from(vector);
  for (let j = 0; j < ordered.length; j++) {
    if (j === me) continue;
    const mask = maskStream(pairSeed({ taskId, round, attempt, secretKey: self.secretKey, publicKey: ordered[j].publicKey, cache }), out.length);
    if (j > me) for (let k = 0; k < out.length; k++) out[k] = (out[k] + mask[k]) | 0;
    else for (let k = 0; k < out.length; k++) out[k] = (out[k] - mask[k]) | 0;
  }
  return out;
}

export type RevealSeedsForParameters = {
  taskId: bigint;
  round: number;
  /** The round's attempt on chain. Default 0. */
  attempt?: number;
  self: SaSelf;
  /** All task members of the round with their on-chain public keys. */
  members: readonly SaMember[];
  /** Addresses of the members that have an update on chain for this round (self must be one). */
  submitted: readonly Address[];
  /** The members to reveal toward: each must be a member with NO update on chain. */
  dropped: readonly Address[];
  cache?: SaCache;
};

/**
 * The seeds a survivor reveals so the aggregator can remove its masks toward dropped members. Refuses (throws)
 * to reveal toward a member whose update is on chain — with all its seeds revealed, that member's update would
 * unmask to its plain x_j — or toward itself, or when self did not submit. Call it only after the submit deadline.
 *
 * @example
 * const reveals = revealSeedsFor({ taskId, round, self, members, submitted: onChain, dropped: [lateNode] })
 */
export function revealSeedsFor(parameters: RevealSeedsForParameters): SeedReveal[] {
  const { taskId, round, attempt, self, cache } = parameters;
  const ordered = orderMembers(parameters.members);
  const me = findSelf(self, ordered, cache);
  const submitted = new Set(parameters.submitted.map((a) => a.toLowerCase()));
  const from = ordered[me].address;
  if (!submitted.has(from))
    throw new SecureAggregationError(`${from} has no update on chain this round, so it has no masks to remove: reveal nothing.`);
  const seen = new Set<string>();
  const reveals: SeedReveal[] = [];
  for (const raw of parameters.dropped) {
    const to = raw.toLowerCase();
    if (submitted.has(to))
      throw new SecureAggregationError(
        `Refusing to reveal the seed toward ${to}: its update is on chain, and revealing would expose it.`,
      );
    if (to === from) throw new SecureAggregationError("A node never reveals a seed toward itself.");
    if (seen.has(to)) continue;
    const peer = ordered.find((m) => m.address === to);
    if (!peer) throw new SecureAggregationError(`${to} is not a member of this task: nothing to reveal toward it.`);
    seen.add(to);
    const seed = pairSeed({ taskId, round, attempt, secretKey: self.secretKey, publicKey: peer.publicKey, cache });
    reveals.push({ from, to: to as Address, seed: bytesToHex(seed) });
  }
  reveals.sort((a, b) => (a.to < b.to ? -1 : 1));
  return reveals;
}

