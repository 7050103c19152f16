import { openFher } from "./resultHeader.ts";
import type { FherHeader } from "./resultHeader.ts";

/**
 * Reads and validates the public header of an encrypted result (which ops, model, rows, keyId).
 *
 * @example
 * const { keyId, ops } = readFherHeader(fherBytes);
 */
export function readFherHeader(bytes: Uint8Array): FherHeader {
  return openFher(bytes).header;
}
