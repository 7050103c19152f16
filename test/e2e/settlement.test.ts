// Reward settlement end to end on a real local chain, with the `2pm` CLI run as real processes sharing one --home
// (and so one local store): datasets with real label histograms (penguins split by Island), an FL task with a
// slashed node, a tampered settlement that is caught, disputed and resolved by the task's resolver, an FHE task whose
// unclaimed payouts return to the creator after the claim period, and a cancelled task.
// Rounds are driven directly with viem (update roots are random: settlement only reads the events).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { keccak256, toHex, type Address, type Hex } from "viem";
import { rewardTokenAbi } from "../../src/chain/abis.ts";
import { connect, type ChainContext } from "../../src/chain/client.ts";
import { write } from "../../src/chain/write.ts";
import { chainTime } from "../../src/chain/chainTime.ts";
import { registerDataset } from "../../src/chain/datasets/registerDataset.ts";
import { registerSchema } from "../../src/chain/datasets/registerSchema.ts";
import { createTask } from "../../src/chain/tasks/createTask.ts";
import { joinTask } from "../../src/chain/tasks/joinTask.ts";
import type { TaskParams } from "../../src/chain/tasks/readTaskParams.ts";
import { taskWrite } from "../../src/chain/tasks/taskWrite.ts";
import { buildManifest, fitStandardizer, loadRows, loadSchema, schemaHash, splitBy, standardize, standardizedCsv, validateRows } from "../../src/data/index.ts";
import type { RawRow, Schema } from "../../src/data/index.ts";
import {
  claimPayout,
  computeTaskPayouts,
  parsePayoutTable,
  payoutProof,
  payoutRoot,
  postSettlement,
  verifyPayoutTable,
  withdrawStake,
  type PayoutTable,
} from "../../src/rewards/index.ts";
import { localStore, putJson, type LocalStore } from "../../src/storage/index.ts";
import { cliRunner, expectExit, jsonOf, tempHome, type CliResult } from "../helpers/cli.ts";
import { projectRoot, startLocalChain, type LocalChain } from "../helpers/localChain.ts";

const E18 = 10n ** 18n;
const STAKE = 100n * E18;
// Windows far longer than any test step takes on a loaded machine (chain time follows the wall clock); the test
// moves chain time past them instead of waiting.
const CHALLENGE = 3_600;
const KEY_ID = keccak256(toHex("ckks public key of the FHE data owners"));
// Accounts: 0 deployer (mints), 1 creator, 2 aggregator, 3–5 FL nodes (one island each), 6 a node that misses
// round 2, 7–8 owners of encrypted datasets, 9 the FHE compute node, 10 the resolver of every task.
const CREATOR = 1;
const RESOLVER = 10;
const AGGREGATOR = 2;
const NODES = [3, 4, 5];
const DROPPER = 6;

let chain: LocalChain;
let home: string;
let store: LocalStore;
let cli: (...args: string[]) => Promise<CliResult>;
const contexts = new Map<number, ChainContext>();
let schema: Schema;
let schemaId: bigint;
const datasetOf = new Map<number, bigint>();
const fheInputs: Array<{ datasetId: bigint; root: Hex; manifestRoot: Hex; rows: bigint }> = [];

const ctx = (i: number) => contexts.get(i)!;
const addr = (i: number): Address => chain.account(i).address;
const indexOf = (account: Address) => [...Array(11).keys()].find((i) => addr(i).toLowerCase() === account.toLowerCase())!;
const b32 = (label: string): Hex => keccak256(toHex(label));
const balanceOf = (who: Address) => ctx(0).contracts.rewardToken.read.balanceOf([who]);
const escrow = () => balanceOf(chain.addresses.trainingTasks);
const leafOf = (table: PayoutTable, i: number) => table.leaves.find((l) => l.account === addr(i).toLowerCase())?.amount ?? 0n;
const ok = async (p: Promise<CliResult>) => expectExit(await p, 0);
const fails = async (p: CliResult | Promise<CliResult>, pattern: RegExp) => {
  const r = expectExit(await p, 1);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split("\n").length, 1, `one-line error expected, got: ${r.stderr}`);
  return r;
};

