// The GraphQL guard's pricing on the schema Ponder builds from indexer/ponder.schema.ts (Ponder's own
// buildGraphQLSchema, as the API module uses it), and the limits' environment overrides. The served behaviour is
// tested against a real indexer in test/e2e/indexer.limits.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import type { GraphQLSchema } from "graphql";
import * as ponderSchema from "../../../indexer/ponder.schema.ts";
import { checkGraphQLRequest, withTimeout } from "../../../indexer/src/api/guard.ts";
import { defaultQueryLimits, queryLimitsFromEnv } from "../../../indexer/src/api/limits.ts";
import { graphqlExamples } from "../../helpers/indexer.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const { buildGraphQLSchema } = (await import(path.join(root, "node_modules/ponder/dist/esm/graphql/index.js"))) as { buildGraphQLSchema: (o: { schema: unknown }) => GraphQLSchema };
const schema = buildGraphQLSchema({ schema: ponderSchema });

const rows = (query: string, variables?: Record<string, unknown>) => {
  const verdict = checkGraphQLRequest(schema, JSON.stringify({ query, variables }), { ...defaultQueryLimits, maxRows: Number.MAX_SAFE_INTEGER });
  if (!verdict.ok) throw new Error(verdict.message);
  return verdict.rows;
};

test("a list costs 1 + limit × (1 + what each item selects); to-one relations 1; totalCount 1; scalars nothing", () => {
  assert.equal(rows(`{ dataset(id: "1") { id owner } }`), 1);
  assert.equal(rows(`{ datasets { items { id } } }`), 1 + 50 * 1);
  assert.equal(rows(`{ datasets(limit: 1000) { items { id schema { id } } } }`), 1 + 1000 * 2);
  assert.equal(rows(`query($n: Int) { datasets(limit: $n) { totalCount items { id } } }`, { n: 10 }), 1 + 10 * 2);
  // The 104-byte query: a million rows per level of nesting.
  assert.equal(rows(`{ datasets(limit: 1000) { items { schema { datasets(limit: 1000) { items { id } } } } } }`), 1 + 1000 * (1 + 1 + (1 + 1000)));
  // Fragments and aliases are priced as what they expand to.
  assert.equal(rows(`{ a: datasets(limit: 10) { ...F } b: datasets(limit: 10) { ...F } } fragment F on datasetPage { items { id } }`), 2 * (1 + 10));
});

test("every docs/graphql.md example is accepted by the default limit, and the schema is introspectable", () => {
  for (const example of graphqlExamples(path.join(root, "docs/graphql.md"))) {
    const verdict = checkGraphQLRequest(schema, JSON.stringify({ query: example.query, variables: example.variables }), defaultQueryLimits);
    assert.ok(verdict.ok, `${example.name}: ${!verdict.ok && verdict.message}`);
  }
  const introspection = `{ __schema { types { name fields { name args { name type { name kind ofType { name kind } } } type { name kind ofType { name kind ofType { name kind } } } } } } }`;
  assert.ok(checkGraphQLRequest(schema, JSON.stringify({ query: introspection }), defaultQueryLimits).ok);
});

test("the limits come from the environment, and a bad value is a one-line error", () => {
  assert.deepEqual(queryLimitsFromEnv({}), defaultQueryLimits);
  assert.deepEqual(queryLimitsFromEnv({ INDEXER_MAX_QUERY_ROWS: "500", INDEXER_QUERY_TIMEOUT_MS: "2500", INDEXER_MAX_BODY_BYTES: "" }), { ...defaultQueryLimits, maxRows: 500, timeoutMs: 2500 });
  assert.throws(() => queryLimitsFromEnv({ INDEXER_MAX_QUERY_ROWS: "lots" }), { message: 'INDEXER_MAX_QUERY_ROWS must be a positive integer, got "lots"' });
  assert.throws(() => queryLimitsFromEnv({ INDEXER_QUERY_TIMEOUT_MS: "0" }), /INDEXER_QUERY_TIMEOUT_MS must be a positive integer/);
  const verdict = checkGraphQLRequest(schema, JSON.stringify({ query: `{ datasets(limit: 100) { items { id } } }` }), { ...defaultQueryLimits, maxRows: 100 });
  assert.deepEqual(verdict, { ok: false, message: 'query too expensive: it may read up to 101 rows, the limit is 100 (INDEXER_MAX_QUERY_ROWS); lower the nested "limit"s (default 50) or split the query' });
});

test("withTimeout answers \"timeout\" for work that does not finish, and the work's result otherwise", async () => {
  assert.equal(await withTimeout(new Promise(() => {}), 5), "timeout");
  assert.deepEqual(await withTimeout(Promise.resolve({ data: 1 }), 60_000), { data: 1 });
  await assert.rejects(withTimeout(Promise.reject(new Error("boom")), 60_000), /boom/);
});
