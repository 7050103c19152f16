import { writeContainerFile } from "./container.ts";
import type { FheContext } from "./createFheContext.ts";
import { encryptBlobs, planEncryption } from "./encryptTable.ts";
import type { EncryptTableParameters } from "./encryptTable.ts";
import type { FhedHeader } from "./fhedHeader.ts";
import { makeYielder } from "./seal.ts";
import type { OnProgress } from "./types.ts";

export type WriteFhedFileReturnType = { path: string; bytes: number; header: FhedHeader };

/**
 * Encrypts a table straight into a `.fhed` file, writing each ciphertext as soon as it is made (the file is never
 * held in memory) into a temp file that is renamed into place at the end.
 *
 * @example
 * const { bytes, header } = await writeFhedFile(ctx, "penguins.fhed", { features, columns, keys, schemaHash });
 */
export async function writeFhedFile(
  ctx: FheContext,
  path: string,
  params: EncryptTableParameters,
  onProgress?: OnProgress,
): Promise<WriteFhedFileReturnType> {
  const header = planEncryption(ctx, params);
  const pause = makeYielder();
  async function* blobs(): AsyncGenerator<Uint8Array> {
    let done = 0;
    for (const blob of encryptBlobs(ctx, header, params)) {
      yield blob;
      onProgress?.(++done, header.ciphertexts);
      await pause();
    }
  }
  const bytes = await writeContainerFile(path, "data", header, header.ciphertexts, blobs());
  return { path, bytes, header };
}
