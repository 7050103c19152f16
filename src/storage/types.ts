import type { Hex } from "viem";

/**
 * A content-addressed byte store: objects are named by their 0G storage Merkle root, and every read is verified
 * against that root, so a reader never has to trust the store.
 */
export interface ContentStore {
  /** Stores `bytes` and returns their 0G Merkle root. Idempotent. */
  put(bytes: Uint8Array): Promise<Hex>;
  /** Returns the bytes stored under `root`; throws when missing or when they do not hash to `root`. */
  get(root: Hex): Promise<Uint8Array>;
  /** Whether an object is stored under `root` (no integrity check: use `get` for that). */
  has(root: Hex): Promise<boolean>;
}
