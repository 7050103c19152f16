import { assertUsable } from "./createFheContext.ts";
import type { FheContext } from "./createFheContext.ts";
import { assertKey, assertParams, decryptValues, loadCiphertext, noiseError, secretKeyDecryptor } from "./checks.ts";
import { openFhed, slotCells } from "./fhedHeader.ts";
import type { FhedHeader } from "./fhedHeader.ts";
import { valueLimit } from "./headroom.ts";
import { makeYielder, sealTry, withScope, withScopeAsync } from "./seal.ts";
import type { Matrix } from "../data/matrix.ts";
import type { OnProgress, SecretKeyMaterial } from "./types.ts";

export type DecryptTableReturnType = { header: FhedHeader; columns: string[]; features: Matrix };

/** Values of padding slots above this mean the plaintext was not what encryptTable wrote. */
const PADDING_TOLERANCE = 1e-3;

/**
 * Decrypts a `.fhed` file back into its row-major matrix. Checks the header's keyId against the key first, so a
 * wrong key fails with a clear message instead of noise.
 *
 * @example
 * const { columns, features } = await decryptTable(ctx, fhedBytes, keys); // keys: { keyId, secretKey }
 */
export async function decryptTable(
  ctx: FheContext,
  bytes: Uint8Array,
  keys: SecretKeyMaterial,
  onProgress?: OnProgress,
): Promise<DecryptTableReturnType> {
  assertUsable(ctx);
  const { header, container } = openFhed(bytes);
  assertKey("file", header.keyId, keys.keyId);
  assertParams("file", header.params, ctx);
  const { rows, columns, ciphertextPrimes: primes } = header;
  const cols = columns.length;
  const slots = ctx.slots;
  const data = new Float64Array(rows * cols);
  const limit = valueLimit(ctx, primes);
  const pause = makeYielder();
  await withScopeAsync(async (outer) => {
    const decryptor = secretKeyDecryptor(ctx, outer, keys.secretKey);
    for (let i = 0; i < header.ciphertexts; i++) {
      const cells = slotCells(header, i);
      const values = withScope((scope) => {
        const ct = loadCiphertext(ctx, scope, container.blob(i), `ciphertext ${i}`, primes);
        return sealTry("Decrypting", () => decryptValues(ctx, scope, decryptor, ct));
      });
      for (let s = 0; s < slots; s++) {
        const v = values[s];
        if (!(Math.abs(v) <= (cells[s] >= 0 ? limit : PADDING_TOLERANCE))) throw noiseError("file");
        if (cells[s] >= 0) data[cells[s]] = v;
      }
      onProgress?.(i + 1, header.ciphertexts);
      await pause();
    }
  });
  return { header, columns: [...columns], features: { rows, cols, data } };
}
