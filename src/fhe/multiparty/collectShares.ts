// Internal: the members' decryption shares of one encrypted file, checked to be the committee's, of these
// ciphertexts, with this library's smudging, one per member and all n present.
import type { Hex } from "viem";
import { FheError, FheKeyMismatchError } from "../errors.ts";
import { plainBytes } from "../seal.ts";
import type { CommitteeKeys } from "./assembleCommitteeKeys.ts";
import { openCommitteeFile } from "./files.ts";

/**
 * Each member's share blobs (one per ciphertext, by member index) of the file whose ciphertexts have `digests`
 * and smudging `sigmas`. Refuses shares of another committee or member key, of another file, duplicates, and an
 * incomplete set.
 */
export function collectShares(
  committee: CommitteeKeys,
  digests: readonly Hex[],
  sigmas: readonly number[],
  shares: readonly Uint8Array[],
): Uint8Array[][] {
  const byMember = Array.from<Uint8Array[] | undefined>({ length: committee.members });
  for (const bytes of shares) {
    const { header, container: share } = openCommitteeFile(plainBytes(bytes), "decryptionShare");
    if (header.committeeId !== committee.committeeId || header.keyId !== committee.keyId) {
      throw new FheKeyMismatchError(
        `A decryption share of member ${header.member} belongs to committee ${header.committeeId} ` +
          `(key ${header.keyId}), not to this result's committee ${committee.committeeId}; it is refused.`,
      );
    }
    if (header.member >= committee.members || committee.memberKeyShares[header.member] !== header.memberKeyShare) {
      throw new FheKeyMismatchError(
        `A decryption share claims to be member ${header.member}'s but names another key share than the committee's; it is refused.`,
      );
    }
    if (header.ciphertexts.length !== digests.length || header.ciphertexts.some((d, i) => d !== digests[i]) || share.count !== digests.length) {
      throw new FheError(`The decryption share of member ${header.member} is of another result; ask for a share of this one.`);
    }
    if (header.smudgingSigmas.length !== sigmas.length || header.smudgingSigmas.some((s, i) => s !== sigmas[i])) {
      throw new FheError(
        `The decryption share of member ${header.member} used other smudging noise than this library's; it is refused.`,
      );
    }
    if (byMember[header.member]) throw new FheError(`Two decryption shares of member ${header.member}; give each member's once.`);
    byMember[header.member] = Array.from({ length: share.count }, (_, i) => share.blob(i));
  }
  const missing = byMember.flatMap((share, i) => (share ? [] : [i]));
  if (missing.length > 0) {
    throw new FheError(
      `Missing decryption shares of member(s) ${missing.join(", ")}: the committee's ${committee.members} members must all share.`,
    );
  }
  return byMember as Uint8Array[][];
}
