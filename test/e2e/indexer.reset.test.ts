// Chain resets (a new hardhat node with the same contract addresses behind the same RPC URL): a running indexer
// stops (exit code 75), a restart refuses with INDEXER_ON_CHAIN_RESET=refuse and, by default on localhost, wipes
// the stale data and indexes the new chain only. See docs/indexer.md.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { actor, h, startIndexer, startRpcProxy, type Indexer, type RpcProxy } from "../helpers/indexer.ts";

// Only against a hang (e.g. an indexer that never exits): every step inside waits for its own condition, and on a
// loaded machine a step may take minutes.
const HANG_GUARD_MS = 600_000;

let chainA: LocalChain;
let chainB: LocalChain | undefined;
let proxy: RpcProxy;
let indexer: Indexer;
let first: Indexer; // owns the temp PGlite directory

const schemaUris = async (i: Indexer) =>
  (await i.query<{ schemas: { items: { uri: string }[] } }>(`{ schemas(orderBy: "id") { items { uri } } }`)).schemas.items.map((s) => s.uri);

before(async () => {
  // Chain B (the "restarted node") boots meanwhile: a second hardhat node with the same deployments (addresses),
  // its clock an hour ahead so that its blocks differ even when both deploy in the same second.
  [chainA, chainB] = await Promise.all([startLocalChain(), startLocalChain({ clockOffsetSeconds: 3600 })]);
  proxy = await startRpcProxy(chainA.rpcUrl);
  indexer = first = await startIndexer({ chain: chainA, rpcUrl: proxy.url });
});
after(async () => {
  await indexer?.stop();
  await first?.cleanup();
  await proxy?.stop();
  await chainA?.stop();
  await chainB?.stop();
});

test("a running indexer stops with exit code 75 when the node behind its RPC URL is replaced", { timeout: HANG_GUARD_MS }, async () => {
  await actor(chainA, 5).registerSchema(h("schema:A"), "0g://A");
  await indexer.waitForBlock();
  assert.deepEqual(await schemaUris(indexer), ["0g://A"]);

  assert.deepEqual(chainB!.addresses, chainA.addresses, "same deployer and nonces: same addresses");
  await actor(chainB!, 5).registerSchema(h("schema:B1"), "0g://B1");
  await actor(chainB!, 5).registerSchema(h("schema:B2"), "0g://B2");
  proxy.setTarget(chainB!.rpcUrl);
  assert.equal(await indexer.exited, 75);
  assert.match(indexer.output(), /chain reset detected on localhost while indexing: block \d+ is now 0x[0-9a-f]{64}/);
});

test("a restart on the reset chain refuses with INDEXER_ON_CHAIN_RESET=refuse and keeps the data", { timeout: HANG_GUARD_MS }, async () => {
  await assert.rejects(
    startIndexer({ chain: chainB!, rpcUrl: proxy.url, database: indexer.database, schema: indexer.schema, env: { INDEXER_ON_CHAIN_RESET: "refuse" } }),
    /the indexer exited \(code 1\)[\s\S]*chain reset detected on localhost \(chain 31337\): block \d+ is now 0x[0-9a-f]{64}, but the PGlite database .* was indexed from 0x[0-9a-f]{64}\. Restart with INDEXER_ON_CHAIN_RESET=wipe/,
  );
  assert.ok(existsSync(indexer.database.kind === "pglite" ? indexer.database.directory : ""), "nothing was deleted");
});

test("a restart on the reset chain wipes the stale data and indexes the new chain only (default on localhost)", { timeout: HANG_GUARD_MS }, async () => {
  const previous = indexer;
  indexer = await startIndexer({ chain: chainB!, rpcUrl: proxy.url, database: previous.database, schema: previous.schema });
  assert.deepEqual(await schemaUris(indexer), ["0g://B1", "0g://B2"]);
  assert.match(indexer.output(), /chain reset detected on localhost: block \d+ changed from 0x[0-9a-f]{64} to 0x[0-9a-f]{64}; wiping/);
  // Still live on the new chain.
  await actor(chainB!, 5).registerSchema(h("schema:B3"), "0g://B3");
  await indexer.waitForBlock();
  assert.deepEqual(await schemaUris(indexer), ["0g://B1", "0g://B2", "0g://B3"]);
});
