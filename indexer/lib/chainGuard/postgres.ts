// The guard on Postgres: fingerprints in the table twopm_indexer.chain_fingerprint (one row per app schema and one
// for ponder_sync), and a session advisory lock per app schema, which Postgres releases when the process dies.
import { currentHashOf, resetMessage, type Fingerprint, type GuardChainParameters } from "./fingerprint.ts";
import { installedVersion, internalPatches, patchMismatch, releaseCrashedLock } from "./ponderInternals.ts";

const SYNC_NAMESPACE = "ponder_sync";

export async function guardPostgres(p: GuardChainParameters, connectionString: string, fingerprint: Fingerprint): Promise<void> {
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
      const current = await currentHashOf(p, stored, fingerprint);
      if (current === stored.blockHash) continue;
      const where = row.namespace === SYNC_NAMESPACE ? `the cached chain data (schema ponder_sync)` : `database schema "${row.namespace}"`;
      if (p.onReset === "refuse") throw new Error(resetMessage(p, where, stored, current));
      stale.push(String(row.namespace));
    }
    for (const namespace of stale) {
      if (namespace === SYNC_NAMESPACE) {
        const mismatch = patchMismatch(internalPatches.wipeSyncCache, installedVersion("ponder"));
        if (mismatch) throw new Error(`chain reset detected on ${p.network}, and the cached chain data of chain ${p.chainId} (schema ponder_sync) must go, but ${mismatch}; or drop the schema ponder_sync by hand`);
        const tables = await query(`SELECT table_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'chain_id'`, [SYNC_NAMESPACE]);
        for (const { table_name } of tables) await query(`DELETE FROM ponder_sync."${String(table_name)}" WHERE chain_id = $1`, [p.chainId]);
        p.log("warn", `chain reset detected on ${p.network}: deleted the cached data of chain ${p.chainId} (ponder_sync, ${tables.length} tables)`);
      } else {
        await query(`DROP SCHEMA IF EXISTS "${namespace.replaceAll('"', '""')}" CASCADE`);
        p.log("warn", `chain reset detected on ${p.network}: dropped database schema "${namespace}"; re-indexing`);
      }
    }
    if (!stale.includes(p.schema)) await releaseCrashedLock(query, p.schema, p.log);
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
