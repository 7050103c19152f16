import { TwoPmError } from "../errors.ts";

/** Base class of the storage errors (content-addressed stores, Merkle roots). */
export class StorageError extends TwoPmError {
  override name = "StorageError";
}

/** The store has no object under the requested root. */
export class ObjectNotFoundError extends StorageError {
  override name = "ObjectNotFoundError";
}

/** The bytes read back do not hash to the root they were requested by: tampering or corruption. */
export class RootMismatchError extends StorageError {
  override name = "RootMismatchError";
}
