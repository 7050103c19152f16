// Internal: the committee's common random polynomials `a` (one per key component), derived from a public seed so
// that every member and every verifier derives the same ones and nobody chooses them.
import { chacha20 } from "@noble/ciphers/chacha.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Hex } from "viem";

const DOMAIN = "2pm/fhe/committee-common-polynomial/v1";
const NONCE = new Uint8Array(12);
const BLOCK_WORDS = 8192;

/**
 * Uniform residues mod each prime (N per prime, prime by prime): uniform in NTT form is uniform, so they serve as
 * the NTT-domain `a` directly. ChaCha20 keyed by sha256(domain, committee id, primes, label), rejection sampling.
 */
export function commonPolynomial(committeeId: Hex, label: string, primes: readonly bigint[], n: number): BigUint64Array {
  const out = new BigUint64Array(primes.length * n);
  const out32 = new Uint32Array(out.buffer); // little-endian u64 = (low, high) u32 pairs: no BigInt per word
  for (let j = 0; j < primes.length; j++) {
    const q = primes[j];
    const qLo = Number(q & 0xffffffffn);
    const qHi = Number(q >> 32n);
    const hiMask = 2 ** (q.toString(2).length - 32) - 1;
    const key = sha256(new TextEncoder().encode(`${DOMAIN}|${committeeId}|N=${n}|${primes.join(",")}|${label}|${j}`));
    let filled = j * n;
    const end = (j + 1) * n;
    for (let counter = 0; filled < end; counter += (BLOCK_WORDS * 8) / 64) {
      const words = new Uint32Array(chacha20(key, NONCE, new Uint8Array(BLOCK_WORDS * 8), undefined, counter).buffer);
      for (let i = 0; i < words.length && filled < end; i += 2) {
        const lo = words[i];
        const hi = words[i + 1] & hiMask;
        if (hi < qHi || (hi === qHi && lo < qLo)) {
          out32[2 * filled] = lo;
          out32[2 * filled + 1] = hi;
          filled++;
        }
      }
    }
  }
  return out;
}
