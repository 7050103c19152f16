export { canonicalJson, canonicalJsonBytes } from "./canonicalJson.ts";
export { writeFileAtomic, writePrivateFile, type WriteFileAtomicOptions } from "./atomicWrite.ts";
export { ObjectNotFoundError, RootMismatchError, StorageError } from "./errors.ts";
export { getJson, putJson, type ParseSchema } from "./json.ts";
export { assertRoot, localStore, type LocalStore } from "./localStore.ts";
export {
  CHUNK_SIZE,
  merkleRoot,
  merkleRootOfFile,
  SEGMENT_MAX_CHUNKS,
  SEGMENT_SIZE,
  type MerkleRootOptions,
} from "./merkleRoot.ts";
export { openStore, type OpenStoreParameters } from "./openStore.ts";
export type { ContentStore } from "./types.ts";
export { zeroGStore, type ZeroGStore, type ZeroGStoreParameters } from "./zeroGStore.ts";
