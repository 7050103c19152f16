import type { CKKSEncoder, Evaluator, ParmsIdType, SEALContext } from "node-seal";
import { FheError, FheParameterError } from "./errors.ts";
import { DEFAULT_FHE_PARAMS, checkFheParams, describeParams } from "./params.ts";
import type { FheParams } from "./params.ts";
import { SealScope, loadSeal, sealTry } from "./seal.ts";
import type { SealModule } from "./seal.ts";

/**
 * A CKKS context: the SEAL module plus the objects every operation shares. It owns WASM memory: call
 * `dispose()` when done. The SEAL handles are exposed for the functions of this module; treat them as internal.
 */
export type FheContext = {
  readonly params: FheParams;
  /** Values per ciphertext (N/2). */
  readonly slots: number;
  /** Bit sizes of the actual data primes q0…q(L-1), the special prime excluded. */
  readonly primeBits: readonly number[];
  readonly seal: SealModule;
  readonly context: SEALContext;
  readonly encoder: CKKSEncoder;
  readonly evaluator: Evaluator;
  /** parms_id of the level whose ciphertexts have `primes` data primes (1 … primeBits.length). */
  parmsIdFor(primes: number): ParmsIdType;
  readonly disposed: boolean;
  /** Frees the SEAL objects. Idempotent. */
  dispose(): void;
};

export type CreateFheContextParameters = Partial<FheParams>;

/**
 * Creates a CKKS context, refusing parameters below 128-bit security.
 *
 * @example
 * const ctx = await createFheContext(); // N=8192, [60,40,40,60], scale 2^40
 * try { … } finally { ctx.dispose(); }
 */
export async function createFheContext(params: CreateFheContextParameters = {}): Promise<FheContext> {
  const seal = await loadSeal();
  const checked = checkFheParams(seal, { ...DEFAULT_FHE_PARAMS, ...params });
  const scope = new SealScope();
  try {
    const context = sealTry("Creating the CKKS context", () => {
      const parms = scope.add(new seal.EncryptionParameters(seal.SchemeType.ckks));
      parms.setPolyModulusDegree(checked.polyModulusDegree);
      const moduli = scope.add(
        seal.CoeffModulus.Create(checked.polyModulusDegree, Int32Array.from(checked.coeffModulusBits)),
      );
      parms.setCoeffModulus(moduli);
      return new seal.SEALContext(parms, true, seal.SecLevelType.tc128);
    });
    if (!context.parametersSet()) {
      context.delete();
      throw new FheParameterError(`SEAL rejected the CKKS parameters (${describeParams(checked)}).`, {
        details: "SEALContext.parametersSet() is false: the primes could not be created or are insecure for N.",
      });
    }
    const keep = new SealScope();
    keep.add(context);
    try {
      // Walk the modulus chain from the first data level down to the last (chainIndex 0). The last level's
      // nextContextData() is a null handle, not null, so the loop stops on the chain index.
      const parmsIds: ParmsIdType[] = [];
      let data = scope.add(context.firstContextData());
      const firstModuli = scope.add(scope.add(data.parms()).coeffModulus());
      const primeBits: number[] = [];
      for (let i = 0; i < firstModuli.size(); i++) primeBits.push(scope.add(firstModuli.get(i)!).bitCount());
      for (;;) {
        parmsIds.unshift(keep.add(data.parmsId()));
        if (data.chainIndex() === 0) break;
        data = scope.add(data.nextContextData());
      }
      const encoder = keep.add(new seal.CKKSEncoder(context));
      const evaluator = keep.add(new seal.Evaluator(context));
      let disposed = false;
      const slots = encoder.slotCount();
      return {
        params: checked,
        slots,
        primeBits,
        seal,
        context,
        encoder,
        evaluator,
        parmsIdFor(primes: number): ParmsIdType {
          const id = parmsIds[primes - 1];
          if (!id) throw new FheError(`No CKKS level with ${primes} primes (the chain has 1 to ${parmsIds.length}).`);
          return id;
        },
        get disposed() {
          return disposed;
        },
        dispose() {
          if (disposed) return;
          disposed = true;
          keep.dispose();
        },
      };
    } catch (error) {
      keep.dispose();
      throw error;
    }
  } finally {
    scope.dispose();
  }
}

/** Throws a clear error when a disposed context is used. */
export function assertUsable(ctx: FheContext): void {
  if (ctx.disposed) throw new FheError("This FHE context was disposed; create a new one with createFheContext().");
}
