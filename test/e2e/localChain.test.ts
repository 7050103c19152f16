import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "../../src/chain/client.ts";
import { runCli } from "../helpers/cli.ts";
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

test("`2pm token mint --to a b` mints to every recipient; a bad recipient is refused before any transaction", async () => {
  const [a, b] = [chain.account(7).address, chain.account(8).address];
  const minted = await runCli(["--json", "token", "mint", "--to", a, b, "--amount", "12.5", "-a", "0"], { env: chain.env });
  assert.equal(minted.code, 0, minted.stderr);
  const out = JSON.parse(minted.stdout) as { amount: string; mints: Array<{ to: string; transactionHash: string }> };
  assert.deepEqual(out.mints.map((m) => m.to), [a, b]);
  for (const who of [a, b]) {
    const balance = await runCli(["--json", "token", "balance", "--of", who], { env: chain.env });
    assert.equal(JSON.parse(balance.stdout).balance, (125n * 10n ** 17n).toString());
  }
  const ctx = await connect({ network: "localhost", root: chain.root });
  const block = await ctx.publicClient.getBlockNumber({ cacheTime: 0 });
  const refused = await runCli(["token", "mint", "--to", a, "0x1234", "--amount", "1", "-a", "0"], { env: chain.env });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr.trim(), /^error: .*'0x1234' is not an address$/);
  assert.equal(await ctx.publicClient.getBlockNumber({ cacheTime: 0 }), block, "no transaction for a refused command");
});
