// The Ponder indexer (PGlite) against a real local Hardhat node, indexing live: a scripted contract history sent
// while it runs (FHE committees included: setup, a task linked to its committee from either side, shares, a slash, a
// failed setup), exact GraphQL results, the docs/graphql.md examples verbatim, the response cache, and a SIGKILL +
// restart while events are being produced. PostgreSQL (and the backfill path): indexer.postgres.test.ts; chain
// resets: indexer.reset.test.ts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { createTableRelationsHelpers, extractTablesRelationalConfig } from "drizzle-orm";
import * as ponderSchema from "../../indexer/ponder.schema.ts";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { waitFor } from "../helpers/processes.ts";
import {
  actor, assertCrashRecovered, crashWhileProducing, expectedExamples, expectedState, graphqlExamples, h, runScenario,
  startIndexer, stateQuery, type Indexer, type Scenario,
} from "../helpers/indexer.ts";

const docs = path.resolve(import.meta.dirname, "../../docs/graphql.md");

let chain: LocalChain;
let indexer: Indexer;
let first: Indexer; // owns the temp PGlite directory
let scenario: Scenario;

before(async () => {
  chain = await startLocalChain();
  indexer = first = await startIndexer({ chain });
});
after(async () => {
  await indexer?.stop();
  await first?.cleanup();
  await chain?.stop();
});

test("no relation shadows a column in GraphQL (Ponder silently lets the relation win)", () => {
  const { tables } = extractTablesRelationalConfig(ponderSchema, createTableRelationsHelpers);
  const clashes = Object.entries(tables).flatMap(([name, t]) => Object.keys(t.relations).filter((r) => r in t.columns).map((r) => `${name}.${r}`));
  assert.deepEqual(clashes, []);
  assert.equal(Object.keys(tables).length, 20);
});

test("indexes schemas, datasets, tasks, rounds, members, settlements, claims, slashes and FHE committees exactly (live)", async () => {
  scenario = await runScenario(chain);
  await indexer.waitForBlock(scenario.headBlock);
  assert.deepEqual(await indexer.query(stateQuery), expectedState(scenario));
  // Chain times: the broken committee's stakes unbond one unbonding period after the slash; a failed setup's at once.
  const { committees } = await indexer.query(`{ committees(orderBy: "id") { items { endedAt unbondsAt unbondingPeriod } } }`);
  const [broken, failed] = committees.items.map((c: Record<string, string | number>) => ({ ended: BigInt(c.endedAt!), unbonds: BigInt(c.unbondsAt!), period: BigInt(c.unbondingPeriod!) }));
  assert.equal(broken.unbonds - broken.ended, broken.period);
  assert.equal(failed.unbonds, failed.ended);
});

test("every example query of docs/graphql.md returns the documented data", async () => {
  const examples = graphqlExamples(docs);
  const expected = expectedExamples(scenario);
  assert.deepEqual(examples.map((e) => e.name).sort(), Object.keys(expected).sort(), "docs and tests name the same queries");
  for (const example of examples) {
    assert.deepEqual(await indexer.query(example.query, example.variables), expected[example.name], example.name);
  }
});

test("a repeated query is answered from the response cache until the indexed data changes", async () => {
  const body = JSON.stringify({ query: `{ schema(id: "2") { datasetCount } }` });
  const post = () => fetch(`${indexer.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const firstAnswer = await (await post()).json();
  assert.deepEqual(firstAnswer, { data: { schema: { datasetCount: 2 } } });
  const again = await post();
  assert.equal(again.headers.get("x-cache"), "hit");
  assert.deepEqual(await again.json(), firstAnswer);
  const receipt = await actor(chain, 6).registerDataset({ schemaId: 2n, root: h("root:cache"), manifestRoot: h("manifest:cache"), rows: 1n, uri: "0g://cache" });
  await indexer.waitForBlock(receipt.blockNumber);
  // The checkpoint is re-read at most every 25 ms: poll (no sleep) until the answer changes; a cache that kept the
  // stale answer never does.
  const fresh = await waitFor("the cached answer to follow the new dataset", async () => {
    const answer = await (await post()).json();
    return answer.data?.schema?.datasetCount === 3 ? answer : undefined;
  }, 10_000, 10);
  assert.deepEqual(fresh, { data: { schema: { datasetCount: 3 } } });
});

test("a SIGKILLed indexer restarted while events are produced loses and duplicates nothing", async () => {
  const run = await crashWhileProducing(chain, indexer);
  indexer = run.indexer;
  await assertCrashRecovered(run, scenario);
});
