// A committee member's key generation. Its secret never leaves the returned state; the key share is public.
import { createHash } from "node:crypto";
import type { Hex } from "viem";
import { buildContainer } from "../container.ts";
import { assertUsable } from "../createFheContext.ts";
import type { FheContext } from "../createFheContext.ts";
import { FheError } from "../errors.ts";
import { rotationSteps } from "../generateKeys.ts";
import { sealTry, withScope } from "../seal.ts";
import { commonPolynomial } from "./commonPolynomial.ts";
import type { KeyShareHeader, MemberHeader } from "./files.ts";
import { keyLevelPrimes } from "./ring.ts";
import { ciphertextWords, galoisKeyWords, plaintextWords, readWords, rerandomize } from "./sealBytes.ts";

const HEX32 = /^0x[0-9a-f]{64}$/;

export type GenerateKeyShareParameters = {
  /** The committee's id (32 bytes): the public seed of the common polynomials. */
  committeeId: Hex;
  /** This member's index, 0 … members − 1. */
  member: number;
  /** Committee size n (n-of-n: every member's share is needed to decrypt). */
  members: number;
};

export type GenerateKeyShareReturnType = {
  /** The member's secret state ("2PMFHEM\0" file: its secret key share and what it has shared). Keep it 0600. */
  state: Uint8Array;
  /** The member's public key share ("2PMFHEP\0" file), to publish. */
  keyShare: Uint8Array;
  /** sha256 of `keyShare`: how the committee key file and decryption shares name this member's key. */
  keyShareId: Hex;
};

/** sha256 of a file's bytes as 0x hex. */
export function fileId(bytes: Uint8Array): Hex {
  return `0x${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Label of the common polynomial of a key component. */
export function componentLabel(component: "public" | [index: number, part: number]): string {
  return component === "public" ? "public" : `galois/${component[0]}/${component[1]}`;
}

/**
 * Generates a member's secret key share s_i and its public key share: an ordinary SEAL key pair and Galois keys of
 * s_i, each component (c0, a') moved to the committee's common polynomial a (derived from the committee id) as
 * b = c0 + (a' − a)·s_i = −(a·s_i + e). Summing the members' b gives keys of s = Σ s_i ({@link assembleCommitteeKeys}).
 *
 * @example
 * const ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
 * const { state, keyShare } = generateKeyShare(ctx, { committeeId, member: 0, members: 3 });
 * await writeMemberState(".2pm/committee/0xc0…/member.state", state); // secret
 * publish(keyShare);
 */
export function generateKeyShare(ctx: FheContext, params: GenerateKeyShareParameters): GenerateKeyShareReturnType {
  assertUsable(ctx);
  const { committeeId, member, members } = params;
  if (!HEX32.test(committeeId)) throw new FheError(`Invalid committee id "${committeeId}": expected 0x + 64 hex digits.`);
  if (!Number.isInteger(members) || members < 1 || !Number.isInteger(member) || member < 0 || member >= members) {
    throw new FheError(`Invalid member ${member} of ${members}: members are numbered 0 … n − 1.`);
  }
  const { seal } = ctx;
  const none = seal.ComprModeType.none;
  const n = ctx.params.polyModulusDegree;
  const primes = keyLevelPrimes(ctx);
  const steps = rotationSteps(ctx.slots);
  return withScope((scope) =>
    sealTry("Generating a committee key share", () => {
      const generator = scope.add(new seal.KeyGenerator(ctx.context));
      const secretKey = scope.add(generator.secretKey()).saveToArray(none) as Uint8Array;
      const publicKey = scope.add(generator.createPublicKey()).saveToArray(none) as Uint8Array;
      const galoisKeys = scope.add(generator.createGaloisKeysWithSteps(Int32Array.from(steps))).saveToArray(none) as Uint8Array;
      const s = readWords(secretKey, plaintextWords(secretKey, "a secret key"));
      const share = (bytes: Uint8Array, words: { offset: number; count: number }, label: string): Uint8Array => {
        const half = words.count / 2;
        const c0 = readWords(bytes, words, 0, half);
        const ownA = readWords(bytes, words, half, half);
        const b = rerandomize(c0, ownA, commonPolynomial(committeeId, label, primes, n), s, primes, n);
        return new Uint8Array(b.buffer);
      };
      const pkWords = ciphertextWords(publicKey, 0, "a public key");
      const blobs = [share(publicKey, pkWords, componentLabel("public"))];
      const galois = galoisKeyWords(galoisKeys);
      for (const key of galois) blobs.push(share(galoisKeys, key, componentLabel([key.index, key.part])));
      const header: KeyShareHeader = {
        kind: "committee-key-share",
        scheme: "ckks",
        params: { ...ctx.params, coeffModulusBits: [...ctx.params.coeffModulusBits] },
        committeeId,
        member,
        members,
        rotationSteps: steps,
        galoisKeys: galois.map((key) => [key.index, key.part]),
      };
      const keyShare = buildContainer("committeeKeyShare", header, blobs);
      const keyShareId = fileId(keyShare);
      const state: MemberHeader = {
        kind: "committee-member",
        scheme: "ckks",
        params: header.params,
        committeeId,
        member,
        members,
        keyShare: keyShareId,
        shared: [],
      };
      return { state: buildContainer("committeeMember", state, [secretKey]), keyShare, keyShareId };
    }),
  );
}
