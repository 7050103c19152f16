// TrainingTasks FHE tasks: input datasets committed under one key id, a single compute node (datasetId 0), one
// round finalized with one submission.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, type Hex } from "viem";
import {
  assertMoneyInvariant, at, b32, BUDGET, createTask, deployContracts, E18, ENC, flParams, funds, goTo, KEY_ID, KIND, PARAM,
  roundDeadlines, saKey, STAKE, STATUS, txTime, type FheInput, type Fixture, type TaskParams,
} from "./fixtures.ts";
import type { NetworkConnection } from "hardhat/types/network";

const { networkHelpers } = await network.create();
const OTHER_KEY = b32("another ckks key");

/**
 * Base + CKKS datasets: 6 (node 0) and 7 (node 1) of schema 1 under KEY_ID; 8 (node 2) schema 1 under OTHER_KEY;
 * 9 (node 2) schema 2 under KEY_ID. Node 4 is the compute node.
 */
async function fheBase(connection: NetworkConnection) {
  const f = await deployContracts(connection);
  const specs: [number, bigint, Hex][] = [[0, 1n, KEY_ID], [1, 1n, KEY_ID], [2, 1n, OTHER_KEY], [2, 2n, KEY_ID]];
  const inputs: FheInput[] = [];
  for (const [j, [owner, schemaId, keyId]] of specs.entries()) {
    const input = { datasetId: BigInt(6 + j), root: b32(`cipher:${j}`), manifestRoot: b32(`cipher manifest:${j}`), rows: 1_000n + BigInt(j) };
    await f.datasetIndex.write.registerDataset([schemaId, input.root, input.manifestRoot, input.rows, ENC.CKKS, keyId, ""], { account: f.nodes[owner].account });
    inputs.push(input);
  }
  return { f, inputs, compute: f.nodes[4] };
}
const load = () => networkHelpers.loadFixture(fheBase);
const addr = (w: { account: { address: `0x${string}` } }) => getAddress(w.account.address);

const fheParams = (f: Fixture, overrides: Partial<TaskParams> = {}) =>
  flParams(f, { kind: KIND.FHE, rounds: 1, minNodes: 1, maxNodes: 1, ...overrides });

/** fheBase + an FHE task (id 1) over datasets 6 and 7, joined by the compute node (Running). */
async function runningFhe(connection: NetworkConnection) {
  const base = await fheBase(connection);
  const { f, inputs, compute } = base;
  const { taskId, params } = await createTask(f, await fheParams(f), { fheInputs: inputs.slice(0, 2), keyId: KEY_ID });
  await f.tasks.write.joinTask([taskId, 0n, saKey(compute)], { account: compute.account });
  return { ...base, taskId, params, d: await roundDeadlines(f, taskId, 1) };
}
const loadRunning = () => networkHelpers.loadFixture(runningFhe);

