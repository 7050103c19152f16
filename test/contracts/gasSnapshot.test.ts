// The gas snapshot (like Uniswap v4-core's snapshots/): one fixed scenario on the in-process chain measures every
// external function of TrainingTasks (and DatasetIndex's writes) from real receipts, plus the deployed code sizes,
// and compares them with snapshots/gas.json. Any change fails with a diff of the figures that moved; rewrite the
// file with `npm run gas:snapshot` and commit it, so every gas change shows in review. bench/results/gas.md stays
// the readable report (scaling, storage traces, targets).
//
// Deterministic: fixed accounts (Hardhat's mnemonic), fixed contract addresses (fresh chain, fixed nonces), calldata
// built only from constants (the join deadline is a fixed time, not "now + x"), and the same cold/warm slots each run.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, type Address, type Hex } from "viem";
import {
  b32, deployContracts, E18, ENC, flParams, goTo, join, KEY_ID, KIND, modelRoot, revealRoot, roundDeadlines, saKey,
  submit, updateRoot, ZERO_HASH, type TaskParams,
} from "./fixtures.ts";

const SNAPSHOT = path.resolve(import.meta.dirname, "../../snapshots/gas.json");
/** A fixed start time, later than any fresh chain's clock; every deadline in calldata derives from it. */
const T0 = 2_000_000_000n;

type Snapshot = Record<string, number>;

