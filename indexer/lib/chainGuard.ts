// Chain-reset guard, run from ponder.config.ts before Ponder opens its database.
//
// Ponder caches raw chain data (ponder_sync) by chain id and resumes an app schema from its checkpoint. When a
// local node is restarted (same chain id, same contract addresses, different blocks) both are silently stale and
// Ponder never notices. The guard fingerprints the chain by the hash of the deployment block, stores it next to
// the data (a sidecar file for PGlite, a table for Postgres) and on a mismatch either wipes the stale data or
// refuses to start. While running it re-checks the fingerprint and stops Ponder (exit code 75) when the node
// behind the RPC URL is replaced. It also releases the lock a crashed (SIGKILLed) run leaves behind, so a
// restart does not wait ~25 s for Ponder's heartbeat to expire — only when no other indexer can be alive.
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

export type ChainResetPolicy = "wipe" | "refuse";

export type GuardDatabase = { kind: "pglite"; directory: string } | { kind: "postgres"; connectionString: string };

export type GuardChainParameters = {
  network: string;
  chainId: number;
  rpcUrl: string;
  /** The deployment block: its hash is the chain's fingerprint. */
  startBlock: number;
  /** A deployed contract (checked for code: a restarted node without a deployment has none). */
  contract: `0x${string}`;
  database: GuardDatabase;
  /** Ponder's database schema (`--schema`). */
  schema: string;
  onReset: ChainResetPolicy;
  /** Re-check the fingerprint this often while running (0 = never). */
  watchIntervalMs: number;
  log: (level: "info" | "warn" | "error", msg: string) => void;
};

export type Fingerprint = { chainId: number; blockNumber: number; blockHash: string };

/** Stop signal raised by the watchdog (Ponder turns an uncaught error into a graceful exit with code 75). */
export class ChainResetError extends Error {
  override name = "ChainResetError";
}

const SYNC_NAMESPACE = "ponder_sync";

/** A URL safe to print: no credentials, no path or query (API keys often live there). */
export function redactUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "<invalid url>";
  }
}

async function rpc<T>(url: string, method: string, params: unknown[], timeoutMs = 5_000): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`${method}: HTTP ${response.status}`);
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

async function blockHash(url: string, blockNumber: number): Promise<string | null> {
  const block = await rpc<{ hash: string } | null>(url, "eth_getBlockByNumber", [`0x${blockNumber.toString(16)}`, false]);
  return block?.hash.toLowerCase() ?? null;
}

/** Reads the chain's fingerprint, with one-line errors for an unreachable RPC, a wrong chain or a missing deployment. */
export async function readFingerprint(p: Pick<GuardChainParameters, "network" | "chainId" | "rpcUrl" | "startBlock" | "contract">): Promise<Fingerprint> {
  let chainId: number;
  try {
    chainId = Number(await rpc<string>(p.rpcUrl, "eth_chainId", []));
  } catch (err) {
    throw new Error(`cannot reach the ${p.network} RPC at ${redactUrl(p.rpcUrl)} (${(err as Error).message}): is the node running?`);
  }
  if (chainId !== p.chainId) {
    throw new Error(`the ${p.network} RPC at ${redactUrl(p.rpcUrl)} serves chain ${chainId}, but the deployments are for chain ${p.chainId}: check the RPC URL or TWOPM_NETWORK`);
  }
  const hash = await blockHash(p.rpcUrl, p.startBlock);
  const code = hash ? await rpc<string>(p.rpcUrl, "eth_getCode", [p.contract, "latest"]) : "0x";
  if (!hash || code === "0x") {
    throw new Error(`no 2PM contracts on the ${p.network} chain at ${redactUrl(p.rpcUrl)} (deployment block ${p.startBlock}${hash ? "" : " does not exist"}): the node was restarted; run \`npx hardhat deploy --network ${p.network}\` first`);
  }
  return { chainId, blockNumber: p.startBlock, blockHash: hash };
}

function resetMessage(p: GuardChainParameters, where: string, stored: Fingerprint, current: string | null): string {
  return `chain reset detected on ${p.network} (chain ${p.chainId}): block ${stored.blockNumber} is now ${current ?? "missing"}, but ${where} was indexed from ${stored.blockHash}. ` +
    `Restart with INDEXER_ON_CHAIN_RESET=wipe to drop the stale data and re-index, or point the indexer at the chain it indexed`;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A recycled pid of an unrelated process does not count (Linux: look at its command line).
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("ponder");
  } catch {
    return true;
  }
}

// ─── PGlite: sidecar file `<dir>.2pm-chain.json` ──────────────────────────────────────────────────────────────

type Sidecar = { pid: number | null; chains: Record<string, Fingerprint> };

