// Anyone can assemble the collective keys from the members' public key shares: nothing here is secret.
import type { Hex } from "viem";
import { buildContainer } from "../container.ts";
import { assertUsable } from "../createFheContext.ts";
import type { FheContext } from "../createFheContext.ts";
import { assertParams } from "../checks.ts";
import { FheError, FheKeyMismatchError } from "../errors.ts";
import { computeKeyId } from "../generateKeys.ts";
import { plainBytes, sealTry, withScope } from "../seal.ts";
import type { EvaluationKeys } from "../types.ts";
import { commonPolynomial } from "./commonPolynomial.ts";
import { openCommitteeFile } from "./files.ts";
import type { CommitteeKeysHeader, KeyShareHeader } from "./files.ts";
import { componentLabel, fileId } from "./generateKeyShare.ts";
import { keyLevelPrimes } from "./ring.ts";
import { addInto, ciphertextWords, galoisKeyWords, writeWords } from "./sealBytes.ts";

/** A committee's collective keys, as read by {@link readCommitteeKeys}. */
export type CommitteeKeys = {
  committeeId: Hex;
  members: number;
  /** keccak256 of the collective public key: the id encrypted files and results carry. */
  keyId: Hex;
  /** sha256 of each member's key share file, by member index. */
  memberKeyShares: Hex[];
  /**
   * What contributors and the compute node use: the collective public key and Galois keys. There is no
   * relinearization key (`relinKeys` is empty): contributors encrypt x² columns where variances are wanted.
   */
  evaluationKeys: EvaluationKeys;
};

/**
 * Sums the members' key shares into the collective public key (Σ b_i, a) and Galois keys, for s = Σ s_i, and
 * returns the committee key file ("2PMFHEC\0"). Every member's share is needed, each exactly once; the result is
 * deterministic, so anyone can re-derive it (and its keyId) from the published shares.
 *
 * @example
 * const committeeKeys = assembleCommitteeKeys(ctx, [share0, share1, share2]);
 * const { keyId, evaluationKeys } = readCommitteeKeys(ctx, committeeKeys);
 */
