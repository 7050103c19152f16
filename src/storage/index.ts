export { canonicalJson, canonicalJsonBytes } from "./canonicalJson.ts";
export { writeFileAtomic, writePrivateFile, type WriteFileAtomicOptions } from "./atomicWrite.ts";
export { ObjectNotFoundError, RootMismatchError, StorageError } from "./errors.ts";
export { getJson, putJson, type ParseSchema } from "./json.ts";
export { localStore, type LocalStore } from "./localStore.ts";
export { assertRoot, ROOT_PATTERN } from "./root.ts";
export { CHUNK_SIZE, merkleRoot, SEGMENT_MAX_CHUNKS, SEGMENT_SIZE, type MerkleRootOptions } from "./merkleRoot.ts";
export { merkleRootOfFile } from "./merkleRootOfFile.ts";
export { openStore, type OpenStoreParameters } from "./openStore.ts";
export type { ContentStore } from "./types.ts";
export { zeroGStore, type ZeroGStore, type ZeroGStoreParameters } from "./zeroGStore.ts";
export {
  STORAGE_GATEWAY_DEFAULTS,
  STORAGE_PATH,
  storageGatewayHandler,
  type StorageGatewayHandler,
  type StorageGatewayHandlerParameters,
} from "./gateway.ts";
export { storageGateway, type StorageGatewayParameters, type StorageGatewayStore } from "./storageGateway.ts";
