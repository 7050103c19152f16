// A member's decryption share of an encrypted result: c1·s_i plus smudging noise, never c1·s_i alone.
import { randomFillSync } from "node:crypto";
import type { Ciphertext, Decryptor } from "node-seal";
import type { Hex } from "viem";
import { buildContainer, type ParsedContainer } from "../container.ts";
import type { FheContext } from "../createFheContext.ts";
import { assertParams, loadCiphertext, secretKeyDecryptor } from "../checks.ts";
import { FheError, FheKeyMismatchError } from "../errors.ts";
import { sealTry, withScope, withScopeAsync } from "../seal.ts";
import type { SealScope } from "../seal.ts";
import { openCommitteeResult } from "./openCommitteeResult.ts";
import type { DecryptionShareHeader } from "./files.ts";
import { updateMemberState } from "./memberState.ts";
import { smudgingSigma } from "./params.ts";
import { CT_NTT_FLAG, ciphertextWords } from "./sealBytes.ts";

export type ShareDecryptionParameters = {
  /** Path of the member's state file (secret key share + what it has shared); updated before the share is returned. */
  statePath: string;
  /** The committee key file ("2PMFHEC\0"). */
  committeeKeys: Uint8Array;
  /** The encrypted result (`.fher`) to share. */
  result: Uint8Array;
};

/**
 * Computes a member's decryption share of every ciphertext of a result: d_i = c1·s_i + z_i, z_i Gaussian with
 * σ = smudgingSigma(result, i) per coefficient (params.ts). A member shares a ciphertext at most once: sharing it twice
 * gives two noises for one c1·s_i and weakens the smudging (Lattigo's SECURITY.md), so this refuses any ciphertext
 * already recorded in the state, and records the result's ciphertexts (under a lock, written before the share is
 * returned).
 *
 * @example
 * const share = await shareDecryption(ctx, { statePath, committeeKeys, result: fher });
 * publish(share); // "2PMFHES\0"
 */
export async function shareDecryption(ctx: FheContext, params: ShareDecryptionParameters): Promise<Uint8Array> {
  const { committee, result, container, digests, sigmas } = openCommitteeResult(ctx, params.committeeKeys, params.result);
  if (Math.max(...sigmas) * 7 > 2 ** 52) {
    throw new FheError("This result sums too many rows for committee decryption (its smudging noise would not fit).");
  }
  return shareCiphertexts(ctx, { statePath: params.statePath, committee, container, digests, sigmas, what: "this result" });
}

export type ShareCiphertextsParameters = {
  /** Path of the member's state file (secret key share + what it has shared). */
  statePath: string;
  /** The opened committee keys the ciphertexts are under. */
  committee: { committeeId: string; keyId: Hex; memberKeyShares: readonly Hex[] };
  /** The ciphertexts to share (a result's or a statistics sum's container). */
  container: Pick<ParsedContainer, "count" | "blob">;
  /** Each ciphertext's digest (what the share names and the state records). */
  digests: Hex[];
  /** Each ciphertext's smudging σ. */
  sigmas: number[];
  /** What the ciphertexts are, for messages: "this result", "these statistics". */
  what: string;
  /** The primes every ciphertext must have, when the file fixes them. */
  primes?: number;
};

/**
 * The one place a member's secret key share touches a ciphertext: checks the state is this committee's member, refuses
 * any ciphertext the member already shared, computes every share and records the digests in the state (under its
 * lock, before the share file is returned).
 */
export async function shareCiphertexts(ctx: FheContext, params: ShareCiphertextsParameters): Promise<Uint8Array> {
  const { committee, container, digests, sigmas, what } = params;
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
        `Member ${state.member} already shared ciphertext ${again} of ${what}; sharing a ciphertext twice leaks ` +
          "its secret key share, so it is refused.",
      );
    }
    const blobs = await withScopeAsync(async (scope) => {
      const decryptor = secretKeyDecryptor(ctx, scope, secretKey);
      return Array.from({ length: container.count }, (_, i) =>
        sealTry(`Computing the decryption share of ciphertext ${i} of ${what}`, () => {
          const ct = loadCiphertext(ctx, scope, container.blob(i), `ciphertext ${i} of ${what}`, params.primes);
          const share = decryptionShare(ctx, scope, decryptor, ct, sigmas[i]);
          scope.free(ct);
          return share;
        }),
      );
    });
    const header: DecryptionShareHeader = {
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
    const share = buildContainer("decryptionShare", header, blobs);
    return { header: { ...state, shared: [...state.shared, ...digests] }, value: share };
  });
}

