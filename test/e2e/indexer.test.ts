// The Ponder indexer against a real local Hardhat node: a scripted contract history, exact GraphQL results, the
// docs/graphql.md examples verbatim, and a SIGKILL + restart mid-stream. PGlite always; Postgres when
// TEST_DATABASE_URL is set (.ci/run starts a throw-away cluster).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import {
  assertCrashRecovered, crashWhileProducing, expectedExamples, expectedState, graphqlExamples, runScenario,
  startIndexer, stateQuery, type IndexerDatabase, type Indexer, type Scenario,
} from "../helpers/indexer.ts";

const docs = path.resolve(import.meta.dirname, "../../docs/graphql.md");
const variants: { name: string; database?: IndexerDatabase; skip?: string }[] = [
  { name: "PGlite", database: { kind: "pglite" } },
  process.env.TEST_DATABASE_URL
    ? { name: "Postgres", database: { kind: "postgres", url: process.env.TEST_DATABASE_URL } }
    : { name: "Postgres", skip: "TEST_DATABASE_URL is unset (run .ci/run to test against a throw-away PostgreSQL)" },
];

for (const variant of variants) {
  describe(`indexer (${variant.name})`, { skip: variant.skip, timeout: 90_000 }, () => {
    let chain: LocalChain;
    let scenario: Scenario;
    let indexer: Indexer;

    before(async () => {
      chain = await startLocalChain();
      scenario = await runScenario(chain);
      indexer = await startIndexer({ chain, database: variant.database });
    });
    after(async () => {
      await indexer?.stop();
      await indexer?.cleanup();
      await chain?.stop();
    });

    it("indexes the scripted history exactly", async () => {
      assert.deepEqual(await indexer.query(stateQuery), expectedState(scenario));
    });

    it("answers every docs/graphql.md example verbatim with the expected data", async () => {
      const examples = graphqlExamples(docs);
      const expected = expectedExamples(scenario);
      assert.deepEqual(examples.map((e) => e.name).sort(), Object.keys(expected).sort());
      for (const example of examples) {
        assert.deepEqual(await indexer.query(example.query, example.variables), expected[example.name], example.name);
      }
    });

    it("survives a SIGKILL + restart mid-stream without lost or duplicated rows", async () => {
      const run = await crashWhileProducing(chain, indexer);
      indexer = run.indexer;
      await assertCrashRecovered(run, scenario);
    });
  });
}
