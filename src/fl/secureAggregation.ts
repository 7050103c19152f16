import { chacha20 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { bytesToHex, hexToBytes, type Address, type Hex } from "viem";
import { z } from "zod/v4";
import { SecureAggregationError, UpdateFormatError } from "./errors.ts";

/**
 * Pairwise-mask secure aggregation (docs/design.md#federated-learning-rounds-with-secure-aggregation): node i sends
 * y_i = x_i + Σ_{j>i} PRG(s_ij,r) − Σ_{j<i} PRG(s_ij,r) (mod 2^32), members ordered by ascending lowercase address,
 * s_ij,r = HKDF-SHA256(X25519(sk_i, pk_j), salt = taskId as 32-byte BE, info = "2pm-sa/round/<round>/<attempt>"),
 * PRG = the ChaCha20 keystream (key s_ij,r, zero nonce) read as little-endian uint32. The masks cancel in Σ y_i;
 * the masks toward members without an update are removed with the seeds the survivors reveal.
 */

/** An X25519 key pair; the public key is the bytes32 `saPublicKey` a node registers on chain. */
export type SaKeyPair = { secretKey: Hex; publicKey: Hex };
/** A task member as the chain lists it. */
export type SaMember = { address: Address; publicKey: Hex };
/** The local node: its address and X25519 secret key. */
export type SaSelf = { address: Address; secretKey: Hex };
/** One revealed pairwise round seed: survivor `from` reveals s_from,to for the dropped member `to`. */
export type SeedReveal = { from: Address; to: Address; seed: Hex };

/**
 * Caches X25519 results across rounds (the shared secret of a pair never changes; only the HKDF step is per
 * round). Create one per process with createSaCache() and pass it to maskUpdate/revealSeedsFor.
 */
export type SaCache = { shared: Map<string, Uint8Array>; publicKeys: Map<string, Hex> };

export function createSaCache(): SaCache {
  return { shared: new Map(), publicKeys: new Map() };
}

/**
 * Generates an X25519 key pair, from 32 seed bytes when given (deterministic), else from secure randomness.
 *
 * @example
 * const { secretKey, publicKey } = saKeyPair() // publicKey goes on chain with joinTask
 */
export function saKeyPair(seed?: Uint8Array | Hex): SaKeyPair {
  const bytes = seed === undefined ? randomBytes(32) : typeof seed === "string" ? hexToBytes(seed) : seed;
  if (bytes.length !== 32) throw new SecureAggregationError(`An X25519 key seed must be 32 bytes, not ${bytes.length}.`);
  const { secretKey, publicKey } = x25519.keygen(bytes);
  return { secretKey: bytesToHex(secretKey), publicKey: bytesToHex(publicKey) };
}

/**
 * The X25519 public key of a secret key, as Hex.
 *
 * @example
 * saPublicKey(keys.secretKey) === keys.publicKey
 */
export function saPublicKey(secretKey: Hex, cache?: SaCache): Hex {
  const cached = cache?.publicKeys.get(secretKey);
  if (cached) return cached;
  const pk = bytesToHex(x25519.getPublicKey(key32(secretKey, "secret key")));
  cache?.publicKeys.set(secretKey, pk);
  return pk;
}

function key32(hex: Hex, what: string): Uint8Array {
  if (typeof hex !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(hex))
    throw new SecureAggregationError(`The X25519 ${what} must be 32 bytes of 0x-hex.`);
  return hexToBytes(hex);
}

/** taskId as the 32-byte big-endian HKDF salt. */
function taskSalt(taskId: bigint): Uint8Array {
  if (typeof taskId !== "bigint" || taskId < 0n || taskId >= 1n << 256n)
    throw new SecureAggregationError(`taskId ${String(taskId)} is not a uint256.`);
  return hexToBytes(`0x${taskId.toString(16).padStart(64, "0")}`);
}

function roundInfo(round: number, attempt: number): Uint8Array {
  if (!Number.isSafeInteger(round) || round < 0) throw new SecureAggregationError(`Round ${round} is not a non-negative integer.`);
  if (!Number.isSafeInteger(attempt) || attempt < 0)
    throw new SecureAggregationError(`Attempt ${attempt} is not a non-negative integer.`);
  return new TextEncoder().encode(`2pm-sa/round/${round}/${attempt}`);
}

export type PairSeedParameters = {
  taskId: bigint;
  round: number;
  /** The round's attempt on chain (restartRound re-runs a round under the same number with attempt + 1). Default 0. */
  attempt?: number;
  secretKey: Hex;
  publicKey: Hex;
  cache?: SaCache;
};

/**
 * The pairwise round seed s_ij,r,a = HKDF-SHA256(X25519(sk_i, pk_j), taskId as 32-byte BE, "2pm-sa/round/<r>/<a>")
 * (a = the round's attempt, so a re-run never reuses a seed revealed in an earlier attempt);
 * symmetric: pairSeed(sk_i, pk_j) == pairSeed(sk_j, pk_i).
 *
 * @example
 * const seed = pairSeed({ taskId: 7n, round: 1, secretKey: me.secretKey, publicKey: peer.publicKey })
 */
export function pairSeed(parameters: PairSeedParameters): Uint8Array {
  const { taskId, round, attempt = 0, secretKey, publicKey, cache } = parameters;
  const cacheKey = `${secretKey}|${publicKey.toLowerCase()}`;
  let shared = cache?.shared.get(cacheKey);
  if (!shared) {
    try {
      shared = x25519.getSharedSecret(key32(secretKey, "secret key"), key32(publicKey, "public key"));
    } catch (cause) {
      if (cause instanceof SecureAggregationError) throw cause;
      throw new SecureAggregationError("A member's X25519 public key is invalid (low order): that member must rejoin with a valid key.", {
        details: `public key ${publicKey}`,
        cause,
      });
    }
    cache?.shared.set(cacheKey, shared);
  }
  return hkdf(sha256, shared, taskSalt(taskId), roundInfo(round, attempt), 32);
}

const NONCE = new Uint8Array(12);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The mask stream of a pair seed: `length` uint32 from the ChaCha20 keystream (zero nonce; every seed is used for
 * one stream only), little-endian.
 *
 * @example
 * const mask = maskStream(seed, 10_000)
 */
export function maskStream(seed: Uint8Array, length: number): Uint32Array {
  if (seed.length !== 32) throw new SecureAggregationError("A pair seed must be 32 bytes.");
  const bytes = chacha20(seed, NONCE, new Uint8Array(4 * length));
  if (LITTLE_ENDIAN) return new Uint32Array(bytes.buffer, bytes.byteOffset, length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length }, (_, k) => view.getUint32(4 * k, true));
}

