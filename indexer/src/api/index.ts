// GraphQL over the indexed tables at /graphql (and /, for clients that post to the root). Ponder itself serves
// /ready, /status, /health and /metrics.
//
// Every POST is checked before it runs (guard.ts: body shape, list arguments, rows the query may read, limits.ts)
// and answered within the timeout. GET serves a small query page from this process (Ponder's GraphiQL loads its
// scripts from a CDN).
//
// Frontends poll the same few queries; each costs ~4 ms of CPU (GraphQL parse/validate + PGlite), so identical
// POST bodies are answered from memory while the indexed checkpoint is unchanged. The checkpoint is re-read at
// most every CHECK_MS, so a cached answer is at most that much older than the indexed data.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { graphql, sql } from "ponder";
import type { GraphQLSchema } from "graphql";
import { checkGraphQLRequest, withTimeout } from "./guard.ts";
import { limitVariable, queryLimitsFromEnv } from "./limits.ts";
import { queryPage } from "./queryPage.ts";

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
// `ponder serve` replicas only read (and may read views): the `ponder start` instance analyzes.
const serving = (globalThis as { PONDER_COMMON?: { options: { command: string } } }).PONDER_COMMON?.options.command === "serve";
const analyzer = setInterval(async () => {
  if (serving) return;
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
const limits = queryLimitsFromEnv();
// The GraphQL schema Ponder serves, built by Ponder's own function, so the guard prices exactly the fields Ponder
// runs. The package does not export it (and Ponder's module runner has no import.meta.resolve): its file is found in
// the nearest node_modules/ponder (Ponder is pinned to 0.17.7).
const ponderGraphqlFile = (() => {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, "node_modules/ponder/dist/esm/graphql/index.js");
    if (existsSync(file)) return file;
    if (dir === path.dirname(dir)) throw new Error("indexer api: node_modules/ponder/dist/esm/graphql/index.js not found (run npm ci)");
  }
})();
const { buildGraphQLSchema } = (await import(pathToFileURL(ponderGraphqlFile).href)) as { buildGraphQLSchema: (o: { schema: unknown }) => GraphQLSchema };
const graphqlSchema = buildGraphQLSchema({ schema });

const json = { "content-type": "application/json; charset=utf-8" };
const graphqlError = (message: string) => JSON.stringify({ errors: [{ message }] });

const cachedGraphql: MiddlewareHandler = async (c, next) => {
  if (c.req.method === "GET") return c.html(queryPage);
  if (c.req.method !== "POST") return c.body(graphqlError("POST a JSON body {\"query\": \"...\"} to this URL"), 405, { ...json, allow: "GET, POST" });
  const body = await c.req.raw.clone().text();
  const seen = await currentVersion();
  const hit = cache.get(body);
  if (hit !== undefined) return c.body(hit, 200, { ...json, "x-cache": "hit" });
  // Refused before anything runs: 200 with a GraphQL error, as Ponder answers the errors it finds itself.
  const verdict = checkGraphQLRequest(graphqlSchema, body, limits);
  if (!verdict.ok) return c.body(graphqlError(verdict.message), 200, json);
  const outcome = await withTimeout(gql(c, next) as Promise<Response>, limits.timeoutMs);
  if (outcome === "timeout") {
    return c.body(graphqlError(`query timed out after ${limits.timeoutMs} ms (${limitVariable("timeoutMs")}): the indexer is busy or the query is too slow; retry, or ask for fewer rows`), 503, { ...json, "retry-after": "1" });
  }
  const response = outcome;
  const text = await response.clone().text();
  // Only store what was computed against the checkpoint seen before the query ran.
  if (response.status === 200 && seen === version && text.length <= MAX_BODY_BYTES && !text.includes('"errors"')) {
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(body, text);
  }
  return response;
};

const app = new Hono();
// Under `npm run indexer:serve` (lib/replicas.ts), which replica answered.
const replica = process.env.INDEXER_REPLICA;
if (replica) app.use("*", async (c, next) => {
  await next();
  c.header("x-indexer-replica", replica);
});
// Bodies are read only up to the limit (a declared or streamed larger one is refused unread).
const limitBody = bodyLimit({
  maxSize: limits.maxBodyBytes,
  onError: (c) => c.body(graphqlError(`request body too large: over ${limits.maxBodyBytes} bytes (${limitVariable("maxBodyBytes")})`), 413, json),
});
for (const route of ["/graphql", "/"]) app.use(route, limitBody, cachedGraphql);

export default app;
