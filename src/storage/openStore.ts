import { join } from "node:path";
import { StorageError } from "./errors.ts";
import { localStore, type LocalStore } from "./localStore.ts";
import { zeroGStore, type ZeroGStore, type ZeroGStoreParameters } from "./zeroGStore.ts";

export type OpenStoreParameters = {
  /** The 2PM home directory (e.g. `.2pm`); the local store is `<home>/store`. */
  home: string;
  /** Environment to read ZG_INDEXER_URL, ZG_RPC_URL, ZG_PRIVATE_KEY from. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Extra options for the 0G store (timeouts, log sink). */
  zeroG?: Omit<ZeroGStoreParameters, "indexerUrl" | "rpcUrl" | "privateKey">;
};

/**
 * The store the user configured: 0G storage when ZG_INDEXER_URL is set (then ZG_RPC_URL and ZG_PRIVATE_KEY are
 * required), otherwise the local store `<home>/store`.
 *
 * @example
 * const store = openStore({ home: ".2pm" })
 * const root = await store.put(bytes)
 */
export function openStore(parameters: OpenStoreParameters): LocalStore | ZeroGStore {
  const env = parameters.env ?? process.env;
  const indexerUrl = env.ZG_INDEXER_URL?.trim();
  if (!indexerUrl) return localStore(join(parameters.home, "store"));
  const rpcUrl = env.ZG_RPC_URL?.trim();
  const privateKey = env.ZG_PRIVATE_KEY?.trim();
  for (const [name, value] of [["ZG_RPC_URL", rpcUrl], ["ZG_PRIVATE_KEY", privateKey]] as const) {
    if (!value) {
      throw new StorageError(
        `ZG_INDEXER_URL is set but ${name} is not: set ${name} too, or unset ZG_INDEXER_URL to use the local store`,
      );
    }
  }
  return zeroGStore({ ...parameters.zeroG, indexerUrl, rpcUrl: rpcUrl!, privateKey: privateKey! });
}
