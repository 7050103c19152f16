// Internal: checks shared by the decrypting and computing functions.
import type { Hex } from "viem";
import type { FheContext } from "./createFheContext.ts";
import { FheError, FheKeyMismatchError } from "./errors.ts";
import { describeParams, sameParams } from "./params.ts";
import type { FheParams } from "./params.ts";
import type { Ciphertext, Decryptor } from "node-seal";
import type { SealScope } from "./seal.ts";
import { plainBytes, sealTry } from "./seal.ts";
import { unpackCiphertext } from "./ciphertextCodec.ts";

export function assertKey(what: string, fileKeyId: Hex, givenKeyId: Hex): void {
  if (fileKeyId !== givenKeyId) {
    throw new FheKeyMismatchError(
      `This ${what} is encrypted under key ${fileKeyId}, not ${givenKeyId}; use the matching key.`,
    );
  }
}

export function assertParams(what: string, fileParams: FheParams, ctx: FheContext): void {
  if (!sameParams(fileParams, ctx.params)) {
    throw new FheError(
      `This ${what} uses CKKS ${describeParams(fileParams)}, the context ${describeParams(ctx.params)}; create the context with the file's parameters.`,
    );
  }
}

/** Loads blob `i` of a container as a SEAL ciphertext with the expected number of primes. */
export function loadCiphertext(
  ctx: FheContext,
  scope: SealScope,
  blob: Uint8Array,
  where: string,
  primes: number | undefined,
): Ciphertext {
  const bytes = unpackCiphertext(blob, where);
  const ct = scope.add(new ctx.seal.Ciphertext());
  sealTry(
    `Reading ${where}`,
    () => ct.loadFromArray(ctx.context, plainBytes(bytes)),
    "the file is corrupt or was made with other CKKS parameters",
  );
  if (ct.size() !== 2 || (primes !== undefined && ct.coeffModulusSize() !== primes)) {
    throw new FheError(
      `Corrupt ${where}: unexpected ciphertext shape (size ${ct.size()}, ${ct.coeffModulusSize()} primes).`,
    );
  }
  return ct;
}

/** Decrypts and decodes one ciphertext into N/2 doubles. */
/** A Decryptor for `secretKey` (owned by `scope`); a key of other parameters is a one-line FheError. */
export function secretKeyDecryptor(ctx: FheContext, scope: SealScope, secretKey: Uint8Array): Decryptor {
  return sealTry(
    "Loading the secret key",
    () => {
      const secret = scope.add(new ctx.seal.SecretKey());
      secret.loadFromArray(ctx.context, plainBytes(secretKey));
      return scope.add(new ctx.seal.Decryptor(ctx.context, secret));
    },
    "it does not match the CKKS parameters",
  );
}

export function decryptValues(ctx: FheContext, scope: SealScope, decryptor: Decryptor, ct: Ciphertext): Float64Array {
  const plain = scope.add(new ctx.seal.Plaintext());
  decryptor.decrypt(ct, plain);
  const values = ctx.encoder.decodeFloat64(plain) as Float64Array;
  scope.free(plain);
  return values;
}

export function noiseError(what: string): FheKeyMismatchError {
  return new FheKeyMismatchError(
    `Decrypting this ${what} gives noise: it is corrupt, or the secret key does not belong to it.`,
  );
}