async function registerPenguins(owner: number, rows: RawRow[], label: string, encrypted = false): Promise<{ datasetId: bigint; root: Hex; manifestRoot: Hex; rows: bigint }> {
  const valid = validateRows(rows, schema);
  const stats = fitStandardizer(valid, schema);
  const table = standardize(valid, schema, stats);
  // Encrypted data: the content would be the .fhed ciphertext file; any bytes serve as its commitment here.
  const bytes = new TextEncoder().encode(encrypted ? `ciphertexts of ${label}` : standardizedCsv(table));
  const contentRoot = await store.put(bytes);
  const manifest = buildManifest({
    schema, table, standardization: stats, contentRoot,
    ...(encrypted ? { encryption: { scheme: "ckks", polyModulusDegree: 8192, coeffModulusBits: [60, 40, 40, 60], scale: 2 ** 40, keyId: KEY_ID } as const, includeLabelHistogram: false } : {}),
  });
  const manifestRoot = await putJson(store, manifest);
  const { datasetId } = await registerDataset(ctx(owner), {
    schemaId, root: contentRoot, manifestRoot, rows: BigInt(table.features.rows),
    encryption: encrypted ? "ckks" : "none", keyId: encrypted ? KEY_ID : undefined, uri: `penguins:${label}`,
  });
  return { datasetId, root: contentRoot, manifestRoot, rows: BigInt(table.features.rows) };
}

async function taskParams(overrides: Partial<TaskParams>): Promise<TaskParams> {
  return {
    kind: 0, schemaId: Number(schemaId), modelRoot: b32("logistic regression spec"), rounds: 2, minNodes: 3, maxNodes: 3,
    stake: STAKE, rewardToken: chain.addresses.rewardToken, budget: 1000n * E18 + 7n,
    joinDeadline: (await chainTime(ctx(0))) + 86_400n, roundDuration: 600, revealDuration: 600, aggregatorWindow: 3_600,
    challengeWindow: CHALLENGE, claimPeriod: 86_400, aggregator: addr(AGGREGATOR), resolver: addr(RESOLVER),
    dataShareBps: 3000, computeDecayBps: 9500, dataDecayBps: 7000,
    ...overrides,
  };
}

const submit = (node: number, taskId: bigint, round: number, samples: bigint) =>
  taskWrite(ctx(node), "submitUpdate", [taskId, round, b32(`update ${taskId}/${round}/${node}`), samples], "submit update");
const finalize = (taskId: bigint, round: number) =>
  taskWrite(ctx(AGGREGATOR), "finalizeRound", [taskId, round, b32(`model ${taskId}/${round}`), 450_000, 910_000, []], "finalize round");

/** Runs claims for several accounts in parallel (each from its own account) and returns their JSON results. */
async function claimEach(taskId: bigint, accounts: number[]) {
  const results = await Promise.all(accounts.map((i) => cli("--json", "claim", "--task", String(taskId), "--account", String(i))));
  return results.map((r) => jsonOf<{ account: Address; amount: string; index: number }>(expectExit(r)));
}

before(async () => {
  chain = await startLocalChain();
  process.env.LOCALHOST_RPC_URL = chain.rpcUrl;
  home = await tempHome("2pm-settlement-");
  store = localStore(path.join(home, "store"));
  cli = cliRunner({ env: chain.env, home });
  for (let i = 0; i < 10; i++) contexts.set(i, await connect({ network: "localhost", root: chain.root, accountIndex: i }));

  schema = await loadSchema(path.join(projectRoot, "schemas/penguins.schema.json"));
  ({ schemaId } = await registerSchema(ctx(CREATOR), schemaHash(schema), "penguins.schema.json"));
  const penguins = await loadRows(path.join(projectRoot, "node_modules/vega-datasets/data/penguins.json"));
  const islands = [...splitBy(penguins, "Island").entries()];
  assert.deepEqual(islands.map(([k]) => k).sort(), ["Biscoe", "Dream", "Torgersen"]);
  for (const [n, [island, rows]] of islands.entries()) datasetOf.set(NODES[n], (await registerPenguins(NODES[n], rows, island)).datasetId);
  // The dropper's data: the first 60 penguins (almost all Adelie: a skewed label histogram).
  datasetOf.set(DROPPER, (await registerPenguins(DROPPER, penguins.slice(0, 60), "first-60")).datasetId);
  fheInputs.push(await registerPenguins(7, islands[0][1], "encrypted-a", true));
  fheInputs.push(await registerPenguins(8, islands[1][1], "encrypted-b", true));

  const mint = (to: number, amount: bigint) =>
    write(ctx(0), { address: chain.addresses.rewardToken, abi: rewardTokenAbi, functionName: "mint", args: [addr(to), amount] }, "mint");
  await mint(CREATOR, 10_000n * E18);
  for (const i of [...NODES, DROPPER, 9]) await mint(i, 1_000n * E18);
});