async function measureScenario(): Promise<Snapshot> {
  const connection = await network.create();
  await connection.networkHelpers.time.increaseTo(T0);
  const f = await deployContracts(connection);
  const gas: Snapshot = {};
  const record = async (name: string, hash: Promise<Hex>): Promise<void> => {
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash: await hash });
    assert.equal(receipt.status, "success", name);
    assert.equal(gas[name], undefined, `duplicate snapshot name ${name}`);
    gas[name] = Number(receipt.gasUsed);
  };
  const code = async (address: Address) => ((await f.publicClient.getCode({ address })) ?? "0x").length / 2 - 1;
  gas["TrainingTasks: deployed bytes"] = await code(f.tasks.address);
  gas["DatasetIndex: deployed bytes"] = await code(f.datasetIndex.address);
  gas["FheCommittees: deployed bytes"] = await code(f.committees.address);

  const agg = { account: f.aggregator.account };
  const params = (overrides: Partial<TaskParams>) => flParams(f, { joinDeadline: T0 + 86_400n, ...overrides });
  const create = async (name: string, p: TaskParams, fhe: { inputs: FheInputArg[]; keyId: Hex } = { inputs: [], keyId: ZERO_HASH }) => {
    await record(name, f.tasks.write.createTask([p, fhe.inputs, fhe.keyId], { account: f.creator.account }));
    return f.tasks.read.taskCount();
  };

  // DatasetIndex: a CKKS dataset (node 4) for the FHE task, updated and another retired.
  await record("DatasetIndex.registerDataset (CKKS)", f.datasetIndex.write.registerDataset(
    [1n, b32("cipher"), b32("cipher manifest"), 1_000n, ENC.CKKS, KEY_ID, "0g://c"], { account: f.nodes[4].account }));
  const cipherId = await f.datasetIndex.read.datasetCount();
  await record("DatasetIndex.updateDataset", f.datasetIndex.write.updateDataset(
    [cipherId, b32("cipher v2"), b32("cipher manifest v2"), 1_001n, KEY_ID, "0g://c2"], { account: f.nodes[4].account }));

  // Task 1 (FL, 2 rounds, 4 of 5 members, started by the creator): rounds with and without a dropout, settlement,
  // a dispute and its resolution, claims and withdrawals.
  const t1 = await create("createTask (FL)", await params({ maxNodes: 5 }));
  await record("joinTask (first member)", join(f, t1, 0));
  await record("joinTask", join(f, t1, 1));
  await join(f, t1, 2);
  await join(f, t1, 3);
  await record("startTask", f.tasks.write.startTask([t1], { account: f.creator.account }));
  await record("submitUpdate (first of the round)", f.tasks.write.submitUpdate([t1, 1, updateRoot(t1, 1, 0, 0), 100n], { account: f.nodes[0].account }));
  await record("submitUpdate", f.tasks.write.submitUpdate([t1, 1, updateRoot(t1, 1, 0, 1), 110n], { account: f.nodes[1].account }));
  await submit(f, t1, 1, [2, 3]);
  await record("finalizeRound (no dropout, next round)", f.tasks.write.finalizeRound([t1, 1, modelRoot(t1, 1), 500_000, 800_000, []], agg));
  await submit(f, t1, 2, [0, 1, 2]);
  await goTo(f, (await roundDeadlines(f, t1, 2)).submit + 1n);
  await record("revealSeeds", f.tasks.write.revealSeeds([t1, 2, revealRoot(t1, 2, 0, 0)], { account: f.nodes[0].account }));
  for (const i of [1, 2]) await f.tasks.write.revealSeeds([t1, 2, revealRoot(t1, 2, 0, i)], { account: f.nodes[i].account });
  const dropped = [getAddress(f.nodes[3].account.address)];
  await record("finalizeRound (one dropout, last round)", f.tasks.write.finalizeRound([t1, 2, modelRoot(t1, 2), 400_000, 850_000, dropped], agg));
  const leaves: [bigint, Address, bigint][] = [0, 1, 2].map((i) => [BigInt(i), getAddress(f.nodes[i].account.address), (300n - BigInt(i) * 50n) * E18]);
  const tree = StandardMerkleTree.of(leaves, ["uint256", "address", "uint256"]);
  const total = leaves.reduce((s, l) => s + l[2], 0n);
  await record("settle", f.tasks.write.settle([t1, tree.root as Hex, total], agg));
  await record("dispute", f.tasks.write.dispute([t1, b32("another payout"), total], { account: f.nodes[1].account }));
  const [, , , , challengeEnd] = await f.tasks.read.getSettlement([t1]);
  await goTo(f, challengeEnd);
  await record("resolve", f.tasks.write.resolve([t1, tree.root as Hex, total], { account: f.resolver.account }));
  const claim = (i: number) => f.tasks.write.claim([t1, ...leaves[i], tree.getProof(i) as Hex[]], { account: f.outsider.account });
  await record("claim (first)", claim(0));
  await record("claim", claim(1));
  await record("withdrawStake", f.tasks.write.withdrawStake([t1], { account: f.nodes[0].account }));
  await record("withdrawRefund", f.tasks.write.withdrawRefund([t1], { account: f.creator.account }));

  // Task 2 (FL, 4 of 4: the last join starts it): a restart with a dropout, slashes, then abandonment.
  const t2 = await create("createTask (FL, second task)", await params({}));
  for (const i of [0, 1, 2]) await join(f, t2, i);
  await record("joinTask (fills the task: starts round 1)", join(f, t2, 3));
  await submit(f, t2, 1, [0, 1, 2]);
  let d = await roundDeadlines(f, t2, 1);
  await goTo(f, d.submit + 1n);
  for (const i of [0, 1, 2]) await f.tasks.write.revealSeeds([t2, 1, revealRoot(t2, 1, 0, i)], { account: f.nodes[i].account });
  await goTo(f, d.reveal + 1n);
  await record("restartRound (one dropout)", f.tasks.write.restartRound([t2, dropped], agg));
  d = await roundDeadlines(f, t2, 1);
  await goTo(f, d.submit + 1n);
  await record("slash", f.tasks.write.slash([t2, getAddress(f.nodes[0].account.address), 1], { account: f.outsider.account }));
  const two = [1, 2].map((i) => getAddress(f.nodes[i].account.address));
  await record("slashMany (2 members)", f.tasks.write.slashMany([t2, 1, two], { account: f.outsider.account }));
  await goTo(f, d.finalize + 1n);
  await record("abandonTask", f.tasks.write.abandonTask([t2], { account: f.outsider.account }));

  // Task 3 (FL): cancelled. Task 4 (FHE over the CKKS dataset): created and joined by its compute node.
  const t3 = await create("createTask (FL, third task)", await params({}));
  await record("cancelTask", f.tasks.write.cancelTask([t3], { account: f.creator.account }));
  const input = { datasetId: cipherId, root: b32("cipher v2"), manifestRoot: b32("cipher manifest v2"), rows: 1_001n };
  const fheParams = await params({ kind: KIND.FHE, rounds: 1, minNodes: 1, maxNodes: 1, joinDeadline: T0 + 86_400n });
  const t4 = await create("createTask (FHE, one input)", fheParams, { inputs: [input], keyId: KEY_ID });
  await record("joinTask (FHE compute node: starts the round)", f.tasks.write.joinTask([t4, 0n, saKey(f.nodes[4])], { account: f.nodes[4].account }));
  await record("submitUpdate (FHE)", f.tasks.write.submitUpdate([t4, 1, updateRoot(t4, 1, 0, 4), 0n], { account: f.nodes[4].account }));
  await record("finalizeRound (FHE: finishes the task)", f.tasks.write.finalizeRound([t4, 1, modelRoot(t4, 1), 0, 0, []], agg));
  await record("DatasetIndex.retireDataset", f.datasetIndex.write.retireDataset([f.datasets[0].id], { account: f.nodes[0].account }));
  await measureCommittees(f, record, params);
  // Last, so the figures above stay comparable: an FL task with differential-privacy terms (fixed deadline: the
  // chain is at T0 + 20 days here).
  await record("createDpTask (FL)", f.tasks.write.createDpTask([await params({ joinDeadline: T0 + 40n * 86_400n }), { noiseMultiplierE6: 1_000_000, deltaE18: 10n ** 13n }], { account: f.creator.account }));
  return gas;
}

