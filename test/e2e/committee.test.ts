// An FHE task decrypted by a 3-member committee, end to end on a real local chain with the `2pm` CLI as real
// processes and real node-seal: three members set up the collective key concurrently (keygen, join, confirm), two
// contributors encrypt under it with nothing but its public keys file, a compute node computes, the three members
// check and share, the aggregator combines and publishes, anyone verifies (and catches a false publication), then
// settle and claim. Then the members' policy: the same job again is declined (already shared), row-level scores are
// declined unless allowed, a result keeping one sum per input (an old compute node's) is declined. Last scenario:
// one member stays offline: publishing fails naming it (and the decliner), after the share window it is slashed
// (its stake credited to the task's creator), the task is abandoned, refunded.
// Every home links `store` to one shared directory (the stand-in for 0G storage).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { zeroHash, type Address, type Hex } from "viem";
import { fheCommitteesAbi, rewardTokenAbi } from "../../src/chain/abis.ts";
import { connect } from "../../src/chain/client.ts";
import { taskWrite } from "../../src/chain/index.ts";
import { fitStandardizer, loadRows, loadSchema, standardize, validateRows } from "../../src/data/index.ts";
import { loadCiphertext } from "../../src/fhe/checks.ts";
import { openFhed } from "../../src/fhe/fhedHeader.ts";
import { COMMITTEE_FHE_PARAMS, computeStats, createFheContext, readCommitteeKeys, readMemberState } from "../../src/fhe/index.ts";
import { withScope } from "../../src/fhe/seal.ts";
import { canonicalJsonBytes, getJson, localStore } from "../../src/storage/index.ts";
import { joinTask } from "../../src/chain/index.ts";
import { versionOneResult } from "../unit/fhe/helpers.ts";
import { cliRunner, expectExit, jsonOf, tempHome, type CliResult } from "../helpers/cli.ts";
import { projectRoot, startLocalChain, type LocalChain } from "../helpers/localChain.ts";

const E18 = 10n ** 18n;
const schema = "schemas/penguins.schema.json";
const penguins = path.join(projectRoot, "node_modules/vega-datasets/data/penguins.json");
// Accounts: 0 deployer (mints) and committee creator, 1–3 members, 4–5 contributors, 6 task creator and aggregator,
// 7 compute node.
const MEMBERS = [1, 2, 3], CONTRIBUTORS = [4, 5], CREATOR = 6, COMPUTE = 7;
const STAKE = 5n, BUDGET = 100n, CHALLENGE = 60;
const ROUND = 600, REVEAL = 600, AGGREGATOR_WINDOW = 600;

type Role = "m1" | "m2" | "m3" | "c1" | "c2" | "creator" | "compute" | "anyone";
let chain: LocalChain;
let shared: string;
const homes = {} as Record<Role, string>;
const cli = {} as Record<Role, (...args: string[]) => Promise<CliResult>>;
const member = (i: number) => cli[`m${i + 1}` as Role];
let committeeId: string;
let keyId: Hex;
let keysRoot: Hex;
let datasets: string[];
let contributionRoots: Hex[];
let stats: string;
/** The whole table, standardized as the contributors did (the plaintext reference). */
let plain: { rows: number; cols: number; data: Float64Array };
let columns: string[];

const addr = (i: number): Address => chain.account(i).address;
const ok = async (p: Promise<CliResult>) => expectExit(await p, 0);
const json = async <T = Record<string, unknown>>(p: Promise<CliResult>) => jsonOf<T>(await ok(p));
const balanceOf = (a: Address) =>
  chain.publicClient.readContract({ address: chain.addresses.rewardToken, abi: rewardTokenAbi, functionName: "balanceOf", args: [a] });