function readSidecar(file: string): Sidecar {
  if (!existsSync(file)) return { pid: null, chains: {} };
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Sidecar;
  } catch {
    return { pid: null, chains: {} };
  }
}

function writeSidecar(file: string, sidecar: Sidecar): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(sidecar, null, 2) + "\n");
  renameSync(tmp, file);
}

async function guardPglite(p: GuardChainParameters, directory: string, fingerprint: Fingerprint): Promise<void> {
  const dir = path.resolve(directory);
  const file = `${dir}.2pm-chain.json`;
  const sidecar = readSidecar(file);
  if (sidecar.pid !== null && pidAlive(sidecar.pid)) {
    throw new Error(`another indexer (pid ${sidecar.pid}) is using the PGlite directory ${dir}: stop it first, or set PONDER_PGLITE_DIR to another directory`);
  }
  const crashed = sidecar.pid !== null;
  const stored = sidecar.chains[String(p.chainId)];
  let wiped = false;
  if (stored && existsSync(dir)) {
    const current = stored.blockNumber === fingerprint.blockNumber ? fingerprint.blockHash : await blockHash(p.rpcUrl, stored.blockNumber);
    if (current !== stored.blockHash) {
      if (p.onReset === "refuse") throw new Error(resetMessage(p, `the PGlite database ${dir}`, stored, current));
      p.log("warn", `chain reset detected on ${p.network}: block ${stored.blockNumber} changed from ${stored.blockHash} to ${current ?? "missing"}; wiping ${dir} and re-indexing`);
      rmSync(dir, { recursive: true, force: true });
      sidecar.chains = {};
      wiped = true;
    }
  }
  if (crashed && !wiped && existsSync(path.join(dir, "PG_VERSION"))) await releasePgliteLock(p, dir);
  await silencePgliteReplyFile(p, dir);
  sidecar.chains[String(p.chainId)] = fingerprint;
  writeSidecar(file, { ...sidecar, pid: process.pid });
  process.once("exit", () => {
    try {
      writeSidecar(file, { ...readSidecar(file), pid: null });
    } catch {}
  });
}

async function releasePgliteLock(p: GuardChainParameters, dir: string): Promise<void> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite(dir);
  try {
    const released = await unlockPonderApp((sql, params) => db.query(sql, params).then((r) => r.rows as Record<string, unknown>[]), p.schema);
    if (released) p.log("warn", `the previous indexer run stopped without unlocking schema "${p.schema}" (crash); released its lock`);
  } finally {
    await db.close();
  }
}

/** The installed PGlite's version (the package Ponder and this guard import). */
async function pgliteVersion(): Promise<string> {
  const { createRequire } = await import("node:module");
  let dir = path.dirname(createRequire(path.join(process.cwd(), "noop.js")).resolve("@electric-sql/pglite"));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
  return pkg.name === "@electric-sql/pglite" ? (pkg.version ?? "") : "";
}

/**
 * PGlite 0.2 (the version Ponder 0.17 pins) opens, truncates, touches and closes `<dir>/.s.PGSQL.5432.out` on the
 * host file system for every protocol message it handles, although replies travel through WASM memory and the file
 * stays empty (checked with replies up to 20 MB). On a real directory those are 4 synchronous syscalls through
 * Emscripten's NODEFS per message — in a profile of the GraphQL server ~20% of its CPU. The file is replaced by a
 * symlink to /dev/null, which Emscripten resolves inside its own virtual file system (a device: no truncation, one
 * readlink left per message). PGlite's initdb wants an empty directory, so a new directory is initialised here first
 * (Ponder then opens it instead of running initdb itself). Other PGlite versions are left alone
 * (INDEXER_PGLITE_REPLY_FILE=keep leaves this one alone too).
 */
async function silencePgliteReplyFile(p: GuardChainParameters, dir: string): Promise<void> {
  if (process.platform === "win32" || process.env.INDEXER_PGLITE_REPLY_FILE === "keep") return;
  try {
    if (!(await pgliteVersion()).startsWith("0.2.")) return;
    if (!existsSync(path.join(dir, "PG_VERSION"))) {
      const { PGlite } = await import("@electric-sql/pglite");
      mkdirSync(dir, { recursive: true });
      const db = new PGlite(dir);
      await db.waitReady;
      await db.close();
    }
    const file = path.join(dir, ".s.PGSQL.5432.out");
    if (existsSync(file) && lstatSync(file).isSymbolicLink()) return;
    rmSync(file, { force: true });
    symlinkSync("/dev/null", file);
  } catch (err) {
    p.log("warn", `could not set up the PGlite reply file in ${dir} (${(err as Error).message}); continuing without`);
  }
}