describe("FHE createTask", () => {
  it("records the inputs under the key id (FheInputsSet) and escrows the budget", async () => {
    const { f, inputs } = await load();
    const params = await fheParams(f);
    const { taskId, hash } = await createTask(f, params, { fheInputs: inputs.slice(0, 2), keyId: KEY_ID });
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "TaskCreated", [taskId, addr(f.creator), params]);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "FheInputsSet", [taskId, KEY_ID, [6n, 7n]]);
    assert.equal((await f.tasks.read.getTaskParams([taskId])).kind, KIND.FHE);
    assert.equal(await f.token.read.balanceOf([f.tasks.address]), BUDGET);
  });

  it("refuses FHE shapes other than one round with one node, and no inputs", async () => {
    const { f, inputs } = await load();
    for (const override of [{ rounds: 2 }, { minNodes: 2, maxNodes: 2 }, { maxNodes: 2 }, { minNodes: 0 }]) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.createTask([await fheParams(f, override), inputs.slice(0, 1), KEY_ID], { account: f.creator.account }),
        f.tasks,
        "TrainingTasksInvalidParam",
        [PARAM.Nodes],
      );
    }
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.createTask([await fheParams(f), [], KEY_ID], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksInvalidParam",
      [PARAM.FheInputs],
    );
  });

  it("refuses inputs that do not match their commitment, key, schema or encryption, or are retired", async () => {
    const { f, inputs } = await load();
    const params = await fheParams(f);
    const [good, second] = inputs;
    const mismatch = async (bad: FheInput[], keyId: Hex, datasetId: bigint) =>
      f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.createTask([params, bad, keyId], { account: f.creator.account }),
        f.tasks,
        "TrainingTasksDatasetMismatch",
        [1n, datasetId],
      );
    await mismatch([{ ...good, root: b32("other") }], KEY_ID, 6n);
    await mismatch([{ ...good, manifestRoot: b32("other") }], KEY_ID, 6n);
    await mismatch([{ ...good, rows: good.rows + 1n }], KEY_ID, 6n);
    await mismatch([good], OTHER_KEY, 6n); // wrong key id for the task
    await mismatch([good, inputs[2]], KEY_ID, 8n); // encrypted under another key
    // Dataset 8 alone under its own key is a valid input set.
    const own = await createTask(f, params, { fheInputs: [inputs[2]], keyId: OTHER_KEY });
    await f.viem.assertions.emitWithArgs(own.hash, f.tasks, "FheInputsSet", [1n, OTHER_KEY, [8n]]);
    const next = (await f.tasks.read.taskCount()) + 1n;
    const mismatchNext = async (bad: FheInput[], datasetId: bigint) =>
      f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.createTask([params, bad, KEY_ID], { account: f.creator.account }),
        f.tasks,
        "TrainingTasksDatasetMismatch",
        [next, datasetId],
      );
    await mismatchNext([good, inputs[3]], 9n); // schema 2
    const plain = f.datasets[0];
    await mismatchNext([{ datasetId: plain.id, root: plain.root, manifestRoot: plain.manifestRoot, rows: plain.rows }], plain.id); // not encrypted
    // An updated dataset: the old commitment no longer matches, the new one does.
    await f.datasetIndex.write.updateDataset([6n, b32("v2"), b32("v2m"), 999n, KEY_ID, ""], { account: f.nodes[0].account });
    await mismatchNext([good, second], 6n);
    // A retired dataset.
    await f.datasetIndex.write.retireDataset([7n], { account: f.nodes[1].account });
    await mismatchNext([{ datasetId: 6n, root: b32("v2"), manifestRoot: b32("v2m"), rows: 999n }, second], 7n);
    // An unknown dataset: the index's own error.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.createTask([params, [{ ...good, datasetId: 99n }], KEY_ID], { account: f.creator.account }),
      f.datasetIndex,
      "DatasetIndexUnknownDataset",
      [99n],
    );
    const created = await createTask(f, params, { fheInputs: [{ datasetId: 6n, root: b32("v2"), manifestRoot: b32("v2m"), rows: 999n }], keyId: KEY_ID });
    await f.viem.assertions.emitWithArgs(created.hash, f.tasks, "FheInputsSet", [created.taskId, KEY_ID, [6n]]);
  });
});

