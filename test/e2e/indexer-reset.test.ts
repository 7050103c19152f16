// Chain reset: the node behind the indexer's RPC URL is replaced by a fresh one (same chain id and addresses,
// different blocks). Documented behaviour (docs/indexer.md): the running indexer stops with exit code 75, and a
// restart on the same database wipes the stale rows (INDEXER_ON_CHAIN_RESET=wipe, the local default) and
// re-indexes the new chain — no stale data is ever served.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startLocalChain } from "../helpers/localChain.ts";
import { actor, h, startIndexer, startRpcProxy } from "../helpers/indexer.ts";

test("a chain reset stops the indexer and the restart re-indexes the new chain only", { timeout: 90_000 }, async () => {
  const chainA = await startLocalChain();
  const proxy = await startRpcProxy(chainA.rpcUrl);
  let chainB: Awaited<ReturnType<typeof startLocalChain>> | undefined;
  let indexer = await startIndexer({ chain: chainA, rpcUrl: proxy.url });
  try {
    await actor(chainA, 0).registerSchema(h("schema:a"), "0g://a");
    await actor(chainA, 2).registerDataset({ schemaId: 1n, root: h("root:a"), manifestRoot: h("manifest:a"), rows: 7n, uri: "0g://a1" });
    await indexer.waitForBlock();
    const q = `{ datasets(orderBy: "id") { totalCount items { id uri rows } } }`;
    assert.deepEqual(await indexer.query(q), { datasets: { totalCount: 1, items: [{ id: "1", uri: "0g://a1", rows: "7" }] } });

    chainB = await startLocalChain();
    await actor(chainB, 0).registerSchema(h("schema:b"), "0g://b");
    await actor(chainB, 3).registerDataset({ schemaId: 1n, root: h("root:b1"), manifestRoot: h("manifest:b1"), rows: 11n, uri: "0g://b1" });
    await actor(chainB, 3).registerDataset({ schemaId: 1n, root: h("root:b2"), manifestRoot: h("manifest:b2"), rows: 12n, uri: "0g://b2" });
    proxy.setTarget(chainB.rpcUrl);
    assert.equal(await indexer.exited, 75, "the running indexer stops when the node is replaced");
    assert.match(indexer.output(), /chain reset detected/);

    indexer = await startIndexer({ chain: chainB, rpcUrl: proxy.url, database: indexer.database, schema: indexer.schema });
    assert.deepEqual(await indexer.query(q), {
      datasets: { totalCount: 2, items: [{ id: "1", uri: "0g://b1", rows: "11" }, { id: "2", uri: "0g://b2", rows: "12" }] },
    });
  } finally {
    await indexer.stop();
    await indexer.cleanup();
    await proxy.stop();
    await chainA.stop();
    await chainB?.stop();
  }
});