after(async () => {
  await chain?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe("settlement of an FL task with a slashed node", () => {
  const taskId = 1n;
  let table: PayoutTable;

  test("3 nodes train 2 rounds; a 4th misses round 2 and is slashed with `2pm slash`", async () => {
    const created = await createTask(ctx(CREATOR), await taskParams({ maxNodes: 4 }));
    assert.equal(created.taskId, taskId);
    for (const i of [...NODES, DROPPER]) await joinTask(ctx(i), taskId, datasetOf.get(i)!, b32(`sa key ${i}`));
    // Round 1: everyone submits (the dropper claims more samples than it has rows: counted up to its rows).
    for (const i of NODES) await submit(i, taskId, 1, 100n + BigInt(i));
    await submit(DROPPER, taskId, 1, 10_000n);
    await finalize(taskId, 1);
    // Round 2: the dropper is silent; after the submit deadline anyone may slash it (the aggregator would drop it at
    // finalization otherwise); the survivors reveal, then the aggregator finalizes.
    for (const i of NODES) await submit(i, taskId, 2, 100n + BigInt(i));
    await chain.increaseTime(601);

    // (Independent CLI runs go in parallel: each process start costs seconds on a busy 2-core machine.)
    const [slash, notSlashable, notAggregator] = await Promise.all([
      cli("--json", "slash", "--task", "1", "--node", addr(DROPPER), "--round", "2", "--account", String(CREATOR)),
      // A node that did submit cannot be slashed: refused in simulation, nothing sent.
      cli("slash", "--task", "1", "--node", addr(NODES[0]), "--round", "2", "--account", String(NODES[1])),
      cli("settle", "--task", "1", "--account", String(CREATOR)),
    ]);
    assert.equal(jsonOf(expectExit(slash)).amount, STAKE.toString());
    const [, , slashedFunds] = await ctx(0).contracts.trainingTasks.read.getTaskFunds([taskId]);
    assert.equal(slashedFunds, STAKE);
    await fails(notSlashable, /TrainingTasksNotSlashable/);
    await fails(notAggregator, /task 1 is still Running/);
    for (const i of NODES) await taskWrite(ctx(i), "revealSeeds", [taskId, 2, b32(`reveal ${i}`)], "reveal");
    await finalize(taskId, 2);
    await fails(cli("settle", "--task", "1", "--account", String(CREATOR)), /only the aggregator/);
  });

  test("`2pm settle` posts the recomputed root; `2pm verify-settlement` reproduces it", async () => {
    const settled = jsonOf(await ok(cli("--json", "settle", "--task", "1", "--account", String(AGGREGATOR))));
    table = await computeTaskPayouts(ctx(0), store, taskId);
    assert.equal(settled.payoutRoot, table.root);
    assert.equal(settled.total, (1000n * E18 + 7n + STAKE).toString());
    assert.equal(table.total, 1000n * E18 + 7n + STAKE, "the slashed stake joined the pool");
    // The published table is the recomputed one, byte for byte.
    const published = parsePayoutTable(new TextDecoder().decode(await store.get(settled.tableRoot as Hex)));
    assert.deepEqual(verifyPayoutTable(table, published), { ok: true });
    // Every participant has a leaf: 3 nodes, the dropper (round 1 only) and the creator (rounding remainder).
    assert.deepEqual(new Set(table.leaves.map((l) => indexOf(l.account))), new Set([CREATOR, ...NODES, DROPPER]));
    assert.ok(leafOf(table, DROPPER) < leafOf(table, NODES[0]), "missing round 2 costs the dropper its round-2 shares");

    const out = path.join(home, "task-1-payouts.json");
    const [verified, early, dryRun] = await Promise.all([
      cli("verify-settlement", "--task", "1"),
      cli("claim", "--task", "1", "--account", String(NODES[0])),
      cli("settle", "--task", "1", "--dry-run", "--out", out),
    ]);
    assert.equal(expectExit(verified).stdout.trim(), `OK ${table.root}`);
    await fails(early, /claims of task 1 open at .*after the challenge window/);
    assert.match(expectExit(dryRun).stdout, new RegExp(`root ${table.root}`));
    assert.deepEqual(verifyPayoutTable(table, parsePayoutTable(await readFile(out, "utf8"))), { ok: true });
  });

  test("claims wait for the challenge window, a bad proof reverts, then every participant claims its leaf exactly", async () => {
    await chain.increaseTime(CHALLENGE + 1);

    const { index, amount, proof } = payoutProof(table, addr(NODES[0]));
    await assert.rejects(
      taskWrite(ctx(NODES[0]), "claim", [taskId, BigInt(index), addr(NODES[0]), amount + 1n, proof], "claim"),
      /TrainingTasksInvalidProof/,
    );
    const other = payoutProof(table, addr(NODES[1]));
    await assert.rejects(taskWrite(ctx(NODES[0]), "claim", [taskId, BigInt(index), addr(NODES[0]), amount, other.proof], "claim"), /TrainingTasksInvalidProof/);

    const participants = [CREATOR, ...NODES, DROPPER];
    const before = await Promise.all(participants.map((i) => balanceOf(addr(i))));
    const claims = await claimEach(taskId, participants);
    const afterClaims = await Promise.all(participants.map((i) => balanceOf(addr(i))));
    participants.forEach((i, k) => {
      assert.equal(claims[k].amount, leafOf(table, i).toString());
      assert.equal(afterClaims[k] - before[k], leafOf(table, i), `account ${i} received exactly its leaf`);
    });
    // Everything posted was claimed: only the members' stakes are still in escrow.
    assert.equal(await escrow(), 3n * STAKE);
  });

  test("double claims, the slashed stake and an empty refund are refused; stakes come back", async () => {
    const [double, slashedStake, refund, ...withdrawals] = await Promise.all([
      cli("claim", "--task", "1", "--account", String(NODES[0])),
      cli("stake", "withdraw", "--task", "1", "--account", String(DROPPER)),
      cli("refund", "--task", "1", "--account", String(CREATOR)),
      ...NODES.map((i) => cli("--json", "stake", "withdraw", "--task", "1", "--account", String(i))),
    ]);
    await fails(double, /already claimed/);
    await fails(slashedStake, /slashed/);
    await fails(refund, /nothing to refund.*claim it/);
    for (const w of withdrawals) assert.equal(jsonOf(expectExit(w)).amount, STAKE.toString());
    // A bad proof for an already-claimed leaf is still refused by the bitmap.
    const { index, amount, proof } = payoutProof(table, addr(NODES[0]));
    await assert.rejects(taskWrite(ctx(0), "claim", [taskId, BigInt(index), addr(NODES[0]), amount, proof], "claim"), /TrainingTasksAlreadyClaimed/);
    assert.equal(await escrow(), 0n, "task 1 paid out everything it took in");
  });
});

describe("a tampered settlement is caught, disputed and resolved to the member's proposal", () => {
  const taskId = 2n;
  let honest: PayoutTable;
  let tampered: PayoutTable;

  test("the aggregator posts a root that pays itself; `2pm verify-settlement` names the first differing leaf", async () => {
    await createTask(ctx(CREATOR), await taskParams({ rounds: 1 }));
    for (const i of NODES) await joinTask(ctx(i), taskId, datasetOf.get(i)!, b32(`sa key ${i}`));
    for (const i of NODES) await submit(i, taskId, 1, 120n);
    await finalize(taskId, 1);

    honest = await computeTaskPayouts(ctx(AGGREGATOR), store, taskId);
    const victim = addr(NODES[1]).toLowerCase() as Address;
    const stolen = leafOf(honest, NODES[1]) / 2n;
    const leaves = [
      ...honest.leaves.map((l) => (l.account === victim ? { ...l, amount: l.amount - stolen } : l)),
      { account: addr(AGGREGATOR).toLowerCase() as Address, amount: stolen },
    ].sort((a, b) => (a.account < b.account ? -1 : 1));
    tampered = { ...honest, leaves, root: payoutRoot({ leaves }) };
    await postSettlement(ctx(AGGREGATOR), store, taskId, tampered);

    const expected = verifyPayoutTable(honest, tampered);
    assert.equal(expected.ok, false);
    const [mismatch, human, notMember] = await Promise.all([
      cli("--json", "verify-settlement", "--task", "2"),
      cli("verify-settlement", "--task", "2"),
      cli("dispute", "--task", "2", "--account", String(CREATOR)),
    ]);
    await fails(notMember, /creator and the aggregator of task 2 cannot dispute/);
    assert.match(expectExit(human, 1).stdout, /^MISMATCH task 2: leaf 0x[0-9a-fA-F]{40}: expected (\d+|no leaf), posted (\d+|no leaf)\n/);
    const result = expectExit(mismatch, 1);
    const json = jsonOf<{ ok: boolean; firstDifference: { field: string; account: string; expected: string | null; actual: string | null } }>(result);
    assert.equal(json.ok, false);
    assert.deepEqual(json.firstDifference, !expected.ok && expected.firstDifference);
    assert.equal(json.firstDifference.field, "leaf");
    assert.ok([addr(AGGREGATOR), victim].map((a) => a.toLowerCase()).includes(json.firstDifference.account));
  });

  test("a member disputes inside the window with the recomputed table; claims wait for the resolver", async () => {
    const disputed = jsonOf<{ firstDifference: { field: string }; proposed: { root: string; total: string; tableRoot: string } }>(await ok(cli("--json", "dispute", "--task", "2", "--account", String(NODES[1]))));
    assert.equal((disputed.firstDifference as { field: string }).field, "leaf");
    assert.deepEqual(disputed.proposed, { root: honest.root, total: honest.total.toString(), tableRoot: disputed.proposed.tableRoot });
    // The proposed table is published: anyone (the resolver first) can read it.
    assert.deepEqual(verifyPayoutTable(honest, parsePayoutTable(new TextDecoder().decode(await store.get(disputed.proposed.tableRoot as Hex)))), { ok: true });
    const [waiting, noResettle, again, early] = await Promise.all([
      cli("claim", "--task", "2", "--account", String(NODES[0])),
      cli("settle", "--task", "2", "--account", String(CREATOR)),
      cli("dispute", "--task", "2", "--account", String(NODES[1]), "--force"),
      cli("resolve", "--task", "2", "--account", String(RESOLVER)),
    ]);
    await fails(waiting, /wait for its resolver/);
    await fails(noResettle, /disputed: its resolver/);
    await fails(again, /already disputed/);
    await fails(early, /can still dispute task 2 until/);
    const { index, amount, proof } = payoutProof(tampered, addr(AGGREGATOR));
    await assert.rejects(taskWrite(ctx(AGGREGATOR), "claim", [taskId, BigInt(index), addr(AGGREGATOR), amount, proof], "claim"), /TrainingTasksClaimsNotOpen/);
  });

  test("the resolver picks the recomputed table with `2pm resolve`; it verifies and everyone is paid the honest table", async () => {
    await chain.increaseTime(CHALLENGE + 1);
    // One after the other: once the resolver resolved, the creator's attempt would meet a settled task instead.
    await fails(cli("resolve", "--task", "2", "--account", String(CREATOR)), /only the resolver/);
    const resolved = jsonOf(expectExit(await cli("--json", "resolve", "--task", "2", "--account", String(RESOLVER))));
    assert.equal(resolved.payoutRoot, honest.root);
    assert.equal(resolved.original, false);
    assert.equal(expectExit(await cli("verify-settlement", "--task", "2")).stdout.trim(), `OK ${honest.root}`);

    const accounts = honest.leaves.map((l) => l.account);
    const before = await Promise.all(accounts.map(balanceOf));
    // The aggregator pays everyone out (anyone may send claims; the tokens go to each leaf's account).
    const all = jsonOf<{ claimed: Array<{ account: Address; amount: string }> }>(await ok(cli("--json", "claim", "--task", "2", "--all", "--account", String(AGGREGATOR))));
    assert.equal(all.claimed.length, honest.leaves.length);
    const afterClaims = await Promise.all(accounts.map(balanceOf));
    honest.leaves.forEach((l, k) => assert.equal(afterClaims[k] - before[k], l.amount));
    assert.equal(await balanceOf(addr(AGGREGATOR)), 0n, "the aggregator got nothing from its tampering");
    for (const i of NODES) assert.equal((await withdrawStake(ctx(i), taskId)).amount, STAKE);
    assert.equal(await escrow(), 0n);
  });
});

describe("an FHE task and a cancelled task", () => {
  test("the compute node gets exactly the compute pool, the data pool goes to the encrypted datasets' owners", async () => {
    const taskId = 3n;
    const budget = 500n * E18 + 3n;
    const claimPeriod = 3_600;
    await createTask(ctx(CREATOR), await taskParams({ kind: 1, rounds: 1, minNodes: 1, maxNodes: 1, budget, claimPeriod }), { inputs: fheInputs, keyId: KEY_ID });
    await joinTask(ctx(9), taskId, 0n, b32("fhe compute node"));
    await submit(9, taskId, 1, 1n);
    await finalize(taskId, 1);

    const settled = jsonOf(await ok(cli("--json", "settle", "--task", "3", "--account", String(AGGREGATOR))));
    const table = await computeTaskPayouts(ctx(0), store, taskId);
    assert.equal(settled.payoutRoot, table.root);
    assert.equal((await ok(cli("verify-settlement", "--task", "3"))).stdout.trim(), `OK ${table.root}`);
    const dataPool = (budget * 3000n) / 10_000n;
    assert.equal(leafOf(table, 9), budget - dataPool, "the compute node takes the whole compute pool");
    const [a, b] = fheInputs;
    assert.equal(leafOf(table, 7), (dataPool * a.rows) / (a.rows + b.rows));
    assert.equal(leafOf(table, 8), (dataPool * b.rows) / (a.rows + b.rows));
    assert.equal(leafOf(table, 7) + leafOf(table, 8) + leafOf(table, 9) + leafOf(table, CREATOR), budget);

    await chain.increaseTime(CHALLENGE + 1);
    const before = await Promise.all([7, 9].map((i) => balanceOf(addr(i))));
    for (const i of [7, 9]) await claimPayout(ctx(0), store, taskId, addr(i));
    const afterClaims = await Promise.all([7, 9].map((i) => balanceOf(addr(i))));
    [7, 9].forEach((i, k) => assert.equal(afterClaims[k] - before[k], leafOf(table, i)));
    await withdrawStake(ctx(9), taskId);

    // Owner 8 and the creator's remainder leaf never claim: after the claim period it all returns to the creator.
    await fails(cli("refund", "--task", "3", "--account", String(CREATOR)), /nothing to refund/);
    await chain.increaseTime(claimPeriod);
    const [late, refundRun] = await Promise.all([
      cli("claim", "--task", "3", "--account", "8"),
      cli("--json", "refund", "--task", "3", "--account", String(CREATOR)),
    ]);
    await fails(late, /claims of task 3 closed at/);
    assert.equal(jsonOf(expectExit(refundRun)).amount, (leafOf(table, 8) + leafOf(table, CREATOR)).toString());
    assert.equal(await escrow(), 0n);
  });

  test("`2pm refund` returns a cancelled task's budget to its creator", async () => {
    const budget = 42n * E18;
    const { taskId } = await createTask(ctx(CREATOR), await taskParams({ budget }));
    await fails(cli("refund", "--task", String(taskId), "--account", String(CREATOR)), /refund exists only once/);
    await taskWrite(ctx(CREATOR), "cancelTask", [taskId], "cancel");
    const before = await balanceOf(addr(CREATOR));
    const refund = jsonOf(await ok(cli("--json", "refund", "--task", String(taskId), "--account", String(CREATOR))));
    assert.equal(refund.amount, budget.toString());
    assert.equal((await balanceOf(addr(CREATOR))) - before, budget);
    assert.equal(await escrow(), 0n, "every task paid out or refunded all it took in");
  });
});
