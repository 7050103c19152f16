import { FheError } from "./errors.ts";

/**
 * Rounds decrypted CKKS values before they are published. A raw CKKS decryption is the message plus the
 * encryption noise, and the noise is a function of the secret key: publishing it lets anyone holding the ciphertext
 * recover the key (Li & Micciancio, EUROCRYPT 2021). Rounding to a precision far coarser than the noise (CKKS here:
 * ~1e-9 absolute on fresh data, ~1e-6 on results) removes it.
 *
 * @param decimals digits after the decimal point, 0–8 (more would keep noise digits)
 * @example
 * const { means } = await decryptResult(ctx, fher, keys);
 * publish(roundForPublication(means!, 4)); // [39.1235, 17.1512, …]
 */
export function roundForPublication(values: ArrayLike<number>, decimals: number): number[] {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 8) {
    throw new FheError(
      `Cannot round to ${decimals} decimals: use an integer from 0 to 8 (finer keeps CKKS noise that can leak the key).`,
    );
  }
  const factor = 10 ** decimals;
  return Array.from(values, (value) => {
    if (!Number.isFinite(value)) throw new FheError(`Cannot publish the non-finite value ${value}.`);
    const rounded = Math.round(Math.abs(value) * factor) / factor;
    return value < 0 && rounded !== 0 ? -rounded : rounded;
  });
}
