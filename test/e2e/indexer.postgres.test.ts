// The indexer on PostgreSQL (TEST_DATABASE_URL; .ci/run starts a throw-away cluster), started after the history
// was written (the backfill path; indexer.test.ts covers live indexing on PGlite): the reference scenario indexed
// exactly, the docs examples, SIGKILL + restart mid-stream (the crashed run's lock is released through a
// session advisory lock), and a chain reset that drops the stale schema and the cached chain data.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import {
  actor, assertCrashRecovered, crashWhileProducing, expectedExamples, expectedState, graphqlExamples, h, runScenario,
  startIndexer, stateQuery, uniqueSchema, type Indexer, type Scenario,
} from "../helpers/indexer.ts";

// pg ships without types (and @types/pg is not installed): only Client.connect/query/end are used.
type PgClient = { connect(): Promise<void>; query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>; end(): Promise<void> };
const pg = createRequire(import.meta.url)("pg") as { Client: new (options: { connectionString?: string }) => PgClient };

const url = process.env.TEST_DATABASE_URL;
const skip = url ? false : "TEST_DATABASE_URL is not set: the PostgreSQL indexer tests need a database (.ci/run starts one)";
if (!url) console.log(`# skipped: ${skip}`);

let chain: LocalChain;
let indexer: Indexer | undefined;
let scenario: Scenario;
const schema = uniqueSchema("it_pg"); // "pg_" names are reserved by PostgreSQL

async function sql(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

before(async () => {
  if (!url) return;
  chain = await startLocalChain();
  scenario = await runScenario(chain);
  await chain.mine(35); // past Ponder's 30-block finality window: the whole history is backfilled
  indexer = await startIndexer({ chain, database: { kind: "postgres", url }, schema });
});
after(async () => {
  await indexer?.stop();
  await chain?.stop();
  if (url) {
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql(`DELETE FROM twopm_indexer.chain_fingerprint WHERE namespace = $1`, [schema]).catch(() => {});
  }
});

test("indexes the reference scenario exactly and answers every docs/graphql.md example (PostgreSQL)", { skip }, async () => {
  assert.match(indexer!.output(), /Started backfill indexing/);
  assert.deepEqual(await indexer!.query(stateQuery), expectedState(scenario));
  const expected = expectedExamples(scenario);
  for (const example of graphqlExamples(path.resolve(import.meta.dirname, "../../docs/graphql.md"))) {
    assert.deepEqual(await indexer!.query(example.query, example.variables), expected[example.name], example.name);
  }
  const [row] = await sql(`SELECT block_hash FROM twopm_indexer.chain_fingerprint WHERE namespace = $1 AND chain_id = 31337`, [schema]);
  assert.equal(row?.block_hash, (await chain.publicClient.getBlock({ blockNumber: 1n })).hash, "the chain fingerprint is stored");
});

test("a SIGKILLed indexer restarted while events are produced loses and duplicates nothing (PostgreSQL)", { skip }, async () => {
  const run = await crashWhileProducing(chain, indexer!);
  indexer = run.indexer;
  await assertCrashRecovered(run, scenario);
});

test("a second indexer on the same schema is refused at once", { skip }, async () => {
  await assert.rejects(
    startIndexer({ chain, database: { kind: "postgres", url: url! }, schema }),
    new RegExp(`the indexer exited \\(code 1\\)[\\s\\S]*another indexer is running on database schema "${schema}"`),
  );
});

test("after a chain reset the restart drops the stale schema and cached chain data and re-indexes (PostgreSQL)", { skip }, async () => {
  await indexer!.stop();
  await chain.stop();
  chain = await startLocalChain();
  await actor(chain, 0).registerSchema(h("schema:fresh"), "0g://fresh");
  indexer = await startIndexer({ chain, database: { kind: "postgres", url: url! }, schema });
  assert.match(indexer.output(), /deleted the cached data of chain 31337 \(ponder_sync/);
  assert.match(indexer.output(), new RegExp(`dropped database schema "${schema}"`));
  const state = await indexer.query<any>(`{ schemas { items { id uri } } datasets { totalCount } tasks { totalCount } accounts { totalCount } }`);
  assert.deepEqual(state, { schemas: { items: [{ id: "1", uri: "0g://fresh" }] }, datasets: { totalCount: 0 }, tasks: { totalCount: 0 }, accounts: { totalCount: 0 } });
});
