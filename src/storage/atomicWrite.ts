// Atomic file writes (temp file in the same directory + rename): no reader ever sees a half-written file, and a
// failed write leaves nothing behind.
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** A temporary path next to `path`: dot-prefixed and random, so never mistaken for a stored object or shared. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
}

export type WriteFileAtomicOptions = {
  /** File mode of the new file (e.g. 0o600 for keys). Default 0o644 before umask. */
  mode?: number;
};

/**
 * Writes `data` to `path` atomically (see `writeAtomic`). Creates the parent directory.
 *
 * @example
 * await writeFileAtomic(".2pm/store/0xab…", bytes)
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeAtomic(path, (handle) => handle.writeFile(data), options.mode);
}

/**
 * Streams a file atomically: `write(handle)` fills a temporary file in the same directory (created with `mode`
 * before umask), which is fsynced and renamed over `path`. Readers see the old file or the whole new one, never
 * half of it; on failure the temporary file is removed and the error rethrown.
 *
 * @example
 * await writeAtomic("data.fhed", async (handle) => { for (const blob of blobs) await handle.write(blob) })
 */
export async function writeAtomic(path: string, write: (handle: FileHandle) => Promise<void>, mode = 0o644): Promise<void> {
  const temp = tempPathFor(path);
  const handle = await open(temp, "wx", mode);
  try {
    await write(handle);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes a private file (plaintext data, keys): the file 0600 and every directory it creates 0700, so no other
 * account on the machine can read it. Directories that already exist keep their mode.
 *
 * @example
 * await writePrivateFile(".2pm/datasets/0xab…/data.csv", bytes)
 */
export async function writePrivateFile(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeAtomic(path, (handle) => handle.writeFile(data), 0o600);
}
