import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { cliRunner, tempHome, jsonOf, expectExit } from "../helpers/cli.ts";
import { projectRoot, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { connect } from "../../src/chain/client.ts";
import { readDataset } from "../../src/chain/tasks.ts";
import { localStore, getJson } from "../../src/storage/index.ts";
import { parseManifest } from "../../src/data/index.ts";

const schema = "schemas/penguins.schema.json";
const penguins = path.join(projectRoot, "node_modules/vega-datasets/data/penguins.json");

describe("data owner registers penguins on chain with one command", () => {
  let chain: LocalChain;
  let home: string;
  let cli: (...args: string[]) => ReturnType<ReturnType<typeof cliRunner>>;
  before(async () => {
    chain = await startLocalChain();
    home = await tempHome("2pm-owner-");
    cli = cliRunner({ env: chain.env, home });
    process.env.LOCALHOST_RPC_URL = chain.rpcUrl;
  });
  after(async () => { await chain?.stop(); });

  it("refuses an unregistered schema without a transaction", async () => {
    const nonce = await chain.publicClient.getTransactionCount({ address: chain.account(1).address });
    const r = await cli("data", "register", "--schema", schema, "--data", penguins, "-a", "1");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /2pm schema register/);
    assert.equal(await chain.publicClient.getTransactionCount({ address: chain.account(1).address }), nonce);
  });

  it("registers encrypted penguins; readDataset and the manifest match", async () => {
    expectExit(await cli("schema", "register", schema, "-a", "1"));
    const keyId = jsonOf<{ keyId: string }>(expectExit(await cli("--json", "keys", "new"))).keyId;
    const out = jsonOf<{ datasetId: string; root: string; manifestRoot: string; rows: number }>(
      expectExit(await cli("--json", "data", "register", "--schema", schema, "--data", penguins, "--encrypt", "--key", keyId, "-a", "1")));
    const ctx = await connect({ network: "localhost", root: chain.root });
    const record = await readDataset(ctx, BigInt(out.datasetId));
    assert.equal(record.keyId, keyId);
    assert.equal(record.rows, 333n);
    assert.equal(String(record.root).toLowerCase(), out.root);
    assert.equal(String(record.manifestRoot).toLowerCase(), out.manifestRoot);
    const manifest = parseManifest(await getJson(localStore(path.join(home, "store")), out.manifestRoot as `0x${string}`));
    assert.equal(manifest.rows, 333);
    assert.equal(manifest.contentRoot, out.root);
    assert.equal(manifest.encryption.scheme, "ckks");
    assert.ok(manifest.labelHistogram);
  });

  it("registers in --local mode keeping data on disk", async () => {
    const out = jsonOf<{ datasetId: string; localPath: string }>(
      expectExit(await cli("--json", "data", "register", "--schema", schema, "--data", penguins, "--local", "-a", "2")));
    assert.ok(out.localPath.startsWith(path.join(home, "datasets")));
  });
});