/** Clears Ponder's `is_locked` flag of an app schema (only called when no other indexer can be using it). */
async function unlockPonderApp(query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>, schema: string): Promise<boolean> {
  const exists = await query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = '_ponder_meta'`, [schema]);
  if (exists.length === 0) return false;
  const quoted = `"${schema.replaceAll('"', '""')}"`;
  const rows = await query(`UPDATE ${quoted}."_ponder_meta" SET value = jsonb_set(value, '{is_locked}', to_jsonb(0)) WHERE key = 'app' AND (value->>'is_locked')::int = 1 RETURNING key`);
  return rows.length > 0;
}

// ─── Postgres: table twopm_indexer.chain_fingerprint + a session advisory lock per app schema ───────────────────

async function guardPostgres(p: GuardChainParameters, connectionString: string, fingerprint: Fingerprint): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString });
  client.on("error", (err) => p.log("warn", `chain guard: lost its database connection (${err.message})`));
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`cannot connect to the Postgres database (${(err as Error).message}): check DATABASE_URL`);
  }
  const query = async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows;
  try {
    // Held for the life of this process: Postgres releases it when the process dies, whatever the cause.
    const [lock] = await query(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [`2pm-indexer:${p.schema}`]);
    if (!lock?.ok) {
      throw new Error(`another indexer is running on database schema "${p.schema}": stop it first, or start this one with another --schema`);
    }
    await query("BEGIN");
    await query(`SELECT pg_advisory_xact_lock(hashtext('2pm-indexer:fingerprints'))`);
    await query(`CREATE SCHEMA IF NOT EXISTS twopm_indexer`);
    await query(`CREATE TABLE IF NOT EXISTS twopm_indexer.chain_fingerprint (
      namespace TEXT NOT NULL, chain_id BIGINT NOT NULL, block_number BIGINT NOT NULL, block_hash TEXT NOT NULL,
      PRIMARY KEY (namespace, chain_id))`);
    const rows = await query(`SELECT namespace, block_number, block_hash FROM twopm_indexer.chain_fingerprint WHERE chain_id = $1 AND namespace = ANY($2)`, [p.chainId, [p.schema, SYNC_NAMESPACE]]);
    const stale: string[] = [];
    for (const row of rows) {
      const stored: Fingerprint = { chainId: p.chainId, blockNumber: Number(row.block_number), blockHash: String(row.block_hash) };
      const current = stored.blockNumber === fingerprint.blockNumber ? fingerprint.blockHash : await blockHash(p.rpcUrl, stored.blockNumber);
      if (current === stored.blockHash) continue;
      const where = row.namespace === SYNC_NAMESPACE ? `the cached chain data (schema ponder_sync)` : `database schema "${row.namespace}"`;
      if (p.onReset === "refuse") throw new Error(resetMessage(p, where, stored, current));
      stale.push(String(row.namespace));
    }
    for (const namespace of stale) {
      if (namespace === SYNC_NAMESPACE) {
        const tables = await query(`SELECT table_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'chain_id'`, [SYNC_NAMESPACE]);
        for (const { table_name } of tables) await query(`DELETE FROM ponder_sync."${String(table_name)}" WHERE chain_id = $1`, [p.chainId]);
        p.log("warn", `chain reset detected on ${p.network}: deleted the cached data of chain ${p.chainId} (ponder_sync, ${tables.length} tables)`);
      } else {
        await query(`DROP SCHEMA IF EXISTS "${namespace.replaceAll('"', '""')}" CASCADE`);
        p.log("warn", `chain reset detected on ${p.network}: dropped database schema "${namespace}"; re-indexing`);
      }
    }
    if (!stale.includes(p.schema) && (await unlockPonderApp(query, p.schema))) {
      p.log("warn", `the previous indexer run stopped without unlocking schema "${p.schema}" (crash); released its lock`);
    }
    for (const namespace of [p.schema, SYNC_NAMESPACE]) {
      await query(`INSERT INTO twopm_indexer.chain_fingerprint (namespace, chain_id, block_number, block_hash) VALUES ($1, $2, $3, $4)
        ON CONFLICT (namespace, chain_id) DO UPDATE SET block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash`,
        [namespace, p.chainId, fingerprint.blockNumber, fingerprint.blockHash]);
    }
    await query("COMMIT");
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  process.once("exit", () => void client.end().catch(() => {}));
}

// ─── Watchdog ─────────────────────────────────────────────────────────────────────────────────────────────────

function watch(p: GuardChainParameters, fingerprint: Fingerprint): void {
  if (p.watchIntervalMs <= 0) return;
  let checking = false;
  const timer = setInterval(async () => {
    if (checking) return;
    checking = true;
    let problem: string | undefined;
    try {
      const chainId = Number(await rpc<string>(p.rpcUrl, "eth_chainId", [], 2_000));
      const current = chainId === p.chainId ? await blockHash(p.rpcUrl, fingerprint.blockNumber) : null;
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