/** Exit ≠ 0 with one stderr line matching `pattern`. */
async function fails(p: Promise<CliResult>, pattern: RegExp): Promise<void> {
  const r = await p;
  assert.notEqual(r.code, 0, `expected a failure: ${r.args.join(" ")}\n${r.stdout}`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one-line error expected, got: ${r.stderr}`);
  assert.match(lines[0], pattern);
}

/** An FHE task on both contributions, created by the creator (also its aggregator), joined by the compute node. */
async function fheTask(ops: string, inputs = datasets, ...extra: string[]): Promise<string> {
  const { taskId } = await json<{ taskId: string }>(cli.creator(
    "--json", "fhe", "task", "create", "--inputs", inputs.join(","), "--budget", String(BUDGET), "--stake", "1", "--ops", ops, ...extra,
    "--decimals", "4", "--round-duration", String(ROUND), "--reveal-duration", String(REVEAL), "--aggregator-window", String(AGGREGATOR_WINDOW),
    "--challenge-window", String(CHALLENGE), "-a", String(CREATOR)));
  const computed = await json<{ rows: number }>(cli.compute("--json", "fhe", "compute", "--task", taskId, "-a", String(COMPUTE)));
  if (inputs.length === 2) assert.equal(computed.rows, 333);
  return taskId;
}

before(async () => {
  chain = await startLocalChain();
  shared = await mkdtemp(path.join(tmpdir(), "2pm-committee-store-"));
  for (const role of ["m1", "m2", "m3", "c1", "c2", "creator", "compute", "anyone"] as Role[]) {
    homes[role] = await tempHome(`2pm-committee-${role}-`);
    await symlink(shared, path.join(homes[role], "store"));
    cli[role] = cliRunner({ env: chain.env, home: homes[role], timeoutMs: 600_000 });
  }
  // Two halves of the penguins, standardized with the same stats (so the task's statistics are the whole table's).
  const rows = JSON.parse(await readFile(penguins, "utf8")) as unknown[];
  await writeFile(path.join(homes.c1, "half.json"), JSON.stringify(rows.slice(0, 172)));
  await writeFile(path.join(homes.c2, "half.json"), JSON.stringify(rows.slice(172)));
  stats = path.join(homes.anyone, "stats.json");
  await Promise.all([
    ok(cli.anyone("data", "standardize", "--schema", schema, "--data", penguins, "--out", path.join(homes.anyone, "all.csv"), "--stats", stats)),
    // Both from account 0: one after the other (one nonce sequence).
    ok(cli.anyone("schema", "register", schema, "-a", "0")).then(() =>
      ok(cli.anyone("token", "mint", "--to", ...MEMBERS.map(addr), addr(CREATOR), addr(COMPUTE), "--amount", "1000", "-a", "0"))),
  ]);
});

after(async () => {
  await chain?.stop();
  for (const dir of [shared, ...Object.values(homes)]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("FHE task under a 3-member committee: set up, encrypted, computed, shared, published, verified, settled", () => {
  test("three member processes set up the committee concurrently: keygen, join (stake + commit), confirm", async () => {
    const created = await json<{ committeeId: string; seed: Hex }>(cli.anyone(
      "--json", "committee", "create", "--members", MEMBERS.map(addr).join(","), "--stake", String(STAKE), "--unbonding", "60", "-a", "0"));
    committeeId = created.committeeId;
    const confirmed = await Promise.all(MEMBERS.map(async (account, i) => {
      const run = member(i);
      const gen = await json<{ member: number; keyShareRoot: Hex }>(run("--json", "committee", "keygen", "--committee", committeeId, "-a", String(account)));
      assert.equal(gen.member, i);
      await ok(run("committee", "join", "--committee", committeeId, "-a", String(account)));
      return json<{ keyId: Hex; keysRoot: Hex }>(run("--json", "committee", "confirm", "--committee", committeeId, "--wait", "-a", String(account)));
    }));
    keyId = confirmed[0].keyId;
    keysRoot = confirmed[0].keysRoot;
    for (const c of confirmed) assert.deepEqual([c.keyId, c.keysRoot], [keyId, confirmed[0].keysRoot], "every member assembled the same keys");
    const show = await json<{ status: string; keyId: Hex; members: { committed: boolean; confirmed: boolean }[] }>(cli.anyone("--json", "committee", "show", committeeId));
    assert.equal(show.status, "Active");
    assert.equal(show.keyId, keyId);
    assert.ok(show.members.every((m) => m.committed && m.confirmed));
    // A rerun is idempotent: no transaction, the same keys.
    const again = await json<{ keyId: Hex; transactionHash?: Hex }>(member(0)("--json", "committee", "confirm", "--committee", committeeId, "-a", String(MEMBERS[0])));
    assert.equal(again.keyId, keyId);
    assert.equal(again.transactionHash, undefined);
  });

  test("two contributors encrypt under the committee with its public keys only: the stored bytes hold no plaintext value", async () => {
    const registered = await Promise.all(CONTRIBUTORS.map((account, i) => json<{ datasetId: string; root: Hex; encryption: string }>((i === 0 ? cli.c1 : cli.c2)(
      "--json", "data", "register", "--schema", schema, "--data", path.join(homes[i === 0 ? "c1" : "c2"], "half.json"), "--stats", stats,
      "--encrypt", "--committee", committeeId, "-a", String(account)))));
    datasets = registered.map((r) => r.datasetId);
    contributionRoots = registered.map((r) => r.root);
    assert.ok(registered.every((r) => r.encryption === "ckks"));
    // The contributors hold no key of their own.
    for (const role of ["c1", "c2"] as const) await assert.rejects(readFile(path.join(homes[role], "keys")), "a contributor made no key");
    // No standardized value of the first rows appears in the uploaded ciphertexts (as float64, in either byte order).
    const s = await loadSchema(path.join(projectRoot, schema));
    const rows = validateRows(await loadRows(penguins), s);
    const table = standardize(rows, s, fitStandardizer(rows, s));
    plain = table.features;
    columns = table.columns;
    const bytes = Buffer.from(await readFile(path.join(shared, registered[0].root)));
    for (const x of table.features.data.slice(0, 60).filter((v) => !Number.isInteger(v))) { // not one-hot 0/1: 8 common bytes
      const le = Buffer.alloc(8); le.writeDoubleLE(x);
      const be = Buffer.alloc(8); be.writeDoubleBE(x);
      assert.equal(bytes.indexOf(le), -1, `plaintext ${x} found in the ciphertexts`);
      assert.equal(bytes.indexOf(be), -1, `plaintext ${x} found in the ciphertexts`);
    }
  });

  test("one member's secret share and every public file decrypt a contribution to noise only", async () => {
    const { secretKey } = await readMemberState(path.join(homes.m1, "committees", committeeId, "member.state"));
    const fhed = new Uint8Array(await readFile(path.join(shared, contributionRoots[0])));
    const ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
    try {
      const values = withScope((scope) => {
        const ct = loadCiphertext(ctx, scope, openFhed(fhed).container.blob(0), "ciphertext", undefined);
        const sk = scope.add(new ctx.seal.SecretKey());
        sk.loadFromArray(ctx.context, secretKey);
        const decrypted = scope.add(new ctx.seal.Plaintext());
        scope.add(new ctx.seal.Decryptor(ctx.context, sk)).decrypt(ct, decrypted);
        return ctx.encoder.decodeFloat64(decrypted);
      });
      // Standardized values are within ±10; a decryption with one share of the key is spread over the modulus.
      const largest = Math.max(...Array.from(values.slice(0, 172), Math.abs));
      assert.ok(largest > 1e3, `one member decrypted values of magnitude ${largest}: not noise`);
    } finally {
      ctx.dispose();
    }
  });

  let taskId: string;
  let publishedRoot: Hex;

  test("the compute node computes with the committee's keys (no --eval-keys); the three members check and share", async () => {
    taskId = await fheTask("sum,mean,variance");
    const shares = await Promise.all(MEMBERS.map((account, i) =>
      json<{ member: number; declined: boolean; root: Hex }>(member(i)("--json", "fhe", "share", "--task", taskId, "-a", String(account)))));
    assert.deepEqual(shares.map((s) => [s.member, s.declined]), [[0, false], [1, false], [2, false]]);
    // A second share is refused (no transaction is needed to know: the chain holds the first).
    await fails(member(0)("fhe", "share", "--task", taskId, "-a", String(MEMBERS[0])), /already posted your share/);
  });

  test("the aggregator combines the shares and publishes values that match the plaintext computation", async () => {
    const pub = await json<{ publishedRoot: Hex; columns: string[]; rows: number; sums: number[]; means: number[]; variances: number[]; committee: { committeeId: string; shares: { member: Address; root: Hex }[] } }>(
      cli.creator("--json", "fhe", "publish", "--task", taskId, "-a", String(CREATOR)));
    publishedRoot = pub.publishedRoot;
    assert.deepEqual(pub.columns, columns);
    assert.equal(pub.rows, plain.rows);
    assert.equal(pub.committee.committeeId, committeeId);
    assert.deepEqual(pub.committee.shares.map((s) => s.member), MEMBERS.map(addr));
    // Committee precision (smudging noise, then 4 decimals): means and variances ±2e-4, sums ±0.1 of ~333 values.
    const close = (actual: number, expected: number, tolerance: number, what: string) =>
      assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
    for (let c = 0; c < plain.cols; c++) {
      let sum = 0, sq = 0;
      for (let r = 0; r < plain.rows; r++) { const x = plain.data[r * plain.cols + c]; sum += x; sq += x * x; }
      const mean = sum / plain.rows;
      close(pub.sums[c], sum, 0.1, `sum ${columns[c]}`);
      close(pub.means[c], mean, 2e-4, `mean ${columns[c]}`);
      close(pub.variances[c], sq / plain.rows - mean * mean, 2e-4, `variance ${columns[c]}`);
    }
    const show = await json<{ status: string }>(cli.anyone("--json", "task", "show", "--task", taskId));
    assert.equal(show.status, "Finished");
  });

  test("anyone re-derives the publication from the posted shares; a false publication is caught", async () => {
    assert.equal((await ok(cli.anyone("fhe", "verify", "--task", taskId))).stdout.trim(), `OK ${publishedRoot}`);
    // A publisher that changed one mean: the stored publication exists, but it is not what the shares give.
    const published = await getJson<{ means: number[] }>(localStore(shared), publishedRoot);
    const forged = { ...published, means: [published.means[0] + 0.5, ...published.means.slice(1)] };
    const forgedRoot = await localStore(shared).put(canonicalJsonBytes(forged));
    await fails(cli.anyone("fhe", "verify", "--task", taskId, "--publication", forgedRoot), /is not what the posted shares give: means\[0\]: published [-\d.]+, the shares give [-\d.]+/);
  });

  test("settle and claim: the compute node gets the compute pool, the contributors the data pool", async () => {
    const settled = await json<{ payoutRoot: string }>(cli.creator("--json", "settle", "--task", taskId, "-a", String(CREATOR)));
    assert.match(settled.payoutRoot, /^0x[0-9a-f]{64}$/);
    await chain.increaseTime(CHALLENGE + 1);
    const accounts = [COMPUTE, ...CONTRIBUTORS];
    const before = await Promise.all(accounts.map((a) => balanceOf(addr(a))));
    await Promise.all([
      ok(cli.compute("claim", "--task", taskId, "-a", String(COMPUTE))),
      ok(cli.c1("claim", "--task", taskId, "-a", String(CONTRIBUTORS[0]))),
      ok(cli.c2("claim", "--task", taskId, "-a", String(CONTRIBUTORS[1]))),
    ]);
    const gained = (await Promise.all(accounts.map((a) => balanceOf(addr(a))))).map((b, i) => b - before[i]);
    const dataPool = (BUDGET * E18 * 3000n) / 10_000n;
    assert.equal(gained[0], BUDGET * E18 - dataPool, "the compute pool");
    assert.ok(gained[1] > 0n && gained[2] > 0n, "both contributors are paid");
    assert.ok(gained[1] + gained[2] <= dataPool && dataPool - (gained[1] + gained[2]) < 10n, "the data pool, split by rows");
  });
});

describe("a result a member already shared", () => {
  test("the same job on the same inputs gives the same ciphertexts: members decline it (stated reason), never share twice", async () => {
    const again = await fheTask("sum,mean,variance");
    const r = await json<{ declined: boolean; reason: string; root: Hex }>(member(0)("--json", "fhe", "share", "--task", again, "-a", String(MEMBERS[0])));
    assert.equal(r.declined, true);
    assert.equal(r.reason, "already-shared");
    const statement = await getJson<{ format: string; reason: string; taskId: string }>(localStore(shared), r.root);
    assert.deepEqual([statement.format, statement.reason, statement.taskId], ["2pm-fhe-decline/1", "already-shared", again]);
    await fails(cli.creator("fhe", "publish", "--task", again, "-a", String(CREATOR)), /declined by member 0 0x[0-9a-fA-F]{40} \(reason 0x[0-9a-f]{64}\)/);
  });
});

describe("a compute node that keeps one sum per input (version 1 results)", () => {
  test("a member declines it (reason per-dataset) before decrypting anything: the shares would reveal each contributor's sums", async () => {
    const { taskId } = await json<{ taskId: string }>(cli.creator(
      "--json", "fhe", "task", "create", "--inputs", datasets.join(","), "--budget", String(BUDGET), "--stake", "1", "--ops", "sum,mean",
      "--decimals", "4", "--round-duration", String(ROUND), "--reveal-duration", String(REVEAL), "--aggregator-window", String(AGGREGATOR_WINDOW),
      "--challenge-window", String(CHALLENGE), "-a", String(CREATOR)));
    // The compute node runs the old code: each input computed alone, the results side by side.
    const store = localStore(shared);
    const ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
    let old: Uint8Array;
    try {
      const { evaluationKeys } = readCommitteeKeys(ctx, await store.get(keysRoot));
      const singles = [];
      for (const root of contributionRoots) singles.push(await computeStats(ctx, await store.get(root), evaluationKeys, { ops: ["sum", "mean"] }));
      old = versionOneResult(singles);
    } finally {
      ctx.dispose();
    }
    process.env.LOCALHOST_RPC_URL = chain.rpcUrl;
    const chainCtx = await connect({ network: "localhost", root: chain.root, accountIndex: COMPUTE });
    await joinTask(chainCtx, BigInt(taskId), 0n, zeroHash);
    await taskWrite(chainCtx, "submitUpdate", [BigInt(taskId), 1, await store.put(old), BigInt(plain.rows)], "submit a version 1 result");
    const r = await json<{ declined: boolean; reason: string; root: Hex }>(member(1)("--json", "fhe", "share", "--task", taskId, "-a", String(MEMBERS[1])));
    assert.deepEqual([r.declined, r.reason], [true, "per-dataset"]);
    const statement = await getJson<{ reason: string; message: string }>(store, r.root);
    assert.match(statement.message, /over 2 input datasets keeps one sum per input/);
  });
});

describe("one member offline: publishing fails naming it, it is slashed after the window, the task is abandoned and refunded", () => {
  let taskId: string;

  test("one member shares, one declines row-level scores, one is silent; publish fails naming them and the deadline", async () => {
    // Another job than task 1's: linear scores share no ciphertext with the statistics the members already shared
    // (any statistic of these inputs would: members decline those).
    const model = path.join(homes.creator, "model.json");
    await writeFile(model, JSON.stringify({ weights: columns.map((_, c) => (c % 2 ? -0.5 : 0.5)), bias: 0.1 }));
    taskId = await fheTask("scores", datasets.slice(0, 1), "--model", model);
    // Member 0 allows row-level outputs; member 1 keeps the default policy and declines them (not slashable).
    const [shared0, declined1] = await Promise.all([
      json<{ declined: boolean }>(member(0)("--json", "fhe", "share", "--task", taskId, "--allow-row-level", "-a", String(MEMBERS[0]))),
      json<{ declined: boolean; reason: string }>(member(1)("--json", "fhe", "share", "--task", taskId, "-a", String(MEMBERS[1]))),
    ]);
    assert.equal(shared0.declined, false);
    assert.deepEqual([declined1.declined, declined1.reason], [true, "row-level"]);
    await fails(cli.creator("fhe", "publish", "--task", taskId, "-a", String(CREATOR)),
      new RegExp(`cannot be decrypted by committee ${committeeId}: no share yet from member 2 ${addr(MEMBERS[2])}; declined by member 1 ${addr(MEMBERS[1])} \\(reason 0x[0-9a-f]{64}\\); members can post until \\d{4}-`));
    await fails(cli.anyone("committee", "slash", "--task", taskId, "-a", "0"), /members can post shares .* until/);
  });

  test("after the share window, anyone slashes the silent member: its stake is credited to the task's creator, the committee is Broken", async () => {
    await chain.increaseTime(ROUND + REVEAL + 1);
    const slashed = await json<{ slashed: { member: Address }[]; beneficiary: Address }>(cli.anyone("--json", "committee", "slash", "--task", taskId, "-a", "0"));
    assert.deepEqual(slashed.slashed.map((s) => s.member), [addr(MEMBERS[2])]);
    assert.equal(slashed.beneficiary, addr(CREATOR));
    const credit = await chain.publicClient.readContract({ address: chain.addresses.fheCommittees, abi: fheCommitteesAbi, functionName: "creditOf", args: [chain.addresses.rewardToken, addr(CREATOR)] });
    assert.equal(credit, STAKE * E18);
    const show = await json<{ status: string }>(cli.anyone("--json", "committee", "show", committeeId));
    assert.equal(show.status, "Broken");
    await fails(cli.creator("fhe", "publish", "--task", taskId, "-a", String(CREATOR)), /the share window closed at .*ends abandoned/);
    const before = await balanceOf(addr(CREATOR));
    await ok(cli.creator("committee", "withdraw", "--credit", "-a", String(CREATOR)));
    assert.equal((await balanceOf(addr(CREATOR))) - before, STAKE * E18);
  });

  test("the unfinalized task is abandoned by the existing rule and its budget refunded to the creator", async () => {
    await chain.increaseTime(AGGREGATOR_WINDOW + 1);
    // Anyone abandons it (no CLI command does this alone: the aggregator's loop does it for FL tasks).
    process.env.LOCALHOST_RPC_URL = chain.rpcUrl;
    await taskWrite(await connect({ network: "localhost", root: chain.root, accountIndex: 0 }), "abandonTask", [BigInt(taskId)], `abandon task ${taskId}`);
    const show = await json<{ status: string }>(cli.anyone("--json", "task", "show", "--task", taskId));
    assert.equal(show.status, "Abandoned");
    const before = await balanceOf(addr(CREATOR));
    await ok(cli.creator("refund", "--task", taskId, "-a", String(CREATOR)));
    assert.ok((await balanceOf(addr(CREATOR))) - before >= BUDGET * E18, "the budget came back");
  });
});
