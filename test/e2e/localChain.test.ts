import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "../../src/chain/client.ts";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";

let chain: LocalChain;
before(async () => {
  chain = await startLocalChain();
});
after(async () => {
  await chain?.stop();
});

test("connect() reads the fixture's deployments and talks to the chain", async () => {
  process.env.LOCALHOST_RPC_URL = chain.rpcUrl;
  const ctx = await connect({ network: "localhost", root: chain.root, accountIndex: 1 });
  assert.equal(ctx.deployments.trainingTasks.address, chain.addresses.trainingTasks);
  assert.equal(await ctx.contracts.datasetIndex.read.schemaCount(), 0n);
  assert.equal(ctx.account?.address, chain.account(1).address);
});

test("connect() refuses a chain whose deployments are missing", async () => {
  await assert.rejects(connect({ network: "localhost", root: "/nonexistent" }), /run `npx hardhat deploy --network localhost` first/);
});
