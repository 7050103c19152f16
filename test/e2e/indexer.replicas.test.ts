// Production reads (issue 12, item 5): `ponder start` on PostgreSQL with a views schema, and `npm run indexer:serve`
// (indexer/lib/replicas.ts: two `ponder serve` replicas sharing one port) reading it. Both replicas give the same
// answers as the indexer, follow it as it indexes new events, and apply the same query limits. Needs
// TEST_DATABASE_URL (.ci/run starts a throw-away PostgreSQL); skipped with a message when it is unset.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import {
  actor, expectedExamples, expectedState, graphqlExamples, h, indexerDir, runScenario, startIndexer, startServeReplicas, stateQuery,
  uniqueSchema, type GraphQLResult, type Indexer, type Scenario, type ServeReplicas,
} from "../helpers/indexer.ts";
import { freePort, spawnGroup } from "../helpers/processes.ts";

// pg ships without types (and @types/pg is not installed): only Client.connect/query/end are used.
type PgClient = { connect(): Promise<void>; query(text: string): Promise<unknown>; end(): Promise<void> };
const pg = createRequire(import.meta.url)("pg") as { Client: new (options: { connectionString?: string }) => PgClient };

const url = process.env.TEST_DATABASE_URL;
const skip = url ? false : "TEST_DATABASE_URL is not set: the `ponder serve` replica tests need PostgreSQL (.ci/run starts one)";
if (!url) console.log(`# skipped: ${skip}`);

let chain: LocalChain;
let indexer: Indexer | undefined;
let replicas: ServeReplicas | undefined;
let scenario: Scenario;
const schema = uniqueSchema("it_rep");
const views = uniqueSchema("it_views");


/** POSTs a query on a fresh connection (the cluster primary hands each connection to the next replica). */
function post(body: string): Promise<{ replica: string | undefined; result: GraphQLResult<any> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${replicas!.url}/graphql`, { method: "POST", agent: false, headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d) => (text += d)).on("end", () => {
        try {
          resolve({ replica: res.headers["x-indexer-replica"] as string | undefined, result: JSON.parse(text) });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on("error", reject).end(body);
  });
}

/** The answer of each replica to a query (asks until both replicas answered; round-robin makes that two or three asks). */
async function askBoth(query: string, variables?: Record<string, unknown>): Promise<Map<string, GraphQLResult<any>>> {
  const answers = new Map<string, GraphQLResult<any>>();
  for (let i = 0; i < 20 && answers.size < 2; i++) {
    const { replica, result } = await post(JSON.stringify({ query, variables }));
    assert.ok(replica === "1" || replica === "2", `x-indexer-replica names the replica (got ${replica})`);
    if (!answers.has(replica)) answers.set(replica, result);
  }
  assert.equal(answers.size, 2, "both replicas answered");
  return answers;
}

before(async () => {
  if (!url) return;
  chain = await startLocalChain();
  scenario = await runScenario(chain);
  indexer = await startIndexer({ chain, database: { kind: "postgres", url }, schema, env: { DATABASE_VIEWS_SCHEMA: views } });
  assert.match(indexer.output(), /Created database views/);
  replicas = await startServeReplicas({ chain, url, schema: views, replicas: 2 });
});
after(async () => {
  await replicas?.stop();
  await indexer?.stop();
  await chain?.stop();
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${views}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.query(`DELETE FROM twopm_indexer.chain_fingerprint WHERE namespace = '${schema}'`).catch(() => {});
    await client.end();
  }
});

test("two ponder serve replicas on the views schema answer the reference state and every docs example exactly", { skip }, async () => {
  const expected = expectedState(scenario);
  for (const [replica, answer] of await askBoth(stateQuery)) assert.deepEqual(answer, { data: expected }, `replica ${replica}`);
  const examples = expectedExamples(scenario);
  for (const example of graphqlExamples(path.resolve(import.meta.dirname, "../../docs/graphql.md"))) {
    for (const [replica, answer] of await askBoth(example.query, example.variables)) {
      assert.deepEqual(answer, { data: examples[example.name] }, `${example.name} from replica ${replica}`);
    }
  }
});

test("the replicas follow the indexer: a dataset registered now is read from both", { skip }, async () => {
  const receipt = await actor(chain, 5).registerDataset({ schemaId: 2n, root: h("root:replica"), manifestRoot: h("manifest:replica"), rows: 7n, uri: "0g://replica" });
  await indexer!.waitForBlock(receipt.blockNumber);
  const query = `{ datasets(where: { uri: "0g://replica" }) { items { id owner rows schemaId } } }`;
  const fromIndexer = await indexer!.query(query);
  assert.equal(fromIndexer.datasets.items.length, 1);
  for (const [replica, answer] of await askBoth(query)) assert.deepEqual(answer, { data: fromIndexer }, `replica ${replica}`);
});

test("the replicas refuse hostile queries like the indexer", { skip }, async () => {
  for (const [replica, answer] of await askBoth(`{datasets(limit:1000){items{schema{datasets(limit:1000){items{id}}}}}}`)) {
    assert.equal(answer.data, undefined, `replica ${replica}`);
    assert.match(answer.errors?.[0]?.message ?? "", /^query too expensive/, `replica ${replica}`);
  }
});

test("indexer:serve on a schema that does not exist stops with an error instead of half-starting", { skip }, async () => {
  const missing = spawnGroup(process.execPath, [path.join(indexerDir, "lib/replicas.ts")], {
    cwd: indexerDir,
    env: { ...(process.env as Record<string, string>), ...chain.env, DATABASE_URL: url!, PONDER_SCHEMA: "no_such_schema_2pm", INDEXER_REPLICAS: "2", PORT: String(await freePort()) },
  });
  const code = await new Promise<number | null>((resolve) => (missing.child.exitCode !== null ? resolve(missing.child.exitCode) : missing.child.once("exit", resolve)));
  assert.equal(code, 1, missing.output());
  assert.match(missing.output(), /Schema does not exist/);
  assert.match(missing.output(), /a ponder serve replica exited while starting \(code 1\)/);
});
