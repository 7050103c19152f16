// An FHE task end to end on a real local chain with the `2pm` CLI as real processes and real node-seal: a data owner
// registers encrypted penguins, a creator opens an FHE task, a compute node holding ONLY evaluation keys computes
// sum/mean/variance and logistic-regression scores, the key holder decrypts and publishes, then settle/verify/claim.
// Also the bad inputs of issue 4: wrong chain id, unfunded account, schema mismatch, mixed keyIds.
// Every home links `store` to one shared directory (the stand-in for 0G storage).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { rewardTokenAbi } from "../../src/chain/abis.ts";
import { connect } from "../../src/chain/client.ts";
import { collectRewardInputs } from "../../src/rewards/index.ts";
import { fitStandardizer, loadRows, loadSchema, standardize, validateRows } from "../../src/data/index.ts";
import { localStore, getJson } from "../../src/storage/index.ts";
import { cliRunner, expectExit, jsonOf, tempHome, type CliResult } from "../helpers/cli.ts";
import { projectRoot, startLocalChain, type LocalChain } from "../helpers/localChain.ts";

const E18 = 10n ** 18n;
const schema = "schemas/penguins.schema.json";
const weatherSchema = "schemas/seattle-weather.schema.json";
const penguins = path.join(projectRoot, "node_modules/vega-datasets/data/penguins.json");
const weather = path.join(projectRoot, "node_modules/vega-datasets/data/seattle-weather.csv");
// Accounts: 0 deployer (mints), 1 data owner + key holder + aggregator, 2 task creator, 3 compute node,
// 4 owner of penguins under another key, 5 owner of encrypted weather data (another schema).
const OWNER = 1, CREATOR = 2, COMPUTE = 3, OTHER_KEY_OWNER = 4, WEATHER_OWNER = 5;
const BUDGET = 100n;
const CHALLENGE = 60;

let chain: LocalChain;
let shared: string;
const homes: Record<"owner" | "creator" | "compute" | "other", string> = { owner: "", creator: "", compute: "", other: "" };
const cli: Record<keyof typeof homes, (...args: string[]) => Promise<CliResult>> = {} as never;
let keyId: string;
let datasetId: string;
let otherKeyDataset: string;
let weatherDataset: string;
let taskId: string;

const addr = (i: number): Address => chain.account(i).address;
const ok = async (p: Promise<CliResult>) => expectExit(await p, 0);
const json = async <T = Record<string, unknown>>(p: Promise<CliResult>) => jsonOf<T>(await ok(p));
const nonceOf = (a: Address) => chain.publicClient.getTransactionCount({ address: a });
const balanceOf = (i: number) =>
  chain.publicClient.readContract({ address: chain.addresses.rewardToken, abi: rewardTokenAbi, functionName: "balanceOf", args: [addr(i)] });

