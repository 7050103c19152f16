// GraphQL over the indexed tables at /graphql (and /, for clients that post to the root). Ponder itself serves
// /ready, /status, /health and /metrics.
//
// Frontends poll the same few queries; each costs ~4 ms of CPU (GraphQL parse/validate + PGlite), so identical
// POST bodies are answered from memory while the indexed checkpoint is unchanged. The checkpoint is re-read at
// most every CHECK_MS, so a cached answer is at most that much older than the indexed data.
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono, type MiddlewareHandler } from "hono";
import { graphql, sql } from "ponder";

const CHECK_MS = 25;
const MAX_ENTRIES = 2_000;
const MAX_BODY_BYTES = 512 * 1024;

const namespace = (globalThis as { PONDER_NAMESPACE_BUILD?: { schema: string } }).PONDER_NAMESPACE_BUILD?.schema ?? "public";
const checkpointSql = sql.raw(`SELECT string_agg(latest_checkpoint, ',' ORDER BY chain_id) AS v FROM "${namespace.replaceAll('"', '""')}"."_ponder_checkpoint"`);

let version = "";
let checkedAt = 0;
let checking: Promise<void> | undefined;
const cache = new Map<string, string>();

async function currentVersion(): Promise<string> {
  if (Date.now() - checkedAt >= CHECK_MS) {
    checking ??= (async () => {
      try {
        const result = (await db.execute(checkpointSql)) as unknown as { rows: { v: string | null }[] };
        const next = result.rows[0]?.v ?? "";
        if (next !== version) cache.clear();
        version = next;
        checkedAt = Date.now();
      } finally {
        checking = undefined;
      }
    })();
    await checking;
  }
  return version;
}

// PGlite has no autovacuum, so its tables are never analyzed: without statistics the planner takes a 20,000-row
// table for a few dozen rows and answers `datasets(where: { schemaId }, orderBy: "id", limit: 50)` by reading and
// sorting every matching row (~25 ms) instead of walking an index (<1 ms). So the app's tables are ANALYZEd when the
// indexed data changed: at first every second (while a backfill fills them), then twice as long after each run, up
// to every ANALYZE_MAX_MS, and never more than ~2% of the time (ANALYZE samples at most 30,000 rows per table: tens
// of milliseconds). Harmless on PostgreSQL, where it gets statistics in place before autovacuum's first pass.
const ANALYZE_MIN_MS = 1_000;
const ANALYZE_MAX_MS = 300_000;
const ANALYZE_CHECK_MS = 500;
const quotedNamespace = `"${namespace.replaceAll('"', '""')}"`;
const tablesSql = sql.raw(`SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') AS t FROM pg_tables WHERE schemaname = '${namespace.replaceAll("'", "''")}' AND left(tablename, 1) <> '_'`);
let analyzedVersion: string | undefined;
let analyzedAt = 0;
let analyzeCostMs = 0;
let analyzeRuns = 0;
let analyzeWarned = false;
const analyzer = setInterval(async () => {
  const interval = Math.max(Math.min(ANALYZE_MIN_MS * 2 ** analyzeRuns, ANALYZE_MAX_MS), 50 * analyzeCostMs);
  if (Date.now() - analyzedAt < interval) return;
  try {
    const seen = await currentVersion();
    if (seen === "" || seen === analyzedVersion) return;
    const started = performance.now();
    const tables = ((await db.execute(tablesSql)) as unknown as { rows: { t: string | null }[] }).rows[0]?.t;
    if (!tables) return;
    await db.execute(sql.raw(`ANALYZE ${tables}`));
    analyzeCostMs = performance.now() - started;
    analyzedVersion = seen;
    analyzedAt = Date.now();
    analyzeRuns++;
  } catch (err) {
    // Tables not created yet, or shutting down: try again later.
    analyzedAt = Date.now();
    analyzeCostMs = 200;
    if (!analyzeWarned) console.warn(`indexer api: ANALYZE of schema ${quotedNamespace} failed (${(err as Error).message}); retrying every 10 s`);
    analyzeWarned = true;
  }
}, ANALYZE_CHECK_MS);
analyzer.unref();

const gql = graphql({ db, schema });

const cachedGraphql: MiddlewareHandler = async (c, next) => {
  if (c.req.method !== "POST") return gql(c, next);
  const body = await c.req.raw.clone().text();
  const seen = await currentVersion();
  const hit = cache.get(body);
  if (hit !== undefined) return c.body(hit, 200, { "content-type": "application/json; charset=utf-8", "x-cache": "hit" });
  const response = (await gql(c, next)) as Response;
  const text = await response.clone().text();
  // Only store what was computed against the checkpoint seen before the query ran.
  if (response.status === 200 && seen === version && text.length <= MAX_BODY_BYTES && !text.includes('"errors"')) {
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(body, text);
  }
  return response;
};

const app = new Hono();
app.use("/graphql", cachedGraphql);
app.use("/", cachedGraphql);

export default app;
