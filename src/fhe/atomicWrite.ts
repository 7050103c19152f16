// Internal: atomic file writes (temp file in the same directory + rename), so no half-written file is ever seen.
import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Writes through `write(handle)` into a temp file, fsyncs, then renames over `path`. */
export async function writeAtomic(
  path: string,
  write: (handle: FileHandle) => Promise<void>,
  mode = 0o644,
): Promise<void> {
  const temp = tempPathFor(path);
  const handle = await open(temp, "wx", mode);
  let ok = false;
  try {
    await handle.chmod(mode); // open() applies the umask; set the exact mode asked for
    await write(handle);
    await handle.sync();
    ok = true;
  } finally {
    await handle.close();
    if (!ok) await unlink(temp).catch(() => {});
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/** Writes `data` to `path` atomically. */
export function writeFileAtomic(path: string, data: Uint8Array, mode = 0o644): Promise<void> {
  return writeAtomic(
    path,
    async (handle) => {
      await handle.writeFile(data);
    },
    mode,
  );
}
