// Key agreement of pairwise-mask secure aggregation: X25519 key pairs, the per-round pair seed (HKDF over the
// shared secret) and the ChaCha20 mask stream it expands to. The scheme: docs/design.md#federated-learning-rounds-with-secure-aggregation.
import { chacha20 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { bytesToHex, hexToBytes, type Hex } from "viem";
import { SecureAggregationError } from "../errors.ts";

/** An X25519 key pair; the public key is the bytes32 `saPublicKey` a node registers on chain. */
export type SaKeyPair = { secretKey: Hex; publicKey: Hex };
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

export function key32(hex: Hex, what: string): Uint8Array {
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