describe("FHE compute node", () => {
  it("joins with datasetId 0 and starts the single round at once", async () => {
    const { f, inputs, compute } = await load();
    const { taskId } = await createTask(f, await fheParams(f), { fheInputs: inputs.slice(0, 2), keyId: KEY_ID });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.joinTask([taskId, 6n, saKey(f.nodes[0])], { account: f.nodes[0].account }),
      f.tasks,
      "TrainingTasksDatasetMismatch",
      [taskId, 6n],
    );
    const hash = await f.tasks.write.joinTask([taskId, 0n, saKey(compute)], { account: compute.account });
    const t = await txTime(f, hash);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "MemberJoined", [taskId, addr(compute), 0n, saKey(compute), STAKE]);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "RoundStarted", [taskId, 1, 0, t, t + 3_600n, t + 4_200n, t + 6_000n, 1]);
    assert.deepEqual(await f.tasks.read.getTaskState([taskId]), [addr(f.creator), STATUS.Running, 1, 1]);
    assert.equal((await f.tasks.read.getMember([taskId, compute.account.address])).datasetId, 0n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.joinTask([taskId, 0n, saKey(f.nodes[3])], { account: f.nodes[3].account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [taskId, STATUS.Running],
    );
  });

  it("finalizes with its one submission, settles and pays compute + data owners", async () => {
    const { f, taskId, compute } = await loadRunning();
    await f.tasks.write.submitUpdate([taskId, 1, b32("encrypted result"), 2_001n], { account: compute.account });
    const hash = await f.tasks.write.finalizeRound([taskId, 1, b32("published result"), 0, 0, []], { account: f.aggregator.account });
    const t = await txTime(f, hash);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "RoundFinalized", [taskId, 1, 0, b32("published result"), 1, 2_001n, 0, 0]);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "TaskFinished", [taskId, t + 1_800n]);
    // 7:3 split: the compute node takes the compute share, the two dataset owners the data share.
    const leaves: [bigint, Hex, bigint][] = [
      [0n, addr(compute), 700n * E18],
      [1n, addr(f.nodes[0]), 150n * E18],
      [2n, addr(f.nodes[1]), 150n * E18],
    ];
    const tree = StandardMerkleTree.of(leaves, ["uint256", "address", "uint256"]);
    await f.tasks.write.settle([taskId, tree.root as Hex, BUDGET], { account: f.aggregator.account });
    const [, , claimsOpenAt] = await f.tasks.read.getSettlement([taskId]);
    await goTo(f, claimsOpenAt);
    for (const [i, leaf] of tree.entries()) {
      const c = await f.tasks.write.claim([taskId, leaf[0], leaf[1], leaf[2], tree.getProof(i) as Hex[]]);
      await f.viem.assertions.emitWithArgs(c, f.tasks, "RewardClaimed", [taskId, leaf[1], leaf[0], leaf[2]]);
    }
    await f.tasks.write.withdrawStake([taskId], { account: compute.account });
    assert.equal(await assertMoneyInvariant(f), 0n);
  });

  it("never needs reveals: revealSeeds reverts with NoDropouts", async () => {
    const { f, taskId, compute, d } = await loadRunning();
    await f.tasks.write.submitUpdate([taskId, 1, b32("r"), 1n], { account: compute.account });
    await goTo(f, d.submit + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.revealSeeds([taskId, 1, b32("seeds")], { account: compute.account }),
      f.tasks,
      "TrainingTasksNoDropouts",
      [taskId, 1],
    );
  });

  it("a computation the aggregator cannot use can be re-run (attempt 1) and then finalized", async () => {
    const { f, taskId, compute, d } = await loadRunning();
    await f.tasks.write.submitUpdate([taskId, 1, b32("unusable result"), 1n], { account: compute.account });
    await goTo(f, d.reveal + 1n);
    const hash = await f.tasks.write.restartRound([taskId, []], { account: f.aggregator.account });
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "RoundRestarted", [taskId, 1, 1]);
    await f.tasks.write.submitUpdate([taskId, 1, b32("late result"), 1n], { account: compute.account });
    const fin = await f.tasks.write.finalizeRound([taskId, 1, b32("m"), 0, 0, []], { account: f.aggregator.account });
    await f.viem.assertions.emitWithArgs(fin, f.tasks, "RoundFinalized", [taskId, 1, 1, b32("m"), 1, 1n, 0, 0]);
  });

  it("a missed computation cannot be re-run: the compute node must be dropped, and then nobody is left", async () => {
    const { f, taskId, compute, d } = await loadRunning();
    await goTo(f, d.reveal + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.finalizeRound([taskId, 1, b32("m"), 0, 0, []], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksNotEnoughSubmissions",
      [taskId, 1, 0, 1],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.restartRound([taskId, []], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksMissingDropouts",
      [taskId, 1, 1, 0],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.restartRound([taskId, [compute.account.address]], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksNotEnoughMembers",
      [taskId, 0, 1],
    );
  });

  it("regression: a slashed compute node cannot be re-run forever; the task is abandoned and refunds budget + stake", async () => {
    const { f, taskId, compute, d } = await loadRunning();
    await goTo(f, d.submit + 1n);
    const s = await f.tasks.write.slash([taskId, compute.account.address, 1]);
    await f.viem.assertions.emitWithArgs(s, f.tasks, "MemberSlashed", [taskId, addr(compute), 1, STAKE, addr(f.deployer)]);
    await goTo(f, d.reveal + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.restartRound([taskId, []], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksNotEnoughMembers",
      [taskId, 0, 1],
    );
    await at(f, d.finalize + 1n);
    await f.tasks.write.abandonTask([taskId]);
    const r = await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await f.viem.assertions.emitWithArgs(r, f.tasks, "RefundWithdrawn", [taskId, addr(f.creator), BUDGET + STAKE]);
    assert.equal((await funds(f, taskId)).refunded, BUDGET + STAKE);
    assert.equal(await assertMoneyInvariant(f), 0n);
  });

  it("a zero-stake FHE task works without pulling a stake", async () => {
    const { f, inputs, compute } = await load();
    const { taskId } = await createTask(f, await fheParams(f, { stake: 0n }), { fheInputs: inputs.slice(0, 1), keyId: KEY_ID });
    const before = await f.token.read.balanceOf([compute.account.address]);
    await f.tasks.write.joinTask([taskId, 0n, saKey(compute)], { account: compute.account });
    assert.equal(await f.token.read.balanceOf([compute.account.address]), before);
    assert.equal((await funds(f, taskId)).staked, 0n);
    await assertMoneyInvariant(f);
  });
});
