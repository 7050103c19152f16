import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Hex } from "viem";
import { writeFileAtomic } from "./atomicWrite.ts";
import { ObjectNotFoundError, RootMismatchError, StorageError } from "./errors.ts";
import { merkleRoot } from "./merkleRoot.ts";
import { assertRoot } from "./root.ts";
import type { ContentStore } from "./types.ts";

export { assertRoot } from "./root.ts";

export type LocalStore = ContentStore & {
  readonly kind: "local";
  /** Absolute directory holding one file per object, named by its root. */
  readonly dir: string;
  /** Path of the file that holds (or would hold) the object `root`. */
  pathOf(root: Hex): string;
};

/**
 * A content-addressed store in a local directory: object `root` is the file `<dir>/<root>`, written atomically,
 * and verified against its root on every `get`.
 *
 * @example
 * const store = localStore(".2pm/store")
 * const root = await store.put(new TextEncoder().encode("hello"))
 * const bytes = await store.get(root) // throws if the file was altered
 */
export function localStore(dir: string): LocalStore {
  const base = resolve(dir);
  const pathOf = (root: Hex) => join(base, assertRoot(root));
  return {
    kind: "local",
    dir: base,
    pathOf,
    async put(bytes) {
      const root = merkleRoot(bytes);
      // Always rewritten (cheaper than re-hashing the old copy, and it repairs a corrupted one).
      try {
        await writeFileAtomic(pathOf(root), bytes);
      } catch (error) {
        throw new StorageError(`could not write object ${root} to the local store ${base}: ${reason(error)}`, {
          cause: error,
        });
      }
      return root;
    },
    async get(root) {
      const path = pathOf(root);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch (error) {
        if (isCode(error, "ENOENT")) {
          throw new ObjectNotFoundError(
            `no object ${root} in the local store ${base}: fetch it from its owner or from 0G storage (set ZG_INDEXER_URL)`,
            { cause: error },
          );
        }
        throw new StorageError(`could not read object ${root} from the local store ${base}: ${reason(error)}`, {
          cause: error,
        });
      }
      const actual = bytes.length === 0 ? "(empty file)" : merkleRoot(bytes);
      if (actual !== root) {
        throw new RootMismatchError(
          `stored bytes for ${root} do not match their root: the file was tampered with or corrupted (${path})`,
          { details: `the ${bytes.length} bytes in ${path} have root ${actual}` },
        );
      }
      return bytes;
    },
    async has(root) {
      try {
        return (await stat(pathOf(root))).isFile();
      } catch (error) {
        if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return false;
        throw error;
      }
    },
  };
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
