// A committee member's decryption share of a sum of encrypted statistics: only once the sum holds the call's
// minimum of distinct contributors, and each ciphertext at most once.
import { assertKey, assertParams } from "../checks.ts";
import { assertUsable } from "../createFheContext.ts";
import type { FheContext } from "../createFheContext.ts";
import { openCommitteeKeys } from "../multiparty/assembleCommitteeKeys.ts";
import { blobDigests } from "../multiparty/files.ts";
import { smudgingSigmaOf } from "../multiparty/params.ts";
import { shareCiphertexts } from "../multiparty/shareDecryption.ts";
import { plainBytes } from "../seal.ts";
import { assertMinContributors } from "./contributors.ts";
import { openStatistics } from "./header.ts";

export type ShareStatisticsDecryptionParameters = {
  /** The member's state file (secret key share + what it has shared). */
  statePath: string;
  /** The committee key file ("2PMFHEC\0"). */
  committeeKeys: Uint8Array;
  /** The sum of encrypted statistics to decrypt. */
  statistics: Uint8Array;
  /** The call's minimum of distinct contributors (>= 3). */
  minContributors: number;
};

/**
 * The committee file, statistics sum and smudging every share and combination of it agree on: σ per ciphertext is
 * smudgingSigmaOf(contributions), a sum of that many fresh public-key encryptions (no rotation, no product).
 */
export function openCommitteeStatistics(ctx: FheContext, committeeKeys: Uint8Array, statistics: Uint8Array) {
  assertUsable(ctx);
  const committee = openCommitteeKeys(ctx, committeeKeys);
  const { header, container } = openStatistics(plainBytes(statistics));
  assertKey("statistics file", header.keyId, committee.keyId);
  assertParams("statistics file", header.params, ctx);
  const digests = blobDigests(container);
  const sigmas = digests.map(() => smudgingSigmaOf(header.contributors.length));
  return { committee, header, container, digests, sigmas };
}

/**
 * Computes a member's decryption share ("2PMFHES\0", the same file as for task results) of every ciphertext of a
 * statistics sum, after checking the call's minimum of distinct contributors. Records the ciphertexts in the
 * member's state; a ciphertext already shared is refused.
 *
 * @example
 * const share = await shareStatisticsDecryption(ctx, { statePath, committeeKeys, statistics: pooled, minContributors: 3 });
 */
export async function shareStatisticsDecryption(
  ctx: FheContext,
  params: ShareStatisticsDecryptionParameters,
): Promise<Uint8Array> {
  const { committee, header, container, digests, sigmas } = openCommitteeStatistics(
    ctx,
    params.committeeKeys,
    params.statistics,
  );
  assertMinContributors(header.contributors, params.minContributors);
  return shareCiphertexts(ctx, { statePath: params.statePath, committee, container, digests, sigmas, what: "these statistics", primes: header.primes });
}