export function assembleCommitteeKeys(ctx: FheContext, keyShares: readonly Uint8Array[]): Uint8Array {
  assertUsable(ctx);
  if (keyShares.length === 0) throw new FheError("Assembling committee keys needs the members' key shares.");
  const opened = keyShares.map((bytes) => ({ ...openCommitteeFile(plainBytes(bytes), "committeeKeyShare"), bytes }));
  const first: KeyShareHeader = opened[0].header;
  assertParams("key share", first.params, ctx);
  const members = first.members;
  const byMember = Array.from<(typeof opened)[number] | undefined>({ length: members });
  for (const share of opened) {
    const h = share.header;
    if (h.committeeId !== first.committeeId) {
      throw new FheKeyMismatchError(
        `Key share of member ${h.member} belongs to committee ${h.committeeId}, not ${first.committeeId}.`,
      );
    }
    if (h.members !== members || h.member >= members) {
      throw new FheError(`Key share of member ${h.member} says the committee has ${h.members} members, another ${members}.`);
    }
    if (byMember[h.member]) throw new FheError(`Two key shares for member ${h.member}; give each member's once.`);
    if (JSON.stringify([h.rotationSteps, h.galoisKeys]) !== JSON.stringify([first.rotationSteps, first.galoisKeys])) {
      throw new FheError(`Key share of member ${h.member} has other Galois keys than member ${first.member}'s.`);
    }
    byMember[h.member] = share;
  }
  const missing = byMember.flatMap((share, i) => (share ? [] : [i]));
  if (missing.length > 0) {
    throw new FheError(`Missing key shares of member(s) ${missing.join(", ")}: the committee key needs all ${members}.`);
  }
  const { seal } = ctx;
  const none = seal.ComprModeType.none;
  const n = ctx.params.polyModulusDegree;
  const primes = keyLevelPrimes(ctx);
  return withScope((scope) =>
    sealTry("Assembling the committee keys", () => {
      // A throwaway SEAL key set gives the byte skeleton (headers, parms_id); every coefficient is overwritten.
      const generator = scope.add(new seal.KeyGenerator(ctx.context));
      const publicKey = Uint8Array.from(scope.add(generator.createPublicKey()).saveToArray(none) as Uint8Array);
      const galoisKeys = Uint8Array.from(
        scope.add(generator.createGaloisKeysWithSteps(Int32Array.from(first.rotationSteps))).saveToArray(none) as Uint8Array,
      );
      const galois = galoisKeyWords(galoisKeys);
      if (JSON.stringify(galois.map((k) => [k.index, k.part])) !== JSON.stringify(first.galoisKeys)) {
        throw new FheError("The key shares' Galois keys do not match this library's layout; regenerate them with this 2pm.");
      }
      const fill = (bytes: Uint8Array, words: { offset: number; count: number }, blob: number, label: string): void => {
        const half = words.count / 2;
        const sum = new BigUint64Array(half);
        for (const share of byMember) {
          const b = share!.container.blob(blob);
          if (b.length !== half * 8) throw new FheError(`Key share of member ${share!.header.member} is malformed (blob ${blob}).`);
          addInto(sum, new BigUint64Array(b.slice().buffer), primes, n);
        }
        writeWords(bytes, words, sum, 0);
        writeWords(bytes, words, commonPolynomial(first.committeeId, label, primes, n), half);
      };
      fill(publicKey, ciphertextWords(publicKey, 0, "a public key"), 0, componentLabel("public"));
      galois.forEach((key, i) => fill(galoisKeys, key, i + 1, componentLabel([key.index, key.part])));
      // SEAL validates what we wrote (sizes, every residue below its prime).
      scope.add(new seal.PublicKey()).loadFromArray(ctx.context, publicKey);
      scope.add(new seal.GaloisKeys()).loadFromArray(ctx.context, galoisKeys);
      const header: CommitteeKeysHeader = {
        kind: "committee-keys",
        scheme: "ckks",
        params: { ...ctx.params, coeffModulusBits: [...ctx.params.coeffModulusBits] },
        committeeId: first.committeeId,
        members,
        keyId: computeKeyId(publicKey),
        memberKeyShares: byMember.map((share) => fileId(share!.bytes)),
        parts: ["public", "galois"],
      };
      return buildContainer("committeeKeys", header, [publicKey, galoisKeys]);
    }),
  );
}

/**
 * Reads a committee key file, checking its parameters and that its keyId is the hash of its public key.
 *
 * @example
 * const { keyId, evaluationKeys } = readCommitteeKeys(ctx, committeeKeys);
 * const fhed = await encryptTable(ctx, { features, columns, keys: evaluationKeys, schemaHash }); // contributor
 * const fher = await computeStats(ctx, fhed, evaluationKeys, { ops: ["sum", "mean"] });       // compute node
 */
export function readCommitteeKeys(ctx: FheContext, bytes: Uint8Array): CommitteeKeys {
  const keys = openCommitteeKeys(ctx, bytes);
  if (computeKeyId(keys.evaluationKeys.publicKey) !== keys.keyId) {
    throw new FheKeyMismatchError(`Committee key file is inconsistent: its public key does not hash to ${keys.keyId}.`);
  }
  return keys;
}

/**
 * {@link readCommitteeKeys} without hashing the public key (~0.3 s of keccak for 0.5 MB): for sharing and combining,
 * which never use the public key, only who the members are.
 */
export function openCommitteeKeys(ctx: FheContext, bytes: Uint8Array): CommitteeKeys {
  assertUsable(ctx);
  const { header, container } = openCommitteeFile(plainBytes(bytes), "committeeKeys");
  assertParams("committee key file", header.params, ctx);
  if (container.count !== 2 || header.memberKeyShares.length !== header.members) {
    throw new FheError("Not a valid committee key file: it must hold a public key and Galois keys for every member.");
  }
  const publicKey = new Uint8Array(container.blob(0));
  return {
    committeeId: header.committeeId,
    members: header.members,
    keyId: header.keyId,
    memberKeyShares: [...header.memberKeyShares],
    evaluationKeys: { keyId: header.keyId, publicKey, relinKeys: new Uint8Array(0), galoisKeys: new Uint8Array(container.blob(1)) },
  };
}
