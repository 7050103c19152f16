// Chain-reset guard, run from ponder.config.ts before Ponder opens its database.
//
// Ponder caches raw chain data (ponder_sync) by chain id and resumes an app schema from its checkpoint. When a
// local node is restarted (same chain id, same contract addresses, different blocks) both are silently stale and
// Ponder never notices. The guard fingerprints the chain by the hash of the deployment block, stores it next to
// the data (a sidecar file for PGlite, a table for Postgres) and on a mismatch either wipes the stale data or
// refuses to start. While running it re-checks the fingerprint and stops Ponder (exit code 75) when the node
// behind the RPC URL is replaced. It also releases the lock a crashed (SIGKILLed) run leaves behind, so a
// restart does not wait ~25 s for Ponder's heartbeat to expire — only when no other indexer can be alive.
//
// The parts: chainGuard/fingerprint.ts (chain reads through viem), pglite.ts, postgres.ts, and ponderInternals.ts
// (the edits of Ponder's and PGlite's internals, each checked against the installed package version).
import { blockHash, chainClient, readFingerprint, type Fingerprint, type GuardChainParameters } from "./chainGuard/fingerprint.ts";
import { guardPglite } from "./chainGuard/pglite.ts";
import { guardPostgres } from "./chainGuard/postgres.ts";

export type { ChainResetPolicy, GuardChainParameters, GuardDatabase } from "./chainGuard/fingerprint.ts";

/** Stop signal raised by the watchdog (Ponder turns an uncaught error into a graceful exit with code 75). */
export class ChainResetError extends Error {
  override name = "ChainResetError";
}

function watch(p: GuardChainParameters, fingerprint: Fingerprint): void {
  if (p.watchIntervalMs <= 0) return;
  const client = chainClient(p.rpcUrl, 2_000);
  let checking = false;
  const timer = setInterval(async () => {
    if (checking) return;
    checking = true;
    let problem: string | undefined;
    try {
      const chainId = await client.getChainId();
      const current = chainId === p.chainId ? await blockHash(client, fingerprint.blockNumber) : null;
      if (chainId !== p.chainId) problem = `the RPC now serves chain ${chainId}`;
      else if (current !== fingerprint.blockHash) problem = `block ${fingerprint.blockNumber} is now ${current ?? "missing"} (was ${fingerprint.blockHash})`;
    } catch {
      // Node down or restarting: nothing is known yet; check again later.
    } finally {
      checking = false;
    }
    if (problem) {
      clearInterval(timer);
      p.log("error", `chain reset detected on ${p.network} while indexing: ${problem}; stopping (restart the indexer to ${p.onReset === "wipe" ? "re-index the new chain" : "see the options"})`);
      // Ponder turns an uncaught error into its graceful shutdown with exit code 75 ("restart me").
      setImmediate(() => {
        throw new ChainResetError(`chain reset detected on ${p.network}: ${problem}`);
      });
    }
  }, p.watchIntervalMs);
  timer.unref();
}

type GuardState = { key: string; done: Promise<void> };
const globalState = globalThis as typeof globalThis & { __twopmChainGuard?: GuardState };

/**
 * Checks the chain against the fingerprint stored with the indexed data, wipes or refuses on a reset, releases a
 * crashed run's lock and starts the watchdog. Idempotent within a process (Ponder may re-execute the config).
 * @example await guardChain({ network: "localhost", chainId: 31337, rpcUrl, startBlock: 1, contract, database: { kind: "pglite", directory }, schema: "public", onReset: "wipe", watchIntervalMs: 1000, log: console.log })
 */
export function guardChain(p: GuardChainParameters): Promise<void> {
  const key = JSON.stringify([p.chainId, p.rpcUrl, p.startBlock, p.database, p.schema]);
  if (globalState.__twopmChainGuard?.key === key) return globalState.__twopmChainGuard.done;
  const done = (async () => {
    const fingerprint = await readFingerprint(p);
    if (p.database.kind === "postgres") await guardPostgres(p, p.database.connectionString, fingerprint);
    else if (p.database.directory !== "memory://") await guardPglite(p, p.database.directory, fingerprint);
    watch(p, fingerprint);
  })();
  globalState.__twopmChainGuard = { key, done };
  return done;
}