/**
 * One ciphertext's share, computed by SEAL: the Gaussian z goes into a coefficient-form ciphertext (z, ·) that SEAL
 * transforms to NTT form; with c1 put next to NTT(z), SEAL's decryption with s_i gives NTT(z) + c1·s_i.
 */
export function decryptionShare(
  ctx: FheContext,
  scope: SealScope,
  decryptor: Decryptor,
  ct: Ciphertext,
  sigma: number,
): Uint8Array {
  const { seal } = ctx;
  const none = seal.ComprModeType.none;
  const bytes = ct.saveToArray(none) as Uint8Array;
  const words = ciphertextWords(bytes);
  const { n, k } = words;
  const half = n * k;
  // z mod q_j as u64 words (two u32 halves, little-endian), without BigInt: |z| < 2^49 < q_j.
  const noise = new Uint32Array(4 * half);
  const z = gaussian(n, sigma);
  levelPrimes(ctx, k).forEach(([qLo, qHi], j) => {
    for (let i = 0; i < n; i++) {
      const v = z[i];
      const a = Math.abs(v);
      let lo = a % TWO32;
      let hi = Math.floor(a / TWO32);
      if (v < 0) {
        lo = qLo - lo;
        hi = qHi - hi;
        if (lo < 0) {
          lo += TWO32;
          hi -= 1;
        }
      }
      noise[2 * (j * n + i)] = lo;
      noise[2 * (j * n + i) + 1] = hi;
    }
  });
  noise[2 * half] = 1; // a non-zero c1 (SEAL refuses to transform a "transparent" ciphertext); replaced below
  const coefficientForm = bytes.slice();
  coefficientForm[CT_NTT_FLAG] = 0;
  coefficientForm.set(new Uint8Array(noise.buffer), words.offset);
  const work = scope.add(new seal.Ciphertext());
  work.loadFromArray(ctx.context, coefficientForm);
  ctx.evaluator.cipherTransformToNttInplace(work);
  const transformed = work.saveToArray(none) as Uint8Array;
  const c1 = words.offset + 8 * half;
  transformed.set(bytes.subarray(c1, c1 + 8 * half), c1);
  work.loadFromArray(ctx.context, transformed);
  const plain = scope.add(new seal.Plaintext());
  decryptor.decrypt(work, plain);
  const share = plain.saveToArray(none) as Uint8Array;
  scope.free(plain);
  scope.free(work);
  return share;
}

const TWO32 = 2 ** 32;
const primeCache = new WeakMap<FheContext, Map<number, [number, number][]>>();

/** The primes of the level with `primes` data primes, as (low, high) 32-bit halves. */
function levelPrimes(ctx: FheContext, primes: number): [number, number][] {
  let byLevel = primeCache.get(ctx);
  if (!byLevel) primeCache.set(ctx, (byLevel = new Map()));
  let halves = byLevel.get(primes);
  if (!halves) {
    halves = withScope((scope) => {
      const data = scope.add(ctx.context.getContextData(ctx.parmsIdFor(primes)));
      const moduli = scope.add(scope.add(data.parms()).coeffModulus());
      return Array.from({ length: primes }, (_, j) => {
        const q = BigInt(scope.add(moduli.get(j)!).value());
        return [Number(q & 0xffffffffn), Number(q >> 32n)] as [number, number];
      });
    });
    byLevel.set(primes, halves);
  }
  return halves;
}

/** `count` integer samples of a Gaussian with standard deviation `sigma` (Box–Muller on crypto randomness). */
function gaussian(count: number, sigma: number): Float64Array {
  const random = new Uint32Array(count + 2);
  randomFillSync(random);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = (random[i] + 1) / 4294967297; // (0, 1): log never sees 0
    const u2 = random[i + 1] / 4294967296;
    const r = sigma * Math.sqrt(-2 * Math.log(u1));
    out[i] = Math.round(r * Math.cos(2 * Math.PI * u2));
    if (i + 1 < count) out[i + 1] = Math.round(r * Math.sin(2 * Math.PI * u2));
  }
  return out;
}