/** Exit ≠ 0, one stderr line matching `pattern`, and no transaction: the block number and `who`'s nonce unchanged. */
async function refused(run: () => Promise<CliResult>, pattern: RegExp, who: Address): Promise<void> {
  const [block, nonce] = await Promise.all([chain.publicClient.getBlockNumber({ cacheTime: 0 }), nonceOf(who)]);
  const r = await run();
  assert.notEqual(r.code, 0, `expected a failure: ${r.args.join(" ")}\n${r.stdout}`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one-line error expected, got: ${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.equal(await chain.publicClient.getBlockNumber({ cacheTime: 0 }), block, "no block was mined");
  assert.equal(await nonceOf(who), nonce, "no transaction was sent");
}

/** Every file under `dir` (following no symlinks), relative. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

before(async () => {
  chain = await startLocalChain();
  shared = await mkdtempIn("2pm-fhe-store-");
  for (const name of Object.keys(homes) as Array<keyof typeof homes>) {
    homes[name] = await tempHome(`2pm-fhe-${name}-`);
    await symlink(shared, path.join(homes[name], "store"));
    cli[name] = cliRunner({ env: chain.env, home: homes[name] });
  }
  let otherKey: string;
  [keyId, otherKey] = await Promise.all([
    json<{ keyId: string }>(cli.owner("--json", "keys", "new")).then((r) => r.keyId),
    json<{ keyId: string }>(cli.other("--json", "keys", "new")).then((r) => r.keyId),
    ok(cli.owner("schema", "register", schema, "-a", String(OWNER))),
    ok(cli.owner("schema", "register", weatherSchema, "-a", String(WEATHER_OWNER))),
    ok(cli.owner("token", "mint", "--to", addr(CREATOR), addr(COMPUTE), "--amount", "1000", "-a", "0")),
  ]);
  const registered = await Promise.all([
    json<{ datasetId: string }>(cli.owner("--json", "data", "register", "--schema", schema, "--data", penguins, "--encrypt", "--key", keyId, "-a", String(OWNER))),
    json<{ datasetId: string }>(cli.other("--json", "data", "register", "--schema", schema, "--data", penguins, "--encrypt", "--key", otherKey, "-a", String(OTHER_KEY_OWNER))),
    json<{ datasetId: string }>(cli.owner("--json", "data", "register", "--schema", weatherSchema, "--data", weather, "--encrypt", "--key", keyId, "-a", String(WEATHER_OWNER))),
    ok(cli.owner("keys", "export-eval", "--key", keyId, "--out", path.join(homes.compute, "eval.keys"))),
  ]);
  [datasetId, otherKeyDataset, weatherDataset] = registered.slice(0, 3).map((r) => (r as { datasetId: string }).datasetId);
});

after(async () => {
  await chain?.stop();
  for (const dir of [shared, ...Object.values(homes)]) if (dir) await rm(dir, { recursive: true, force: true });
});

const mkdtempIn = (prefix: string) => mkdtemp(path.join(tmpdir(), prefix));

describe("FHE task: encrypted statistics and scores, published and settled", () => {
  let columns: string[];
  let model: { weights: number[]; bias: number };
  let plain: { rows: number; cols: number; data: Float64Array };

  test("the creator opens an FHE task on the encrypted penguins", async () => {
    // Plaintext reference: the same validate → fit → standardize pipeline `data register` ran before encrypting.
    const s = await loadSchema(path.join(projectRoot, schema));
    const rows = validateRows(await loadRows(penguins), s);
    const table = standardize(rows, s, fitStandardizer(rows, s));
    columns = table.columns;
    plain = table.features;
    model = { weights: columns.map((_, c) => Math.round(100 * Math.sin(c + 1)) / 100), bias: 0.25 };
    const modelFile = path.join(homes.creator, "model.json");
    await writeFile(modelFile, JSON.stringify(model));
    const created = await json<{ taskId: string; keyId: string; inputs: unknown[] }>(cli.creator(
      "--json", "fhe", "task", "create", "--inputs", datasetId, "--budget", String(BUDGET), "--stake", "10",
      "--ops", "sum,mean,variance,scores", "--model", modelFile, "--aggregator", addr(OWNER),
      "--challenge-window", String(CHALLENGE), "-a", String(CREATOR)));
    taskId = created.taskId;
    assert.equal(created.keyId, keyId);
    assert.equal(created.inputs.length, 1);
  });

  test("the owner updates the input afterwards: the task still computes on the version it was created with", async () => {
    const firstHundred = path.join(homes.owner, "first-100.json");
    await writeFile(firstHundred, JSON.stringify((JSON.parse(await readFile(penguins, "utf8")) as unknown[]).slice(0, 100)));
    const updated = await json<{ version: number; rows: number }>(cli.owner(
      "--json", "data", "update", "--dataset", datasetId, "--schema", schema, "--data", firstHundred, "--encrypt", "--key", keyId, "-a", String(OWNER)));
    assert.equal(updated.version, 2);
    assert.ok(updated.rows < 100);
  });

  test("the compute node, holding only evaluation keys, computes and submits the encrypted result", async () => {
    const files = await filesUnder(homes.compute);
    assert.deepEqual(files, ["eval.keys"], "the compute node's home holds the evaluation keys and nothing else");
    assert.ok(!files.some((f) => /secret/.test(f)));
    const r = await json<{ resultRoot: string; rows: number }>(cli.compute("--json", "fhe", "compute", "--task", taskId, "--eval-keys", path.join(homes.compute, "eval.keys"), "-a", String(COMPUTE)));
    assert.equal(r.rows, 333);
    assert.ok(!(await filesUnder(homes.compute)).some((f) => /secret/.test(f)));
    // A second run is refused without a transaction.
    await refused(() => cli.compute("fhe", "compute", "--task", taskId, "--eval-keys", path.join(homes.compute, "eval.keys"), "-a", String(COMPUTE)), /already submitted/, addr(COMPUTE));
  });

  test("only the aggregator publishes; the published results match the plaintext computation", async () => {
    await refused(() => cli.creator("fhe", "publish", "--task", taskId, "-a", String(CREATOR)), /only the aggregator/, addr(CREATOR));
    const pub = await json<{ publishedRoot: Hex; columns: string[]; rows: number; sums: number[]; means: number[]; variances: number[]; scores: number[][] }>(
      cli.owner("--json", "fhe", "publish", "--task", taskId, "-a", String(OWNER)));
    assert.deepEqual(pub.columns, columns);
    assert.equal(pub.rows, plain.rows);
    const close = (actual: number, expected: number, what: string) =>
      assert.ok(Math.abs(actual - expected) <= 1e-4 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
    for (let c = 0; c < plain.cols; c++) {
      let sum = 0, sq = 0;
      for (let r = 0; r < plain.rows; r++) { const x = plain.data[r * plain.cols + c]; sum += x; sq += x * x; }
      const mean = sum / plain.rows;
      close(pub.sums[c], sum, `sum ${columns[c]}`);
      close(pub.means[c], mean, `mean ${columns[c]}`);
      close(pub.variances[c], sq / plain.rows - mean * mean, `variance ${columns[c]}`);
    }
    assert.equal(pub.scores.length, plain.rows);
    for (let r = 0; r < plain.rows; r++) {
      let score = model.bias;
      for (let c = 0; c < plain.cols; c++) score += model.weights[c] * plain.data[r * plain.cols + c];
      close(pub.scores[r][0], score, `score of row ${r}`);
    }
    // What was finalized on chain is the stored published JSON.
    const stored = await getJson<{ means: number[] }>(localStore(shared), pub.publishedRoot);
    assert.deepEqual(stored.means, pub.means);
    const show = await json<{ status: string }>(cli.owner("--json", "task", "show", "--task", taskId));
    assert.equal(show.status, "Finished");
  });

  test("settle, verify and claim: the compute node gets the compute pool, the owner the data pool", async () => {
    // The payout inputs count the input as the version the task computed on (333 rows), not the later update.
    process.env.LOCALHOST_RPC_URL = chain.rpcUrl;
    const inputs = await collectRewardInputs(await connect({ network: "localhost", root: chain.root }), localStore(shared), BigInt(taskId));
    assert.equal(inputs.kind === "FHE" && inputs.fhe.datasets[0].rows, 333n);
    const settled = await json<{ payoutRoot: string }>(cli.owner("--json", "settle", "--task", taskId, "-a", String(OWNER)));
    assert.equal((await ok(cli.compute("verify-settlement", "--task", taskId))).stdout.trim(), `OK ${settled.payoutRoot}`);
    await chain.increaseTime(CHALLENGE + 1);
    const [ownerBefore, computeBefore] = await Promise.all([balanceOf(OWNER), balanceOf(COMPUTE)]);
    await Promise.all([ok(cli.owner("claim", "--task", taskId, "-a", String(OWNER))), ok(cli.compute("claim", "--task", taskId, "-a", String(COMPUTE)))]);
    const dataPool = (BUDGET * E18 * 3000n) / 10_000n;
    assert.equal((await balanceOf(OWNER)) - ownerBefore, dataPool);
    assert.equal((await balanceOf(COMPUTE)) - computeBefore, BUDGET * E18 - dataPool);
  });
});

describe("bad inputs: one line, exit ≠ 0, no transaction, no partial file", () => {
  const create = (inputs: string, ...extra: string[]) =>
    cli.creator(...(extra[0] === "--json" ? ["--json"] : []), "fhe", "task", "create", "--inputs", inputs, "--budget", "10", "--stake", "1", "--ops", "mean", "-a", String(CREATOR), ...extra.filter((e) => e !== "--json"));

  test("mixed keyIds among FHE inputs", async () => {
    await refused(() => create(`${datasetId},${otherKeyDataset}`), new RegExp(`dataset ${otherKeyDataset} is encrypted under key 0x[0-9a-f]{64}.*must share one key`), addr(CREATOR));
  });

  test("schema mismatch: an FHE input of another schema", async () => {
    await refused(() => create(`${datasetId},${weatherDataset}`), new RegExp(`dataset ${weatherDataset} has schema \\d+.*must share one schema`), addr(CREATOR));
  });

  test("schema mismatch: data register with a CSV that does not match the schema", async () => {
    const before = await readdir(homes.owner);
    await refused(() => cli.owner("data", "register", "--schema", schema, "--data", weather, "--encrypt", "--key", keyId, "-a", String(OWNER)), /column 'Species' is missing/, addr(OWNER));
    assert.deepEqual(await readdir(homes.owner), before, "no partial file in the home");
  });

  test("a model whose width is not the inputs' column count", async () => {
    const file = path.join(homes.creator, "narrow.json");
    await writeFile(file, JSON.stringify({ weights: [1, 2], bias: 0 }));
    await refused(() => create(datasetId, "--ops", "scores", "--model", file), /2 weights per output but the inputs have 6 standardized columns/, addr(CREATOR));
  });

  test("a compute node with evaluation keys of another key: refused before joining", async () => {
    const { taskId: id } = await json<{ taskId: string }>(create(datasetId, "--json"));
    const wrong = path.join(homes.other, "eval.keys");
    const otherKey = (await readdir(path.join(homes.other, "keys")))[0];
    await ok(cli.other("keys", "export-eval", "--key", otherKey, "--out", wrong));
    await refused(() => cli.compute("fhe", "compute", "--task", id, "--eval-keys", wrong, "-a", String(COMPUTE)), /evaluation keys are for key 0x[0-9a-f]{64}, FHE task \d+ needs/, addr(COMPUTE));
  });

  test("unfunded account: a fresh TWOPM_PRIVATE_KEY without gas money", async () => {
    const key = generatePrivateKey();
    const who = privateKeyToAccount(key).address;
    const run = cliRunner({ env: { ...chain.env, TWOPM_PRIVATE_KEY: key }, home: homes.other });
    await refused(() => run("schema", "register", "schemas/flights.schema.json"), /native token|gas|fund/i, who);
    await refused(() => run("fhe", "task", "create", "--inputs", datasetId, "--budget", "10", "--stake", "1", "--ops", "mean"), /fund it first/, who);
    assert.equal(await nonceOf(who), 0);
  });

  test("wrong chain id: deployments made on another chain than the RPC serves", async () => {
    const root = await mkdtempIn("2pm-wrong-chain-");
    try {
      const dir = path.join(root, "deployments/localhost");
      await mkdir(dir, { recursive: true });
      await cp(path.join(chain.root, "deployments/localhost"), dir, { recursive: true });
      for (const f of await readdir(dir)) {
        const file = path.join(dir, f);
        await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, "utf8")), chainId: 16602 }));
      }
      const run = cliRunner({ env: { ...chain.env, TWOPM_ROOT: root }, home: homes.creator });
      await refused(() => run("fhe", "task", "create", "--inputs", datasetId, "--budget", "10", "--stake", "1", "--ops", "mean", "-a", String(CREATOR)),
        /chain 16602.*chain 31337/, addr(CREATOR));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