type RecordGas = (name: string, hash: Promise<Hex>) => Promise<void>;

/**
 * FheCommittees, after the TrainingTasks scenario (its figures stay as they were): committee 1 (nodes 0..2) set up
 * and decrypting an FHE task (task 5) where node 2 stays silent and is slashed; committee 2 retired and unbonded;
 * committee 3 failing its setup. Times derive from T0 only.
 */
async function measureCommittees(f: Awaited<ReturnType<typeof deployContracts>>, record: RecordGas, params: (o: Partial<TaskParams>) => Promise<TaskParams>) {
  const c = f.committees;
  const members = f.nodes.slice(0, 3);
  const addresses = members.map((m) => getAddress(m.account.address));
  const terms = { stakeToken: getAddress(f.token.address), stake: 10n * E18, setupDeadline: T0 + 20n * 86_400n, unbondingPeriod: 3_600, threshold: 3 };
  const setUp = async (id: bigint, keyId: Hex, measure: boolean) => {
    for (const [i, m] of members.entries()) {
      const name = i === 0 ? "FheCommittees.commitKeyShare (first)" : i === 2 ? "FheCommittees.commitKeyShare (last: Confirming)" : "";
      const hash = c.write.commitKeyShare([id, b32(`key share ${id}:${i}`)], { account: m.account });
      if (measure && name) await record(name, hash);
      else await hash;
    }
    for (const [i, m] of members.entries()) {
      const name = i === 0 ? "FheCommittees.confirmKeys (first)" : i === 2 ? "FheCommittees.confirmKeys (last: Active)" : "";
      const hash = c.write.confirmKeys([id, keyId, b32(`keys file ${id}`)], { account: m.account });
      if (measure && name) await record(name, hash);
      else await hash;
    }
  };
  const committeeKey = b32("committee key");
  await record("FheCommittees.createCommittee (3 members)", c.write.createCommittee([addresses, terms], { account: f.creator2.account }));
  await setUp(1n, committeeKey, true);

  await f.datasetIndex.write.registerDataset([1n, b32("committee cipher"), b32("committee manifest"), 500n, ENC.CKKS, committeeKey, ""], { account: f.nodes[3].account });
  const input = { datasetId: await f.datasetIndex.read.datasetCount(), root: b32("committee cipher"), manifestRoot: b32("committee manifest"), rows: 500n };
  const fheParams = await params({ kind: KIND.FHE, rounds: 1, minNodes: 1, maxNodes: 1, joinDeadline: T0 + 10n * 86_400n });
  await f.tasks.write.createTask([fheParams, [input], committeeKey], { account: f.creator.account });
  const t5 = await f.tasks.read.taskCount();
  await f.tasks.write.joinTask([t5, 0n, saKey(f.nodes[4])], { account: f.nodes[4].account });
  await f.tasks.write.submitUpdate([t5, 1, updateRoot(t5, 1, 0, 4), 0n], { account: f.nodes[4].account });
  await record("FheCommittees.postShare (first)", c.write.postShare([t5, b32("share 0"), false], { account: members[0].account }));
  await record("FheCommittees.postShare", c.write.postShare([t5, b32("share 1"), false], { account: members[1].account }));
  await goTo(f, (await roundDeadlines(f, t5, 1)).reveal + 1n);
  await record("FheCommittees.slashMissingShare", c.write.slashMissingShare([t5, addresses[2]], { account: f.outsider.account }));
  await record("FheCommittees.withdrawCredit", c.write.withdrawCredit([f.token.address], { account: f.creator.account }));

  await c.write.createCommittee([addresses, terms], { account: f.creator2.account });
  await setUp(2n, b32("second committee key"), false);
  await record("FheCommittees.retireCommittee", c.write.retireCommittee([2n], { account: f.creator2.account }));
  await goTo(f, T0 + 15n * 86_400n);
  await record("FheCommittees.withdrawStake", c.write.withdrawStake([2n], { account: members[0].account }));

  await c.write.createCommittee([addresses, terms], { account: f.creator2.account });
  await c.write.commitKeyShare([3n, b32("key share 3:0")], { account: members[0].account });
  await goTo(f, terms.setupDeadline + 1n);
  await record("FheCommittees.failSetup", c.write.failSetup([3n], { account: f.outsider.account }));
}

