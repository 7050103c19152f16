// Test and benchmark helpers for committee mode. committeeSecret() sums the members' secret shares — something the
// protocol never does — only to CHECK what the protocol produces (keys valid for Σ s_i, the noise of results).
import type { Hex } from "viem";
import type { FheContext } from "../../../src/fhe/index.ts";
import { parseContainer } from "../../../src/fhe/container.ts";
import { loadCiphertext } from "../../../src/fhe/checks.ts";
import { openFher } from "../../../src/fhe/resultHeader.ts";
import { withScope } from "../../../src/fhe/seal.ts";
import { assembleCommitteeKeys, generateKeyShare } from "../../../src/fhe/multiparty/index.ts";
import type { GenerateKeyShareReturnType } from "../../../src/fhe/multiparty/index.ts";
import { keyLevelPrimes } from "../../../src/fhe/multiparty/ring.ts";
import { addInto, ciphertextWords, plaintextWords, readWords, writeWords } from "../../../src/fhe/multiparty/sealBytes.ts";

export const COMMITTEE_ID = `0x${"c0".repeat(32)}` as Hex;

export type Committee = { members: GenerateKeyShareReturnType[]; committeeKeys: Uint8Array };

/** n members' key shares and the assembled committee keys. */
export function makeCommittee(ctx: FheContext, members: number, committeeId: Hex = COMMITTEE_ID): Committee {
  const shares = Array.from({ length: members }, (_, member) => generateKeyShare(ctx, { committeeId, member, members }));
  return { members: shares, committeeKeys: assembleCommitteeKeys(ctx, shares.map((s) => s.keyShare)) };
}

/** The secret key share in a member state file (SEAL SecretKey bytes). */
export function secretOf(state: Uint8Array): Uint8Array {
  return new Uint8Array(parseContainer(state, "committeeMember").blob(0));
}

/** SEAL SecretKey bytes of Σ s_i over the given member states (TEST ONLY). */
export function committeeSecret(ctx: FheContext, states: readonly Uint8Array[]): Uint8Array {
  const primes = keyLevelPrimes(ctx);
  const first = Uint8Array.from(secretOf(states[0]));
  const words = plaintextWords(first, "a secret key");
  const sum = new BigUint64Array(words.count);
  for (const state of states) {
    const bytes = secretOf(state);
    addInto(sum, readWords(bytes, plaintextWords(bytes, "a secret key")), primes, ctx.params.polyModulusDegree);
  }
  writeWords(first, words, sum);
  return first;
}

/**
 * The noise of every ciphertext of a result, exactly, in the coefficient domain: decrypt with `secretKey`,
 * subtract the encoding of the expected slot values (`expected(i)`, at the ciphertext's scale and level), inverse
 * NTT, and take the largest centered coefficient (mod the first prime).
 */
export function resultNoise(
  ctx: FheContext,
  fher: Uint8Array,
  secretKey: Uint8Array,
  expected: (i: number) => Float64Array,
): number[] {
  const { container } = openFher(fher);
  const { seal } = ctx;
  const none = seal.ComprModeType.none;
  return withScope((scope) => {
    const sk = scope.add(new seal.SecretKey());
    sk.loadFromArray(ctx.context, secretKey);
    const decryptor = scope.add(new seal.Decryptor(ctx.context, sk));
    const q0 = keyLevelPrimes(ctx)[0];
    return Array.from({ length: container.count }, (_, i) => {
      const ct = loadCiphertext(ctx, scope, container.blob(i), `ciphertext ${i}`, undefined);
      const decrypted = scope.add(new seal.Plaintext());
      decryptor.decrypt(ct, decrypted);
      const pBytes = decrypted.saveToArray(none) as Uint8Array;
      const p = readWords(pBytes, plaintextWords(pBytes));
      const x = Uint8Array.from(ct.saveToArray(none) as Uint8Array);
      const words = ciphertextWords(x);
      const c1 = new BigUint64Array(words.count / 2);
      c1[0] = 1n;
      writeWords(x, words, p, 0);
      writeWords(x, words, c1, words.count / 2);
      const work = scope.add(new seal.Ciphertext());
      work.loadFromArray(ctx.context, x);
      const e = scope.add(new seal.Plaintext());
      ctx.encoder.encode(expected(i), ct.scale(), e);
      ctx.evaluator.plainModSwitchToInplace(e, ct.parmsId());
      ctx.evaluator.subPlainInplace(work, e);
      ctx.evaluator.cipherTransformFromNttInplace(work);
      const out = work.saveToArray(none) as Uint8Array;
      const d = readWords(out, ciphertextWords(out), 0, ctx.params.polyModulusDegree);
      let max = 0;
      for (const v of d) max = Math.max(max, Number(v > q0 / 2n ? q0 - v : v));
      return max;
    });
  });
}
