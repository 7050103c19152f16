import { keccak256 } from "viem";
import type { Hex } from "viem";
import { assertUsable } from "./createFheContext.ts";
import type { FheContext } from "./createFheContext.ts";
import { sealTry, withScope } from "./seal.ts";
import type { FheKeys } from "./types.ts";

/**
 * Rotation steps the compute path needs: powers of two below the slot count (log-depth slot sums).
 *
 * @example
 * rotationSteps(4096); // [1, 2, 4, …, 2048]
 */
export function rotationSteps(slots: number): number[] {
  const steps: number[] = [];
  for (let step = 1; step < slots; step *= 2) steps.push(step);
  return steps;
}

/**
 * keyId = keccak256 of the serialized public key bytes.
 *
 * @example
 * computeKeyId(keys.publicKey) === keys.keyId; // true
 */
export function computeKeyId(publicKey: Uint8Array): Hex {
  return keccak256(publicKey);
}

/**
 * Generates a CKKS key set: public, secret, relinearization and Galois keys (only the power-of-two rotations
 * the slot sums use, which halves the Galois keys). All are returned serialized (SEAL format, zstd).
 *
 * @example
 * const ctx = await createFheContext();
 * const keys = generateKeys(ctx);
 * await saveKeys(".2pm/keys", keys); // .2pm/keys/<keyId>/{public,secret,relin,galois}.key
 */
export function generateKeys(ctx: FheContext): FheKeys {
  assertUsable(ctx);
  const { seal } = ctx;
  const zstd = seal.ComprModeType.zstd;
  return withScope((scope) =>
    sealTry("Generating CKKS keys", () => {
      const generator = scope.add(new seal.KeyGenerator(ctx.context));
      const secretKey = scope.add(generator.secretKey()).saveToArray(zstd) as Uint8Array;
      // Seeded ("serializable") forms store half of each key; they expand when loaded.
      const publicKey = scope.add(generator.createPublicKeySerializable()).saveToArray(zstd) as Uint8Array;
      const relinKeys = scope.add(generator.createRelinKeysSerializable()).saveToArray(zstd) as Uint8Array;
      const galoisKeys = scope
        .add(generator.createGaloisKeysSerializableWithSteps(Int32Array.from(rotationSteps(ctx.slots))))
        .saveToArray(zstd) as Uint8Array;
      return { keyId: computeKeyId(publicKey), publicKey, secretKey, relinKeys, galoisKeys };
    }),
  );
}