type FheInputArg = { datasetId: bigint; root: Hex; manifestRoot: Hex; rows: bigint };

function diff(expected: Snapshot, actual: Snapshot): string[] {
  const lines: string[] = [];
  for (const name of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const [was, now] = [expected[name], actual[name]];
    if (was === now) continue;
    if (was === undefined) lines.push(`  + ${name}: ${now}`);
    else if (now === undefined) lines.push(`  - ${name}: ${was}`);
    else lines.push(`  ~ ${name}: ${was} -> ${now} (${now > was ? "+" : ""}${now - was})`);
  }
  return lines;
}

describe("gas snapshot", () => {
  it("every figure equals snapshots/gas.json (rewrite with `npm run gas:snapshot`)", async () => {
    const actual = await measureScenario();
    if (process.env.UPDATE_GAS_SNAPSHOT === "1") {
      writeFileSync(SNAPSHOT, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    assert.ok(existsSync(SNAPSHOT), "snapshots/gas.json is missing: run `npm run gas:snapshot` and commit it");
    const expected = JSON.parse(readFileSync(SNAPSHOT, "utf8")) as Snapshot;
    const changes = diff(expected, actual);
    assert.ok(
      changes.length === 0,
      `gas changed (snapshots/gas.json -> this build):\n${changes.join("\n")}\n` +
        "If intended, run `npm run gas:snapshot` and commit snapshots/gas.json.",
    );
  });
});
