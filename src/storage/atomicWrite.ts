import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export type WriteFileAtomicOptions = {
  /** File mode of the new file (e.g. 0o600 for keys). Default 0o644 before umask. */
  mode?: number;
};

/**
 * Writes `data` to `path` atomically: a temporary file in the same directory, then a rename over `path`. Readers
 * see the old file or the whole new one, never half of it; on failure the temporary file is removed and the
 * error rethrown. Creates the parent directory.
 *
 * @example
 * await writeFileAtomic(".2pm/store/0xab…", bytes)
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // Dot-prefixed and random: never mistaken for a stored object, never shared by two concurrent writers.
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, data, { mode: options.mode ?? 0o644, flag: "wx", flush: true });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
