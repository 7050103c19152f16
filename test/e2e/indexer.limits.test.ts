// The indexer's GraphQL endpoint against hostile and malformed requests (issue 12, items 1 and 4), on a real Ponder
// process over a real local chain. The cost limit prices a query from its nested `limit`s before anything runs, so
// the hostile queries are refused whatever the table sizes: a few datasets suffice to prove that they are refused
// (on the code before the limit they ran and answered data). The time and memory of the worst accepted query on
// 20,000 datasets are measured by bench/indexer.ts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { actor, h, startIndexer, type GraphQLResult, type Indexer } from "../helpers/indexer.ts";

let chain: LocalChain;
let indexer: Indexer;

before(async () => {
  chain = await startLocalChain();
  const owner = actor(chain, 2);
  await actor(chain, 0).registerSchema(h("schema:limits"), "0g://schema-limits");
  for (let i = 0; i < 3; i++) await owner.registerDataset({ schemaId: 1n, root: h(`root:limits:${i}`), manifestRoot: h(`manifest:limits:${i}`), rows: 10n, uri: `0g://limits${i}` });
  indexer = await startIndexer({ chain, database: { kind: "pglite", directory: "memory://" } });
});
after(async () => {
  await indexer?.stop();
  await chain?.stop();
});

async function post(body: string): Promise<{ status: number; result: GraphQLResult<any> }> {
  const response = await fetch(`${indexer.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: response.status, result: (await response.json()) as GraphQLResult<any> };
}
const ask = (query: string, variables?: Record<string, unknown>) => post(JSON.stringify({ query, variables }));

/** `depth` levels of dataset → schema → datasets, each list asking for `limit` rows. */
function fanOut(depth: number, limit: number): string {
  let inner = "id";
  for (let i = 0; i < depth; i++) inner = `datasets(limit:${limit}){items{${i === 0 ? inner : `schema{${inner}}`}}}`;
  return `{${inner}}`;
}

test("the issue's hostile queries are refused before they run, with a clear GraphQL error", async () => {
  const hostile = {
    "104-byte fan-out (41 s of CPU and 12.9 MB on 1,105 datasets)": fanOut(3, 1000),
    "10-level dataset → schema → datasets (4.6 GB, then the process died)": fanOut(10, 1000),
    "4 levels at the default limit (/ready unanswered for 5 minutes)": `{schemas{items{datasets{items{schema{datasets{items{schema{datasets{items{id}}}}}}}}}}}`,
    "committee → members → shares → task → shares (the FHE committee relations)":
      `{committees(limit:1000){items{members(limit:1000){items{shares(limit:1000){items{task{shares(limit:1000){items{id}}}}}}}}}}`,
    "aliases multiplying a full page": `{${Array.from({ length: 25 }, (_, i) => `a${i}: datasets(limit:1000){items{id}}`).join(" ")}}`,
  };
  for (const [name, query] of Object.entries(hostile)) {
    const { status, result } = await ask(query);
    assert.equal(status, 200, name);
    assert.equal(result.data, undefined, `${name}: nothing is executed`);
    assert.match(result.errors?.[0]?.message ?? "", /^query too expensive: it may read up to [\d,]+ rows, the limit is 10,000 \(INDEXER_MAX_QUERY_ROWS\); lower the nested "limit"s/, name);
  }
  // The same limits through variables are priced the same way.
  const viaVariables = await ask(`query($n: Int) { datasets(limit: $n) { items { schema { datasets(limit: $n) { items { id } } } } } }`, { n: 1000 });
  assert.match(viaVariables.result.errors?.[0]?.message ?? "", /^query too expensive/);
  // The process is still answering.
  assert.ok((await fetch(`${indexer.url}/ready`)).ok);
});

test("queries within the limit still run: a full page with a relation, and every nested default page", async () => {
  const page = await indexer.query(`{ datasets(limit: 1000) { totalCount items { id schema { id datasetCount } } } }`);
  assert.equal(page.datasets.totalCount, 3);
  assert.deepEqual(page.datasets.items.map((d: any) => d.schema), Array(3).fill({ id: "1", datasetCount: 3 }));
  const nested = await indexer.query(fanOut(2, 50));
  assert.equal(nested.datasets.items.length, 3);
});

test("bad list arguments are clear errors: orderDirection, a negative limit or offset, a garbage cursor", async () => {
  const cases: [string, RegExp][] = [
    [`{ datasets(orderDirection: "sideways") { items { id } } }`, /^datasets\(…\): orderDirection must be "asc" or "desc", got "sideways"$/],
    [`{ datasets(limit: -1) { items { id } } }`, /^datasets\(…\): limit must be between 0 and 1000, got -1$/],
    [`{ datasets(limit: 1001) { items { id } } }`, /^datasets\(…\): limit must be between 0 and 1000, got 1001$/],
    [`{ datasets(offset: -5) { items { id } } }`, /^datasets\(…\): offset must be 0 or more, got -5$/],
    [`{ datasets(after: "garbage!") { items { id } } }`, /^datasets\(…\): after is not a cursor of this API \(pass the endCursor or startCursor of a previous page unchanged\)$/],
    [`{ datasets(before: "${Buffer.from("[1,2]").toString("base64")}") { items { id } } }`, /^datasets\(…\): before is not a cursor of this API/],
    [`{ schema(id: "1") { datasets(orderDirection: "up") { items { id } } } }`, /^datasets\(…\): orderDirection must be "asc" or "desc", got "up"$/],
  ];
  for (const [query, message] of cases) {
    const { result } = await ask(query);
    assert.equal(result.data, undefined, query);
    assert.match(result.errors?.[0]?.message ?? "", message, query);
  }
  // A real cursor still pages.
  const first = await indexer.query(`{ datasets(limit: 2, orderDirection: "desc") { items { id } pageInfo { endCursor } } }`);
  const next = await indexer.query(`query($after: String) { datasets(limit: 2, orderDirection: "desc", after: $after) { items { id } } }`, { after: first.datasets.pageInfo.endCursor });
  assert.deepEqual([...first.datasets.items, ...next.datasets.items].map((d: any) => d.id), ["3", "2", "1"]);
});

test("malformed bodies are clear errors, not stack traces or JSON parse errors", async () => {
  const cases: [string, RegExp][] = [
    ["not json", /^the request body must be JSON/],
    [`[{"query":"{ datasets { totalCount } }"}]`, /batches are not supported/],
    [`{"query":"{ datasets { totalCount } }","variables":[1]}`, /^"variables" must be a JSON object$/],
    [`{"query":"{ datasets { "}`, /^Syntax Error/],
  ];
  for (const [body, message] of cases) {
    const { result } = await post(body);
    assert.match(result.errors?.[0]?.message ?? "", message, body);
  }
  const large = await post(JSON.stringify({ query: `{ datasets { totalCount } }`, variables: { pad: "x".repeat(70_000) } }));
  assert.equal(large.status, 413);
  assert.match(large.result.errors?.[0]?.message ?? "", /^request body too large: over 65536 bytes \(INDEXER_MAX_BODY_BYTES\)$/);
});

test("GET /graphql serves a query page that loads nothing from elsewhere", async () => {
  const response = await fetch(`${indexer.url}/graphql`);
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.match(html, /<textarea id="query"/);
  assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\//i, "no script, style or font from another origin");
  assert.doesNotMatch(html, /cdn|unpkg|jsdelivr|esm\.sh/i);
});
