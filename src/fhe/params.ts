import { FheParameterError } from "./errors.ts";
import type { SealModule } from "./seal.ts";

/** CKKS parameters. */
export type FheParams = {
  /** Ring dimension N; a ciphertext holds N/2 values. */
  polyModulusDegree: number;
  /** Bit sizes of the RNS primes: data primes first, the last one is the key-switching ("special") prime. */
  coeffModulusBits: readonly number[];
  /** Encoding scale Δ (a power of two). */
  scale: number;
};

/** The project's parameters (docs/design.md#fhe-tasks): N=8192, [60,40,40,60], scale 2^40 — 128-bit secure, depth 2. */
export const DEFAULT_FHE_PARAMS: FheParams = Object.freeze({
  polyModulusDegree: 8192,
  coeffModulusBits: Object.freeze([60, 40, 40, 60]) as readonly number[],
  scale: 2 ** 40,
});

/** Short text for messages: `N=8192, coeff modulus [60,40,40,60], scale 2^40`. */
export function describeParams(params: FheParams): string {
  const scaleBits = Math.log2(params.scale);
  const scale = Number.isInteger(scaleBits) ? `2^${scaleBits}` : String(params.scale);
  return `N=${params.polyModulusDegree}, coeff modulus [${params.coeffModulusBits.join(",")}], scale ${scale}`;
}

/** True when both parameter sets are the same. */
export function sameParams(a: FheParams, b: FheParams): boolean {
  return (
    a.polyModulusDegree === b.polyModulusDegree &&
    a.scale === b.scale &&
    a.coeffModulusBits.length === b.coeffModulusBits.length &&
    a.coeffModulusBits.every((bits, i) => bits === b.coeffModulusBits[i])
  );
}

/**
 * Validates CKKS parameters and refuses anything under 128-bit security (HE standard, SEAL's tc128 table).
 * SEAL itself does not throw for insecure parameters, so the total coefficient modulus size is checked here
 * against `CoeffModulus.MaxBitCount(N, tc128)`.
 */
export function checkFheParams(seal: SealModule, params: FheParams): FheParams {
  const { polyModulusDegree: n, coeffModulusBits: bits, scale } = params;
  const name = describeParams(params);
  if (!Number.isInteger(n) || n < 1024 || n > 32768 || (n & (n - 1)) !== 0) {
    throw new FheParameterError(`Invalid CKKS parameters (${name}): N must be a power of two from 1024 to 32768.`);
  }
  if (!Array.isArray(bits) || bits.length < 2 || bits.some((b) => !Number.isInteger(b) || b < 20 || b > 60)) {
    throw new FheParameterError(
      `Invalid CKKS parameters (${name}): give at least two primes (data + key-switching), each 20 to 60 bits.`,
    );
  }
  const scaleBits = Math.log2(scale);
  if (!Number.isFinite(scale) || !Number.isInteger(scaleBits) || scaleBits < 20 || scaleBits >= bits[0]) {
    throw new FheParameterError(
      `Invalid CKKS parameters (${name}): the scale must be a power of two, at least 2^20 and below the first prime (2^${bits[0]}).`,
    );
  }
  const total = bits.reduce((sum, b) => sum + b, 0);
  const max = seal.CoeffModulus.MaxBitCount(n, seal.SecLevelType.tc128);
  if (total > max) {
    throw new FheParameterError(
      `Refusing CKKS parameters below 128-bit security: ${name} has ${total} coefficient modulus bits, ` +
        `N=${n} allows at most ${max}; use N=8192 with [60,40,40,60].`,
    );
  }
  return { polyModulusDegree: n, coeffModulusBits: [...bits], scale };
}
