// The data owner's publishing protocol: prepare → (encrypt →) check on chain → store → register / update / retire.
// A protocol module: it imports src/chain, src/storage, src/fhe and src/data; nothing in src/data outside this
// folder imports it (src/data stays the pure table layer). The CLI (`2pm data`) parses, prints and calls.
export { encryptDataset, encryptDatasetForCommittee } from "./encryptDataset.ts";
export type { EncryptDatasetForCommitteeParameters, EncryptDatasetParameters } from "./encryptDataset.ts";
export { ownedActiveDataset, retireOwnDataset } from "./ownedActiveDataset.ts";
export { publishDataset } from "./publishDataset.ts";
export type { PublishDatasetParameters, PublishDatasetReturnType } from "./publishDataset.ts";
export { publishDatasetVersion } from "./publishDatasetVersion.ts";
export type { PublishDatasetVersionParameters, PublishDatasetVersionReturnType } from "./publishDatasetVersion.ts";
export { storeDataset } from "./storeDataset.ts";
export type { Commitment, StoreDatasetParameters, StoredDataset } from "./storeDataset.ts";
