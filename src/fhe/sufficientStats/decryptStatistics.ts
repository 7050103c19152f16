// The key holder's side (single-key mode): the pooled statistics of a sum with enough contributors.
import { assertKey, assertParams, decryptValues, loadCiphertext, secretKeyDecryptor } from "../checks.ts";
import { assertUsable } from "../createFheContext.ts";
import type { FheContext } from "../createFheContext.ts";
import { plainBytes, sealTry, withScope } from "../seal.ts";
import type { SecretKeyMaterial } from "../types.ts";
import type { StatisticsLayout } from "../../ml/statisticsLayout.ts";
import { assertMinContributors } from "./contributors.ts";
import { openStatistics } from "./header.ts";
import { pooledStatistics } from "./pooledStatistics.ts";

export type DecryptStatisticsOptions = {
  /** The call's minimum of distinct contributors (>= 3); nothing is decrypted below it. */
  minContributors: number;
};

export type DecryptStatisticsReturnType = {
  /** The pooled statistics vector (layout order), rounded to the publication grid. */
  statistics: Float64Array;
  layout: StatisticsLayout;
  contributors: string[];
};

/**
 * Largest decryption error of a normalized slot in single-key mode, generously: fresh public-key noise is ~2^-60
 * of the bound per contribution at scale 2^79; 2^-30 still leaves a wrong key's values (spread over ±2^18) far out.
 */
const SINGLE_KEY_TOLERANCE = 2 ** -30;

/**
 * Decrypts a sum of encrypted statistics with the owner's secret key, after checking the call's minimum of
 * distinct contributors, the key id and the parameters; returns the pooled statistics for `fitRidge` / `fitLda`.
 *
 * @example
 * const { statistics, layout } = decryptStatistics(ctx, pooled, { keyId, secretKey }, { minContributors: 3 });
 * const model = fitLda(statistics, layout);
 */
export function decryptStatistics(
  ctx: FheContext,
  bytes: Uint8Array,
  secret: SecretKeyMaterial,
  options: DecryptStatisticsOptions,
): DecryptStatisticsReturnType {
  assertUsable(ctx);
  const { header, container } = openStatistics(plainBytes(bytes));
  assertMinContributors(header.contributors, options.minContributors);
  assertKey("statistics file", header.keyId, secret.keyId);
  assertParams("statistics file", header.params, ctx);
  const slots = withScope((scope) => {
    const decryptor = secretKeyDecryptor(ctx, scope, secret.secretKey);
    return Array.from({ length: container.count }, (_, c) =>
      sealTry(`Decrypting statistics ciphertext ${c}`, () => {
        const ct = loadCiphertext(ctx, scope, container.blob(c), `statistics ciphertext ${c}`, header.primes);
        const values = decryptValues(ctx, scope, decryptor, ct);
        scope.free(ct);
        return values;
      }),
    );
  });
  return {
    statistics: pooledStatistics(header, slots, SINGLE_KEY_TOLERANCE),
    layout: header.layout,
    contributors: [...header.contributors],
  };
}