/** Lowercases and checks addresses, sorts members ascending, and refuses duplicates. */
function orderMembers(members: readonly SaMember[]): SaMember[] {
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

const addressField = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte address")
  .transform((s) => s.toLowerCase() as Address);
const revealJson = z.strictObject({
  format: z.literal("2pm-reveal/1"),
  taskId: z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "expected a decimal uint256"),
  round: z.number().int().min(0),
  attempt: z.number().int().min(0).max(65_535).optional(),
  from: addressField,
  seeds: z.array(
    z.strictObject({
      to: addressField,
      seed: z
        .string()
        .regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes of hex")
        .transform((s) => s.toLowerCase() as Hex),
    }),
  ),
});

/** A survivor's reveal file (stored by root; its root goes on chain with revealSeeds). */
export type RevealFile = {
  taskId: bigint;
  round: number;
  /** The round's attempt on chain the seeds belong to; absent means 0. */
  attempt?: number;
  from: Address;
  reveals: SeedReveal[];
};

/**
 * Encodes a reveal file: UTF-8 JSON `{ format: "2pm-reveal/1", taskId, round, attempt?, from, seeds: [{ to, seed }] }`,
 * seeds sorted by `to`.
 *
 * @example
 * const revealRoot = await store.put(encodeReveal({ taskId, round, from: me, reveals }))
 */
export function encodeReveal(file: RevealFile): Uint8Array {
  const from = file.from.toLowerCase();
  for (const r of file.reveals)
    if (r.from.toLowerCase() !== from) throw new UpdateFormatError(`A reveal file of ${from} cannot carry a seed revealed by ${r.from}.`);
  const json = {
    format: "2pm-reveal/1",
    taskId: file.taskId.toString(10),
    round: file.round,
    ...(file.attempt === undefined ? {} : { attempt: file.attempt }),
    from,
    seeds: [...file.reveals]
      .map((r) => ({ to: r.to.toLowerCase(), seed: r.seed.toLowerCase() }))
      .sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0)),
  };
  const checked = revealJson.safeParse(json);
  if (!checked.success) throw new UpdateFormatError("The reveal file is invalid.", { details: z.prettifyError(checked.error) });
  return new TextEncoder().encode(JSON.stringify(json));
}

/**
 * Decodes and validates a reveal file (format, fields, no duplicate `to`, no seed toward `from` itself).
 *
 * @example
 * const { from, reveals } = decodeReveal(await store.get(revealRoot))
 */
export function decodeReveal(bytes: Uint8Array): RevealFile {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new UpdateFormatError("The reveal file is not valid JSON.", { cause });
  }
  const parsed = revealJson.safeParse(raw);
  if (!parsed.success) throw new UpdateFormatError("The reveal file is invalid.", { details: z.prettifyError(parsed.error) });
  const { from, seeds } = parsed.data;
  const targets = new Set<string>();
  for (const s of seeds) {
    if (s.to === from) throw new UpdateFormatError(`The reveal file of ${from} reveals a seed toward itself.`);
    if (targets.has(s.to)) throw new UpdateFormatError(`The reveal file of ${from} lists ${s.to} twice.`);
    targets.add(s.to);
  }
  return {
    taskId: BigInt(parsed.data.taskId),
    round: parsed.data.round,
    ...(parsed.data.attempt === undefined ? {} : { attempt: parsed.data.attempt }),
    from,
    reveals: seeds.map((s) => ({ from, to: s.to, seed: s.seed })),
  };
}
