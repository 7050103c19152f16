import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { generatePrivateKey } from "viem/accounts";
import path from "node:path";
import { cliRunner, runCli, tempHome, jsonOf, expectExit } from "../helpers/cli.ts";
import { projectRoot, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { connect } from "../../src/chain/client.ts";
import { readDataset } from "../../src/chain/datasets/readDataset.ts";
import { localStore, getJson } from "../../src/storage/index.ts";
import { parseManifest } from "../../src/data/index.ts";

const schema = "schemas/penguins.schema.json";
const penguins = path.join(projectRoot, "node_modules/vega-datasets/data/penguins.json");

describe("data owner registers penguins on chain with one command", () => {
  let chain: LocalChain;
  let home: string;
  let cli: (...args: string[]) => ReturnType<ReturnType<typeof cliRunner>>;
  let localDataset: string;
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

  it("registers in --local mode keeping data on disk, private (0600 in 0700 directories), and counts dropped rows", async () => {
    const out = jsonOf<{ datasetId: string; localPath: string; rowsRead: number; rowsDropped: number }>(
      expectExit(await cli("--json", "data", "register", "--schema", schema, "--data", penguins, "--local", "-a", "2")));
    assert.ok(out.localPath.startsWith(path.join(home, "datasets")));
    localDataset = out.datasetId;
    const mode = async (p: string) => (await stat(p)).mode & 0o777;
    assert.equal(await mode(out.localPath), 0o600);
    assert.equal(await mode(path.dirname(out.localPath)), 0o700);
    assert.equal(await mode(path.join(home, "datasets")), 0o700);
    assert.deepEqual([out.rowsRead, out.rowsDropped], [344, 11]);
  });

  it("the same data again is refused without a transaction, unless --allow-duplicate", async () => {
    const nonce = await chain.publicClient.getTransactionCount({ address: chain.account(3).address });
    const again = await cli("data", "register", "--schema", schema, "--data", penguins, "--local", "-a", "3");
    assert.equal(again.code, 1);
    assert.match(again.stderr.trim(), new RegExp(`^error: this data \\(root 0x[0-9a-f]{64}\\) is already registered as dataset ${localDataset}: pass --allow-duplicate to register it again$`));
    assert.equal(await chain.publicClient.getTransactionCount({ address: chain.account(3).address }), nonce);
    expectExit(await cli("data", "register", "--schema", schema, "--data", penguins, "--local", "--allow-duplicate", "-a", "3"));
  });

  it("an account that cannot pay for gas is refused before a byte is stored (local data, store, manifest)", async () => {
    const unfunded = { ...chain.env, TWOPM_PRIVATE_KEY: generatePrivateKey() };
    const fresh = await tempHome("2pm-unfunded-");
    const subset = path.join(fresh, "..", `${path.basename(fresh)}-rows.json`);
    await writeFile(subset, JSON.stringify((JSON.parse(await readFile(penguins, "utf8")) as unknown[]).slice(0, 60)));
    try {
      for (const mode of [["--local"], []]) {
        const r = await runCli(["data", "register", "--schema", schema, "--data", subset, ...mode], { env: unfunded, home: fresh });
        assert.equal(r.code, 1, r.stdout);
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.match(r.stderr.trim(), /^error: register dataset: account 0x[0-9a-fA-F]{40} has (no native token to pay for gas|0 native token, the transaction needs about [0-9.]+ for gas); fund it first$/);
        assert.deepEqual(await readdir(fresh), [], `${mode.join(" ") || "store"}: nothing may be written`);
      }
    } finally {
      await rm(fresh, { recursive: true, force: true });
      await rm(subset, { force: true });
    }
  });

  it("the key holder decrypts the registered dataset from storage, by dataset id or by root", async () => {
    const ctx = await connect({ network: "localhost", root: chain.root });
    const encrypted = await readDataset(ctx, 1n);
    const plain = path.join(home, "plain.csv");
    expectExit(await cli("data", "standardize", "--schema", schema, "--data", penguins, "--out", plain));
    const expected = (await readFile(plain, "utf8")).trim().split("\n").slice(1).map((l) => l.split(",").slice(0, -1).map(Number));
    for (const by of [["--dataset", "1"], ["--root", encrypted.root]]) {
      const out = path.join(home, `decrypted${by[0]}.csv`);
      expectExit(await cli("data", "decrypt", ...by, "--key", encrypted.keyId, "--out", out));
      const back = (await readFile(out, "utf8")).trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
      assert.equal(back.length, expected.length);
      for (let r = 0; r < back.length; r++) for (let c = 0; c < back[r].length; c++) assert.ok(Math.abs(back[r][c] - expected[r][c]) < 1e-6, `${by[0]} row ${r} col ${c}`);
    }
    const plainDataset = await cli("data", "decrypt", "--dataset", localDataset, "--key", encrypted.keyId, "--out", path.join(home, "never.csv"));
    assert.equal(plainDataset.code, 1);
    assert.equal(plainDataset.stderr.trim(), `error: dataset ${localDataset} is not encrypted: its data is not published (it stays with its owner)`);
    const both = await cli("data", "decrypt", "--dataset", "1", "--root", encrypted.root, "--key", encrypted.keyId, "--out", path.join(home, "never.csv"));
    assert.match(both.stderr.trim(), /^error: name the encrypted data with exactly one of --in, --root, --dataset \(got --root, --dataset\)$/);

    // A stored object altered after registration no longer has the committed root: refused, nothing written.
    const object = path.join(home, "store", encrypted.root);
    const original = await readFile(object);
    const tampered = Uint8Array.from(original);
    tampered[tampered.length - 100] ^= 1;
    await writeFile(object, tampered);
    try {
      const r = await cli("data", "decrypt", "--dataset", "1", "--key", encrypted.keyId, "--out", path.join(home, "never.csv"));
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^error: .*${encrypted.root}`));
      await assert.rejects(readFile(path.join(home, "never.csv")), { code: "ENOENT" });
    } finally {
      await writeFile(object, original);
    }
  });

  it("updates a dataset to a new version; only its owner can, and a plain dataset stays plain", async () => {
    const ctx = await connect({ network: "localhost", root: chain.root });
    const subset = path.join(home, "first-100.json");
    await writeFile(subset, JSON.stringify((JSON.parse(await readFile(penguins, "utf8")) as unknown[]).slice(0, 100)));
    const refusedWithoutTx = async (args: string[], account: number, pattern: RegExp) => {
      const nonce = await chain.publicClient.getTransactionCount({ address: chain.account(account).address });
      const r = await cli(...args, "-a", String(account));
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, pattern);
      assert.equal(await chain.publicClient.getTransactionCount({ address: chain.account(account).address }), nonce);
    };
    const update = ["data", "update", "--dataset", localDataset, "--schema", schema, "--data", subset, "--local"];
    await refusedWithoutTx(update, 1, /dataset \d+ belongs to 0x[0-9a-fA-F]{40}, not to 0x/);
    await refusedWithoutTx(["data", "update", "--dataset", localDataset, "--schema", schema, "--data", subset, "--encrypt", "--key", `0x${"ab".repeat(32)}`], 2, /not encrypted: drop --encrypt/);
    await refusedWithoutTx(["data", "update", "--dataset", localDataset, "--schema", "schemas/seattle-weather.schema.json", "--data", subset, "--local"], 2, /is not registered|not a number|column/);
    const out = jsonOf<{ version: number; rows: number; root: string }>(expectExit(await cli("--json", ...update, "-a", "2")));
    assert.equal(out.version, 2);
    const record = await readDataset(ctx, BigInt(localDataset));
    assert.equal(record.version, 2);
    assert.equal(record.rows, BigInt(out.rows));
    assert.ok(out.rows < 100 && out.rows > 90, `rows ${out.rows}`); // rows with a missing value are dropped
    assert.equal(String(record.root).toLowerCase(), out.root);
  });

  it("retires a dataset for good: no update, no second retirement", async () => {
    await assert.rejects(async () => expectExit(await cli("data", "retire", "--dataset", localDataset, "-a", "1")));
    expectExit(await cli("data", "retire", "--dataset", localDataset, "-a", "2"));
    const ctx = await connect({ network: "localhost", root: chain.root });
    assert.equal((await readDataset(ctx, BigInt(localDataset))).retired, true);
    for (const args of [["data", "retire", "--dataset", localDataset], ["data", "update", "--dataset", localDataset, "--schema", schema, "--data", penguins, "--local"]]) {
      const r = await cli(...args, "-a", "2");
      assert.equal(r.code, 1);
      assert.match(r.stderr.trim(), /^error: dataset \d+ is retired$/);
    }
  });
});
