// Anyone can combine the members' decryption shares of a result: with all n of them the result decrypts, with
// fewer (or shares of another ciphertext) it is noise.
import type { Ciphertext, Plaintext } from "node-seal";
import { buildContainer } from "../container.ts";
import { packCiphertext } from "../ciphertextCodec.ts";
import type { FheContext } from "../createFheContext.ts";
import { loadCiphertext } from "../checks.ts";
import { decryptResult } from "../decryptResult.ts";
import type { DecryptResultReturnType } from "../decryptResult.ts";
import { FheError } from "../errors.ts";
import { plainBytes, sealTry, withScope } from "../seal.ts";
import type { SealScope } from "../seal.ts";
import type { OnProgress } from "../types.ts";
import { openCommitteeResult } from "./openCommitteeResult.ts";
import { collectShares } from "./collectShares.ts";
import { smudgingErrorBound } from "./params.ts";
import { ciphertextWords, writeWords } from "./sealBytes.ts";

export type CombineDecryptionSharesParameters = {
  /** The encrypted result (`.fher`). */
  result: Uint8Array;
  /** The committee key file ("2PMFHEC\0"): who the members are. */
  committeeKeys: Uint8Array;
  /** One decryption share ("2PMFHES\0") per member, any order. */
  shares: readonly Uint8Array[];
};

/**
 * Combines the decryption shares of every committee member into the decrypted result: m = c0 + Σ d_i per
 * ciphertext, then the single-key decryptor's interpretation and range checks ({@link decryptResult}), widened by
 * the smudging noise's bound. Refuses shares of another committee or member key, of another result, duplicates,
 * and an incomplete set. A wrong share (garbage, or computed with another secret) makes the combined values noise,
 * which the range checks reject; which member sent it cannot be told (no share proofs: see docs/fhe.md).
 * The values are raw CKKS decryptions plus smudging noise: publish them through `roundForPublication`.
 *
 * @example
 * const { means, sums, scores } = await combineDecryptionShares(ctx, { result: fher, committeeKeys, shares });
 */
export async function combineDecryptionShares(
  ctx: FheContext,
  params: CombineDecryptionSharesParameters,
  onProgress?: OnProgress,
): Promise<DecryptResultReturnType> {
  const { committee, result, container, digests, sigmas } = openCommitteeResult(ctx, params.committeeKeys, params.result);
  const byMember = collectShares(committee, digests, sigmas, params.shares);
  const blobs = Array.from({ length: container.count }, (_, i) =>
    withScope((scope) =>
      sealTry(`Combining the decryption shares of ciphertext ${i}`, () => {
        const ct = loadCiphertext(ctx, scope, container.blob(i), `result ciphertext ${i}`, undefined);
        return combinedCiphertext(ctx, scope, ct, byMember.map((shares) => shares[i]));
      }),
    ),
  );
  // (m, 0) decrypts to m under any secret key: a throwaway one lets the single-key decryptor interpret and check.
  const throwaway = withScope((scope) =>
    scope.add(scope.add(new ctx.seal.KeyGenerator(ctx.context)).secretKey()).saveToArray(ctx.seal.ComprModeType.none) as Uint8Array,
  );
  const combined = buildContainer("result", container.header, blobs);
  const noise = Math.max(
    ...sigmas.map((sigma) => smudgingErrorBound(committee.members, sigma, ctx.params.polyModulusDegree, ctx.params.scale)),
  );
  return decryptResult(ctx, combined, { keyId: result.keyId, secretKey: throwaway }, onProgress, noise);
}

/**
 * (c0 + Σ d_i, 0) for a result ciphertext and the shares' plaintexts (bit-packed like a result ciphertext). SEAL
 * adds the shares (it checks each share's level and scale against the ciphertext's).
 */
export function combinedCiphertext(
  ctx: FheContext,
  scope: SealScope,
  ct: Ciphertext,
  shares: readonly Uint8Array[],
): Uint8Array {
  const { seal } = ctx;
  const sum = scope.add(ct.copy());
  for (const [m, bytes] of shares.entries()) {
    const plain: Plaintext = scope.add(new seal.Plaintext());
    sealTry(
      "Reading a decryption share",
      () => plain.loadFromArray(ctx.context, plainBytes(bytes)),
      `the share of member ${m} is corrupt or of other CKKS parameters`,
    );
    sealTry(
      "Adding a decryption share",
      () => ctx.evaluator.addPlainInplace(sum, plain),
      `the share of member ${m} does not fit this ciphertext (level or scale)`,
    );
    scope.free(plain);
  }
  const bytes = Uint8Array.from(sum.saveToArray(seal.ComprModeType.none) as Uint8Array);
  const words = ciphertextWords(bytes);
  const half = words.count / 2;
  writeWords(bytes, words, new BigUint64Array(half), half);
  const primes = ct.coeffModulusSize();
  return packCiphertext(bytes, ctx.primeBits.slice(0, primes), () => {
    throw new FheError("Could not serialize a combined ciphertext.");
  });
}
