// The evaluator's toolkit for one computeStats call: evaluation keys loaded once, constants encoded once per level,
// slot sums by rotation, scores finished with their bias, and the result entries collected in order.
import type { Ciphertext, Encryptor, GaloisKeys, Plaintext, RelinKeys } from "node-seal";
import { packCiphertext } from "../ciphertextCodec.ts";
import type { FheContext } from "../createFheContext.ts";
import { FheError } from "../errors.ts";
import type { LinearModel, ResultEntry } from "../resultHeader.ts";
import { SealScope, plainBytes, sealTry } from "../seal.ts";
import type { EvaluationKeys } from "../types.ts";
import type { ComputeNeeds } from "./checkInputs.ts";
import type { PooledSums } from "./pooledSums.ts";

export type EvaluatorKit = {
  ctx: FheContext;
  model: LinearModel | null;
  relin?: RelinKeys;
  galois?: GaloisKeys;
  /** A constant plaintext at `scale` and `primes` (encoded once), or null when it encodes to zero. */
  constant: (value: number, scale: number, primes: number) => Plaintext | null;
  /** Adds the rotations by from, 2·from, … below `to` into `ct`. */
  rotateSum: (scope: SealScope, ct: Ciphertext, from?: number, to?: number) => void;
  /** Output `o`'s score: w·x rescaled plus the bias, or the bias alone (encrypted) when every weight is zero. */
  finishScore: (scope: SealScope, score: Ciphertext | undefined, o: number, primes: number) => Ciphertext;
  /** Serializes `ct` as the next result blob, described by `entry`. */
  emit: (ct: Ciphertext, entry: ResultEntry) => void;
  entries: ResultEntry[];
  blobs: Uint8Array[];
  /** Several inputs: their sums go here (added homomorphically) instead of being emitted per input. */
  pool?: PooledSums;
};

/**
 * Loads the evaluation keys the ops need (kept in `keep`, freed with it) and checks the Galois keys cover slot sums.
 *
 * @example
 * await withScopeAsync(async (keep) => { const kit = createEvaluatorKit(ctx, keep, evalKeys, needs, model, packed); … })
 */
export function createEvaluatorKit(
  ctx: FheContext,
  keep: SealScope,
  evalKeys: EvaluationKeys,
  needs: ComputeNeeds,
  model: LinearModel | null,
  anyPacked: boolean,
): EvaluatorKit {
  const { seal, evaluator, slots } = ctx;
  const entries: ResultEntry[] = [];
  const blobs: Uint8Array[] = [];
  const emit = (ct: Ciphertext, entry: ResultEntry): void => {
    const primes = ct.coeffModulusSize();
    blobs.push(
      sealTry("Serializing a result", () =>
        packCiphertext(
          ct.saveToArray(seal.ComprModeType.none) as Uint8Array,
          ctx.primeBits.slice(0, primes),
          () => ct.saveToArray(seal.ComprModeType.zstd) as Uint8Array,
        ),
      ),
    );
    entries.push(entry);
  };
  const relin: RelinKeys | undefined = needs.squares
    ? sealTry(
        "Loading the relinearization keys",
        () => {
          const keys = keep.add(new seal.RelinKeys());
          keys.loadFromArray(ctx.context, plainBytes(evalKeys.relinKeys));
          return keys;
        },
        "they do not match the CKKS parameters",
      )
    : undefined;
  const galois: GaloisKeys | undefined = needs.sums || (needs.scores && anyPacked)
    ? sealTry(
        "Loading the Galois keys",
        () => {
          const keys = keep.add(new seal.GaloisKeys());
          keys.loadFromArray(ctx.context, plainBytes(evalKeys.galoisKeys));
          return keys;
        },
        "they do not match the CKKS parameters",
      )
    : undefined;
  if (galois) {
    for (let step = 1; step < slots; step *= 2) {
      if (!galois.hasKey(galoisElement(step, ctx.params.polyModulusDegree))) {
        throw new FheError(
          `The Galois keys lack the rotation by ${step} that slot sums need; regenerate them with generateKeys().`,
        );
      }
    }
  }
  let encryptor: Encryptor | undefined;
  const publicEncryptor = (): Encryptor =>
    (encryptor ??= sealTry("Loading the public key", () => {
      const publicKey = keep.add(new seal.PublicKey());
      publicKey.loadFromArray(ctx.context, plainBytes(evalKeys.publicKey));
      return keep.add(new seal.Encryptor(ctx.context, publicKey));
    }));
  // Constant plaintexts (weights, biases) per level, encoded once.
  const constants = new Map<string, Plaintext | null>();
  const constant = (value: number, scale: number, primes: number): Plaintext | null => {
    const key = `${value}/${scale}/${primes}`;
    if (!constants.has(key)) {
      constants.set(
        key,
        sealTry("Encoding a constant", () => {
          const plain = keep.add(new seal.Plaintext());
          ctx.encoder.encode(new Float64Array(slots).fill(value), scale, plain);
          if (primes < ctx.primeBits.length) evaluator.plainModSwitchToInplace(plain, ctx.parmsIdFor(primes));
          // SEAL refuses to multiply by an all-zero plaintext ("transparent" result): callers skip those.
          return plain.isZero() ? null : plain;
        }),
      );
    }
    return constants.get(key) ?? null;
  };
  // w·x at scale Δ² (or undefined when every weight is zero) → rescaled, plus the bias; all-zero weights: the
  // bias alone, encrypted under the public key.
  const finishScore = (scope: SealScope, score: Ciphertext | undefined, o: number, primes: number): Ciphertext => {
    if (score) {
      evaluator.rescaleToNextInplace(score);
      const bias = model!.bias[o] === 0 ? null : constant(model!.bias[o], score.scale(), primes - 1);
      if (bias) evaluator.addPlainInplace(score, bias);
      return score;
    }
    const plain = constant(model!.bias[o], ctx.params.scale, primes - 1);
    const result = scope.add(new seal.Ciphertext());
    if (plain) publicEncryptor().encrypt(plain, result);
    else {
      const zero = scope.add(new seal.Plaintext());
      ctx.encoder.encode(new Float64Array(slots), ctx.params.scale, zero);
      evaluator.plainModSwitchToInplace(zero, ctx.parmsIdFor(primes - 1));
      publicEncryptor().encrypt(zero, result);
    }
    return result;
  };
  // Adds the rotations by from, 2·from, … below `to`: (1, slots) replicates the sum of all slots in every slot;
  // (1, B) leaves block j's sum in slot j·B; (B, slots) adds the blocks of width B slot by slot.
  const rotateSum = (scope: SealScope, ct: Ciphertext, from = 1, to = slots): void => {
    const rotated = scope.add(new seal.Ciphertext());
    for (let step = from; step < to; step *= 2) {
      evaluator.rotateVector(ct, step, galois!, rotated);
      evaluator.addInplace(ct, rotated);
    }
    scope.free(rotated);
  };
  return { ctx, model, relin, galois, constant, rotateSum, finishScore, emit, entries, blobs };
}

/** SEAL's Galois element for a left rotation by `step` in CKKS: 3^step mod 2N. */
function galoisElement(step: number, n: number): number {
  const m = 2 * n;
  let element = 1;
  for (let i = 0; i < step; i++) element = (element * 3) % m;
  return element;
}
