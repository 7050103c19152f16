// Anyone can combine the committee members' shares of a statistics sum into the pooled statistics; with fewer
// than all n shares, or shares of another sum, the values are noise and refused.
import { decryptValues, loadCiphertext, secretKeyDecryptor } from "../checks.ts";
import type { FheContext } from "../createFheContext.ts";
import { collectShares } from "../multiparty/collectShares.ts";
import { combinedCiphertext } from "../multiparty/combineDecryptionShares.ts";
import { smudgingErrorBound } from "../multiparty/params.ts";
import { sealTry, withScope } from "../seal.ts";
import { assertMinContributors } from "./contributors.ts";
import type { DecryptStatisticsReturnType } from "./decryptStatistics.ts";
import { pooledStatistics } from "./pooledStatistics.ts";
import { openCommitteeStatistics } from "./shareStatisticsDecryption.ts";

export type CombineStatisticsSharesParameters = {
  /** The sum of encrypted statistics the members shared. */
  statistics: Uint8Array;
  /** The committee key file ("2PMFHEC\0"). */
  committeeKeys: Uint8Array;
  /** One decryption share per member, any order. */
  shares: readonly Uint8Array[];
  /** The call's minimum of distinct contributors (>= 3). */
  minContributors: number;
};

/**
 * Combines all n members' shares of a statistics sum: m = c0 + Σ d_i per ciphertext, decoded and checked like a
 * single-key decryption ({@link decryptStatistics}) with the tolerance widened by the smudging noise's bound.
 *
 * @example
 * const { statistics, layout } = combineStatisticsShares(ctx, { statistics: pooled, committeeKeys, shares, minContributors: 3 });
 */
export function combineStatisticsShares(
  ctx: FheContext,
  params: CombineStatisticsSharesParameters,
): DecryptStatisticsReturnType {
  const { committee, header, container, digests, sigmas } = openCommitteeStatistics(
    ctx,
    params.committeeKeys,
    params.statistics,
  );
  assertMinContributors(header.contributors, params.minContributors);
  const byMember = collectShares(committee, digests, sigmas, params.shares);
  const slots = withScope((scope) => {
    // (m, 0) decrypts to m under any secret key: a throwaway one decodes it.
    const throwaway = scope.add(scope.add(new ctx.seal.KeyGenerator(ctx.context)).secretKey());
    const decryptor = secretKeyDecryptor(
      ctx,
      scope,
      throwaway.saveToArray(ctx.seal.ComprModeType.none) as Uint8Array,
    );
    return Array.from({ length: container.count }, (_, i) =>
      sealTry(`Combining the decryption shares of statistics ciphertext ${i}`, () => {
        const ct = loadCiphertext(ctx, scope, container.blob(i), `statistics ciphertext ${i}`, header.primes);
        const combined = combinedCiphertext(ctx, scope, ct, byMember.map((shares) => shares[i]));
        const m = loadCiphertext(ctx, scope, combined, `combined statistics ciphertext ${i}`, header.primes);
        const values = decryptValues(ctx, scope, decryptor, m);
        scope.free(ct);
        scope.free(m);
        return values;
      }),
    );
  });
  const noise = Math.max(
    ...sigmas.map((sigma) =>
      smudgingErrorBound(committee.members, sigma, ctx.params.polyModulusDegree, 2 ** header.scaleBits),
    ),
  );
  return {
    statistics: pooledStatistics(header, slots, noise + 2 ** -30),
    layout: header.layout,
    contributors: [...header.contributors],
  };
}
