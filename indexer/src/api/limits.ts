// Every limit the GraphQL endpoint enforces, in one place: documented defaults, each overridable by an environment
// variable (read once at start; docs/indexer.md lists them).
//
// Ponder's own limits (1,000 tokens, depth 100, 30 aliases, `limit` <= 1000 per list) bound a query's size, not its
// fan-out: `datasets(limit: 1000) { items { schema { datasets(limit: 1000) … } } }` is 104 bytes and asks for 10^6
// rows per level. So a query is priced before it runs, in rows it may read, and refused above `maxRows`.

/** Ponder 0.17's page size when a list field has no `limit`, and the largest it accepts (graphql/index.js). */
export const PONDER_DEFAULT_LIMIT = 50;
export const PONDER_MAX_LIMIT = 1_000;

export type QueryLimits = {
  /**
   * The most rows one request may read, estimated from the nested `limit`s before it runs (a list field costs
   * `1 + limit × (1 + what each item selects)`, a to-one relation 1 + what it selects, `totalCount` 1). Default
   * 10,000: a full page of 1,000 items, each with a relation and a nested list of 6, or three levels of 20; every
   * query of docs/graphql.md costs at most 2,755, the dashboard's ~1,200. The worst accepted queries take seconds of
   * CPU on a busy machine (bench/results/indexer.md). `INDEXER_MAX_QUERY_ROWS`.
   */
  maxRows: number;
  /**
   * How long a request may take before it is answered with an error (ms). Default 10,000. The cost limit bounds
   * the work; this bounds the wait on PostgreSQL (the query keeps running, its answer is dropped). On PGlite a query
   * runs on this thread and its SQL calls resolve as microtasks, so the timer fires only once it is done.
   * `INDEXER_QUERY_TIMEOUT_MS`.
   */
  timeoutMs: number;
  /**
   * The largest request body accepted (bytes), refused before it is read past the limit. Default 64 KiB (Ponder's
   * 1,000-token limit fits in ~10 KiB; the rest is room for variables). `INDEXER_MAX_BODY_BYTES`.
   */
  maxBodyBytes: number;
};

export const defaultQueryLimits: QueryLimits = { maxRows: 10_000, timeoutMs: 10_000, maxBodyBytes: 64 * 1024 };

const variables: Record<keyof QueryLimits, string> = {
  maxRows: "INDEXER_MAX_QUERY_ROWS",
  timeoutMs: "INDEXER_QUERY_TIMEOUT_MS",
  maxBodyBytes: "INDEXER_MAX_BODY_BYTES",
};

/** The limits from the environment; a value that is not a positive integer stops the start with a one-line error. */
export function queryLimitsFromEnv(env: Record<string, string | undefined> = process.env): QueryLimits {
  const limits = { ...defaultQueryLimits };
  for (const [key, name] of Object.entries(variables) as [keyof QueryLimits, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    limits[key] = value;
  }
  return limits;
}

/** The environment variable that sets a limit, for error messages. */
export const limitVariable = (key: keyof QueryLimits) => variables[key];
