// The randomness of DP noise: a ChaCha20 keystream (RFC 8439) keyed with 32 bytes from the OS CSPRNG, or with a
// fixed seed in tests and benchmarks so their statistics are reproducible. Never Math.random.
import { chacha20 } from "@noble/ciphers/chacha.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { FlError } from "../errors.ts";

const CHUNK = 16_384;

/** Uniform random integers from a cryptographic stream. */
export type RandomSource = {
  /** A uniform integer in [0, n) (n >= 1), by rejection: exact, no modulo bias. */
  below(n: bigint): bigint;
};

/**
 * A ChaCha20-based random source; `seed` (32 bytes) makes it reproducible, its absence draws a fresh OS seed.
 *
 * @example
 * const random = createRandomSource() // production: fresh CSPRNG key
 * random.below(6n) // 0n … 5n
 */
export function createRandomSource(seed?: Uint8Array): RandomSource {
  const key = seed ?? randomBytes(32);
  if (key.length !== 32) throw new FlError("A random-source seed must be 32 bytes.");
  const nonce = new Uint8Array(12);
  let block = 0;
  let buffer = new Uint8Array(0);
  let pos = 0;
  const nextByte = (): number => {
    if (pos === buffer.length) {
      // One fresh nonce per chunk: (key, nonce) pairs never repeat within a source.
      new DataView(nonce.buffer).setUint32(0, block++, true);
      buffer = chacha20(key, nonce, new Uint8Array(CHUNK));
      pos = 0;
    }
    return buffer[pos++];
  };
  const below = (n: bigint): bigint => {
    if (n < 1n) throw new FlError(`Cannot draw below ${n}.`);
    if (n === 1n) return 0n;
    const bits = (n - 1n).toString(2).length;
    const bytes = Math.ceil(bits / 8);
    const excess = BigInt(bytes * 8 - bits);
    for (;;) {
      let x = 0n;
      for (let i = 0; i < bytes; i++) x = (x << 8n) | BigInt(nextByte());
      x >>= excess;
      if (x < n) return x;
    }
  };
  return { below };
}
