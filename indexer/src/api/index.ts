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
