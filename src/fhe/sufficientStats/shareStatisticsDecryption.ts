// A committee member's decryption share of a sum of encrypted statistics: only once the sum holds the call's
// minimum of distinct contributors, and each ciphertext at most once.
import { assertKey, assertParams, loadCiphertext, secretKeyDecryptor } from "../checks.ts";
import { buildContainer } from "../container.ts";
import { assertUsable } from "../createFheContext.ts";
import type { FheContext } from "../createFheContext.ts";
import { FheError, FheKeyMismatchError } from "../errors.ts";
import { openCommitteeKeys } from "../multiparty/assembleCommitteeKeys.ts";
import { blobDigests } from "../multiparty/files.ts";
import type { DecryptionShareHeader } from "../multiparty/files.ts";
import { updateMemberState } from "../multiparty/memberState.ts";
import { smudgingSigmaOf } from "../multiparty/params.ts";
import { decryptionShare } from "../multiparty/shareDecryption.ts";
import { plainBytes, sealTry, withScopeAsync } from "../seal.ts";
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
  return updateMemberState(params.statePath, async ({ header: state, secretKey }) => {
    assertParams("member state", state.params, ctx);
    if (state.committeeId !== committee.committeeId || committee.memberKeyShares[state.member] !== state.keyShare) {
      throw new FheKeyMismatchError(
        `This member (${state.member} of committee ${state.committeeId}) is not member ${state.member} of committee ` +
          `${committee.committeeId}: its key share is not in that committee's keys.`,
      );
    }
    const again = digests.findIndex((digest) => state.shared.includes(digest));
    if (again >= 0) {
      throw new FheError(
        `Member ${state.member} already shared ciphertext ${again} of these statistics; sharing a ciphertext twice ` +
          "leaks its secret key share, so it is refused.",
      );
    }
    const blobs = await withScopeAsync(async (scope) => {
      const decryptor = secretKeyDecryptor(ctx, scope, secretKey);
      return Array.from({ length: container.count }, (_, i) =>
        sealTry(`Computing the decryption share of statistics ciphertext ${i}`, () => {
          const ct = loadCiphertext(ctx, scope, container.blob(i), `statistics ciphertext ${i}`, header.primes);
          const share = decryptionShare(ctx, scope, decryptor, ct, sigmas[i]);
          scope.free(ct);
          return share;
        }),
      );
    });
    const shareHeader: DecryptionShareHeader = {
      kind: "decryption-share",
      scheme: "ckks",
      params: { ...ctx.params, coeffModulusBits: [...ctx.params.coeffModulusBits] },
      committeeId: committee.committeeId,
      keyId: committee.keyId,
      member: state.member,
      memberKeyShare: state.keyShare,
      ciphertexts: digests,
      smudgingSigmas: sigmas,
    };
    return {
      header: { ...state, shared: [...state.shared, ...digests] },
      value: buildContainer("decryptionShare", shareHeader, blobs),
    };
  });
}
