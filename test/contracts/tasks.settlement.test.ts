// TrainingTasks settlement: settle, dispute, re-settle, claims with real StandardMerkleTree proofs, stake and refund
// withdrawals, and the money invariant over a full multi-task flow.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, type Address, type Hex } from "viem";
import {
  at, assertMoneyInvariant, b32, BUDGET, CHALLENGE_WINDOW, createFlTask, deployContracts, E18, finishRounds, funds, goTo,
  join, revealRoot, roundDeadlines, runningFlTask, STAKE, STATUS, submit, txTime, ZERO_HASH, type Fixture,
} from "./fixtures.ts";
import type { NetworkConnection } from "hardhat/types/network";

const { networkHelpers } = await network.create();
const LEAF_TYPES = ["uint256", "address", "uint256"];
type Leaf = [bigint, Address, bigint];

function payoutTree(leaves: Leaf[]) {
  const tree = StandardMerkleTree.of(leaves, LEAF_TYPES);
  const total = leaves.reduce((s, l) => s + l[2], 0n);
  const proof = (index: number) => tree.getProof(index) as Hex[];
  return { tree, root: tree.root as Hex, total, leaves, proof };
}
type Payout = ReturnType<typeof payoutTree>;

/** Base + a Finished FL task (id 1, 4 members, 2 rounds) and the payout tree (nodes 0..3 + creator refund leaf). */
async function finishedTask(connection: NetworkConnection) {
  const f = await deployContracts(connection);
  const { taskId, params } = await runningFlTask(f);
  await finishRounds(f, taskId);
  const amounts = [300n, 250n, 200n, 150n].map((x) => x * E18);
  const leaves: Leaf[] = amounts.map((a, i) => [BigInt(i), getAddress(f.nodes[i].account.address), a]);
  leaves.push([4n, getAddress(f.creator.account.address), BUDGET - 900n * E18]);
  return { f, taskId, params, payout: payoutTree(leaves) };
}
const load = () => networkHelpers.loadFixture(finishedTask);

/** finishedTask, settled by the aggregator with the full payout (claims open at `claimsOpenAt`). */
async function settledTask(connection: NetworkConnection) {
  const x = await finishedTask(connection);
  await x.f.tasks.write.settle([x.taskId, x.payout.root, x.payout.total], { account: x.f.aggregator.account });
  const [, , claimsOpenAt] = await x.f.tasks.read.getSettlement([x.taskId]);
  return { ...x, claimsOpenAt };
}
const loadSettled = () => networkHelpers.loadFixture(settledTask);

const addr = (w: { account: { address: Address } }) => getAddress(w.account.address);
const claimLeaf = (f: Fixture, taskId: bigint, p: Payout, i: number, from = f.outsider) =>
  f.tasks.write.claim([taskId, p.leaves[i][0], p.leaves[i][1], p.leaves[i][2], p.proof(i)], { account: from.account });

describe("settle", () => {
  it("the aggregator posts the payout root; claims open after the challenge window", async () => {
    const { f, taskId, payout } = await load();
    const [, , , settleDeadline] = await f.tasks.read.getSettlement([taskId]);
    const hash = await f.tasks.write.settle([taskId, payout.root, payout.total], { account: f.aggregator.account });
    const t = await txTime(f, hash);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "TaskSettled", [taskId, addr(f.aggregator), payout.root, payout.total, t + BigInt(CHALLENGE_WINDOW)]);
    assert.deepEqual(await f.tasks.read.getSettlement([taskId]), [payout.root, payout.total, t + BigInt(CHALLENGE_WINDOW), settleDeadline, false]);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Settled);
    assert.equal((await funds(f, taskId)).payoutTotal, payout.total);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, payout.root, payout.total], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [taskId, STATUS.Settled],
    );
  });

  it("is accepted at the settle deadline and refused a second later", async () => {
    const { f, taskId, payout, params } = await load();
    const [, , , settleDeadline] = await f.tasks.read.getSettlement([taskId]);
    await at(f, settleDeadline + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, payout.root, payout.total], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksRoundClosed",
      [taskId, params.rounds, settleDeadline],
    );
    const again = await load();
    await at(again.f, settleDeadline);
    await again.f.tasks.write.settle([taskId, payout.root, payout.total], { account: again.f.aggregator.account });
  });

  it("reverts for non-aggregators, zero roots, totals above the pool, unfinished and unknown tasks", async () => {
    const { f, taskId, payout } = await load();
    const { assertions } = f.viem;
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, payout.root, payout.total], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksNotAggregator",
      [taskId, addr(f.creator)],
    );
    await assertions.revertWithCustomError(f.tasks.write.settle([taskId, ZERO_HASH, 0n], { account: f.aggregator.account }), f.tasks, "TrainingTasksZeroRoot");
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, payout.root, BUDGET + 1n], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksPayoutExceedsPool",
      [taskId, BUDGET + 1n, BUDGET],
    );
    const running = await runningFlTask(f);
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([running.taskId, payout.root, 1n], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [running.taskId, STATUS.Running],
    );
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.settle([99n, payout.root, 1n]), f.tasks, "TrainingTasksUnknownTask", [99n]);
  });
});

describe("dispute and re-settlement", () => {
  it("a member freezes claims; only the creator re-settles, once; claims follow the new root", async () => {
    const { f, taskId, payout, claimsOpenAt } = await loadSettled();
    const { assertions } = f.viem;
    await at(f, claimsOpenAt - 1n);
    const hash = await f.tasks.write.dispute([taskId], { account: f.nodes[3].account });
    await assertions.emitWithArgs(hash, f.tasks, "SettlementDisputed", [taskId, addr(f.nodes[3])]);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Disputed);
    await goTo(f, claimsOpenAt + 10n);
    await assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 0), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Disputed]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Disputed]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.dispute([taskId], { account: f.nodes[0].account }), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Disputed]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([taskId]), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Disputed]);
    // Stakes are not held hostage by a dispute.
    const w = await f.tasks.write.withdrawStake([taskId], { account: f.nodes[0].account });
    await assertions.emitWithArgs(w, f.tasks, "StakeWithdrawn", [taskId, addr(f.nodes[0]), STAKE]);

    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, payout.root, payout.total], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksNotCreator",
      [taskId, addr(f.aggregator)],
    );
    // The creator moves 50 tokens from node 0 to node 3 and pays out less than the budget.
    const fixed = payoutTree([
      [0n, addr(f.nodes[0]), 250n * E18],
      [1n, addr(f.nodes[1]), 250n * E18],
      [2n, addr(f.nodes[2]), 200n * E18],
      [3n, addr(f.nodes[3]), 200n * E18],
    ]);
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, fixed.root, BUDGET + 1n], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksPayoutExceedsPool",
      [taskId, BUDGET + 1n, BUDGET],
    );
    await assertions.revertWithCustomError(f.tasks.write.settle([taskId, ZERO_HASH, 1n], { account: f.creator.account }), f.tasks, "TrainingTasksZeroRoot");
    const re = await f.tasks.write.settle([taskId, fixed.root, fixed.total], { account: f.creator.account });
    const t = await txTime(f, re);
    await assertions.emitWithArgs(re, f.tasks, "TaskSettled", [taskId, addr(f.creator), fixed.root, fixed.total, t + BigInt(CHALLENGE_WINDOW)]);
    assert.deepEqual((await f.tasks.read.getSettlement([taskId])).slice(0, 3), [fixed.root, fixed.total, t + BigInt(CHALLENGE_WINDOW)]);
    assert.equal((await f.tasks.read.getSettlement([taskId]))[4], true);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.dispute([taskId], { account: f.nodes[0].account }), f.tasks, "TrainingTasksAlreadyResettled", [taskId]);
    // The stake taken back while Disputed cannot be taken again once Settled.
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawStake([taskId], { account: f.nodes[0].account }), f.tasks, "TrainingTasksNothingToWithdraw", [taskId, addr(f.nodes[0])]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([taskId]), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Settled]);

    await goTo(f, t + BigInt(CHALLENGE_WINDOW));
    await assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 0), f.tasks, "TrainingTasksInvalidProof", [taskId, addr(f.nodes[0]), 300n * E18]);
    for (const i of [0, 1, 2, 3]) await claimLeaf(f, taskId, fixed, i);
    assert.equal((await funds(f, taskId)).claimed, fixed.total);
    const r = await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await assertions.emitWithArgs(r, f.tasks, "RefundWithdrawn", [taskId, addr(f.creator), BUDGET - fixed.total]);
    await assertMoneyInvariant(f);
  });

  it("reverts for non-members, after the challenge window, before settlement and for unknown tasks", async () => {
    const { f, taskId, claimsOpenAt } = await loadSettled();
    const { assertions } = f.viem;
    for (const w of [f.outsider, f.creator, f.aggregator]) {
      await assertions.revertWithCustomErrorWithArgs(f.tasks.write.dispute([taskId], { account: w.account }), f.tasks, "TrainingTasksNotMember", [taskId, addr(w)]);
    }
    await at(f, claimsOpenAt);
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.dispute([taskId], { account: f.nodes[0].account }),
      f.tasks,
      "TrainingTasksChallengeWindowClosed",
      [taskId, claimsOpenAt],
    );
    const other = await runningFlTask(f);
    await finishRounds(f, other.taskId);
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.dispute([other.taskId], { account: f.nodes[0].account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [other.taskId, STATUS.Finished],
    );
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.dispute([42n]), f.tasks, "TrainingTasksUnknownTask", [42n]);
  });

  it("a slashed member may still dispute (it is a member of the task)", async () => {
    const f = (await load()).f;
    const { taskId } = await runningFlTask(f, { rounds: 1 });
    await submit(f, taskId, 1, [0, 1, 2]);
    const d = await roundDeadlines(f, taskId, 1);
    await goTo(f, d.submit + 1n);
    await f.tasks.write.slash([taskId, f.nodes[3].account.address, 1]);
    for (const i of [0, 1, 2]) await f.tasks.write.revealSeeds([taskId, 1, revealRoot(taskId, 1, 0, i)], { account: f.nodes[i].account });
    await f.tasks.write.finalizeRound([taskId, 1, b32("m"), 0, 0], { account: f.aggregator.account });
    await f.tasks.write.settle([taskId, b32("p"), 1n], { account: f.aggregator.account });
    const hash = await f.tasks.write.dispute([taskId], { account: f.nodes[3].account });
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "SettlementDisputed", [taskId, addr(f.nodes[3])]);
  });
});

describe("claim", () => {
  it("pays each leaf once by proof, to its account, whoever submits it", async () => {
    const { f, taskId, payout, claimsOpenAt } = await loadSettled();
    const { assertions } = f.viem;
    await at(f, claimsOpenAt - 1n);
    await assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 0), f.tasks, "TrainingTasksClaimsNotOpen", [taskId, claimsOpenAt]);
    await at(f, claimsOpenAt);
    const account = f.nodes[0];
    const before = await f.token.read.balanceOf([account.account.address]);
    const relayerBefore = await f.token.read.balanceOf([f.outsider.account.address]);
    const hash = await claimLeaf(f, taskId, payout, 0, f.outsider);
    await assertions.emitWithArgs(hash, f.tasks, "RewardClaimed", [taskId, addr(account), 0n, 300n * E18]);
    assert.equal(await f.token.read.balanceOf([account.account.address]), before + 300n * E18);
    assert.equal(await f.token.read.balanceOf([f.outsider.account.address]), relayerBefore);
    assert.equal(await f.tasks.read.isClaimed([taskId, 0n]), true);
    assert.equal(await f.tasks.read.isClaimed([taskId, 1n]), false);
    assert.equal((await funds(f, taskId)).claimed, 300n * E18);
    await assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 0, account), f.tasks, "TrainingTasksAlreadyClaimed", [taskId, 0n]);

    for (const i of [1, 2, 3, 4]) {
      const h = await claimLeaf(f, taskId, payout, i, f.nodes[i % 4]);
      await assertions.emitWithArgs(h, f.tasks, "RewardClaimed", [taskId, payout.leaves[i][1], payout.leaves[i][0], payout.leaves[i][2]]);
    }
    assert.equal((await funds(f, taskId)).claimed, BUDGET);
    // The creator's share came through its leaf: nothing left to refund.
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksNothingToWithdraw", [taskId, addr(f.creator)]);
    for (const i of [0, 1, 2, 3]) await f.tasks.write.withdrawStake([taskId], { account: f.nodes[i].account });
    assert.equal(await assertMoneyInvariant(f), 0n);
  });

  it("rejects a wrong amount, account, index or another leaf's proof", async () => {
    const { f, taskId, payout, claimsOpenAt } = await loadSettled();
    await goTo(f, claimsOpenAt);
    const [index, account, amount] = payout.leaves[1];
    const bad = (i: bigint, a: Address, x: bigint, proof: Hex[]) =>
      f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.claim([taskId, i, a, x, proof]), f.tasks, "TrainingTasksInvalidProof", [taskId, a, x]);
    await bad(index, account, amount + 1n, payout.proof(1));
    await bad(index, addr(f.outsider), amount, payout.proof(1));
    await bad(index + 1n, account, amount, payout.proof(1));
    await bad(index, account, amount, payout.proof(2));
    await bad(index, account, amount, []);
    assert.equal(await f.tasks.read.isClaimed([taskId, index]), false);
  });

  it("never pays more than the posted total, even if the tree sums to more", async () => {
    const { f, taskId, payout } = await load();
    const total = payout.total - 1n;
    await f.tasks.write.settle([taskId, payout.root, total], { account: f.aggregator.account });
    const [, , claimsOpenAt] = await f.tasks.read.getSettlement([taskId]);
    await goTo(f, claimsOpenAt);
    for (const i of [0, 1, 2, 3]) await claimLeaf(f, taskId, payout, i);
    await f.viem.assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 4), f.tasks, "TrainingTasksClaimExceedsTotal", [taskId, payout.total, total]);
    assert.equal(await f.tasks.read.isClaimed([taskId, 4n]), false);
    // pool − total = 1 unit goes back to the creator.
    const r = await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await f.viem.assertions.emitWithArgs(r, f.tasks, "RefundWithdrawn", [taskId, addr(f.creator), 1n]);
    await assertMoneyInvariant(f);
  });

  it("a tree posted for one task cannot drain another task", async () => {
    const { f, taskId, payout, claimsOpenAt } = await loadSettled();
    // Task 2 (same members) settles with a small total; the big tree of task 1 cannot be claimed there.
    const { taskId: t2 } = await runningFlTask(f);
    await finishRounds(f, t2);
    const small = payoutTree([[0n, addr(f.nodes[0]), 10n * E18], [1n, addr(f.nodes[1]), 10n * E18]]);
    await f.tasks.write.settle([t2, small.root, small.total], { account: f.aggregator.account });
    await goTo(f, claimsOpenAt + BigInt(CHALLENGE_WINDOW));
    await f.viem.assertions.revertWithCustomErrorWithArgs(claimLeaf(f, t2, payout, 0), f.tasks, "TrainingTasksInvalidProof", [t2, addr(f.nodes[0]), 300n * E18]);
    await claimLeaf(f, taskId, payout, 0);
    await claimLeaf(f, t2, small, 0); // same index, other task: its own bitmap
    assert.equal(await f.tasks.read.isClaimed([t2, 1n]), false);
    await assertMoneyInvariant(f);
  });

  it("reverts for tasks that are not settled and unknown tasks", async () => {
    const { f, taskId, payout } = await load();
    await f.viem.assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 0), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Finished]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(claimLeaf(f, 77n, payout, 0), f.tasks, "TrainingTasksUnknownTask", [77n]);
  });
});

describe("withdrawStake and withdrawRefund after settlement", () => {
  it("stakes come back once per member; the creator gets pool − total once claims are open", async () => {
    const { f, taskId } = await load();
    const { assertions } = f.viem;
    const partial = payoutTree([[0n, addr(f.nodes[0]), 400n * E18], [1n, addr(f.nodes[1]), 200n * E18]]);
    const hash = await f.tasks.write.settle([taskId, partial.root, partial.total], { account: f.aggregator.account });
    const claimsOpenAt = (await txTime(f, hash)) + BigInt(CHALLENGE_WINDOW);

    const w = await f.tasks.write.withdrawStake([taskId], { account: f.nodes[2].account });
    await assertions.emitWithArgs(w, f.tasks, "StakeWithdrawn", [taskId, addr(f.nodes[2]), STAKE]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawStake([taskId], { account: f.nodes[2].account }), f.tasks, "TrainingTasksNothingToWithdraw", [taskId, addr(f.nodes[2])]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawStake([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksNotMember", [taskId, addr(f.creator)]);

    await at(f, claimsOpenAt - 1n);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksClaimsNotOpen", [taskId, claimsOpenAt]);
    await at(f, claimsOpenAt);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawRefund([taskId], { account: f.nodes[0].account }), f.tasks, "TrainingTasksNotCreator", [taskId, addr(f.nodes[0])]);
    const before = await f.token.read.balanceOf([f.creator.account.address]);
    const r = await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await assertions.emitWithArgs(r, f.tasks, "RefundWithdrawn", [taskId, addr(f.creator), BUDGET - partial.total]);
    assert.equal(await f.token.read.balanceOf([f.creator.account.address]), before + BUDGET - partial.total);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksNothingToWithdraw", [taskId, addr(f.creator)]);
    // Claims still pay after the refund.
    await claimLeaf(f, taskId, partial, 0);
    await claimLeaf(f, taskId, partial, 1);
    for (const i of [0, 1, 3]) await f.tasks.write.withdrawStake([taskId], { account: f.nodes[i].account });
    assert.deepEqual(await funds(f, taskId), {
      budget: BUDGET, staked: 4n * STAKE, slashed: 0n, stakesWithdrawn: 4n * STAKE, payoutTotal: partial.total, claimed: partial.total, refunded: BUDGET - partial.total,
    });
    assert.equal(await assertMoneyInvariant(f), 0n);
  });
});

describe("money invariant over a full flow", () => {
  it("balanceOf(TrainingTasks) == Σ(budget + staked − claimed − refunded − stakesWithdrawn) at every step, 0 at the end", async () => {
    const { f, taskId: settledId, payout } = await load();
    await assertMoneyInvariant(f);
    // Task 1 settles (claims open after the challenge window).
    await f.tasks.write.settle([settledId, payout.root, payout.total], { account: f.aggregator.account });
    await assertMoneyInvariant(f);
    // Task 2: cancelled with two members.
    const cancelled = await createFlTask(f, { budget: 77n * E18, stake: 3n * E18 });
    await join(f, cancelled.taskId, 0);
    await join(f, cancelled.taskId, 4);
    await f.tasks.write.cancelTask([cancelled.taskId], { account: f.creator.account });
    // Task 3: abandoned in round 1 after a slash, by creator2.
    const abandoned = await runningFlTask(f, { budget: 555n * E18, stake: 11n * E18, maxNodes: 3 });
    const d3 = await roundDeadlines(f, abandoned.taskId, 1);
    await submit(f, abandoned.taskId, 1, [0, 1]);
    await goTo(f, d3.submit + 1n);
    await f.tasks.write.slash([abandoned.taskId, f.nodes[2].account.address, 1]);
    await goTo(f, d3.finalize + 1n);
    await f.tasks.write.abandonTask([abandoned.taskId]);
    // Task 4: still running.
    const running = await runningFlTask(f, { budget: 123n * E18, stake: 7n * E18, maxNodes: 5 });
    await submit(f, running.taskId, 1, [0, 1, 2]);
    await assertMoneyInvariant(f);

    // Task 1 pays out.
    const [, , claimsOpenAt] = await f.tasks.read.getSettlement([settledId]);
    assert.ok(BigInt(await networkHelpers.time.latest()) >= claimsOpenAt); // the abandon above waited longer
    for (let i = 0; i < payout.leaves.length; i++) {
      await claimLeaf(f, settledId, payout, i);
      await assertMoneyInvariant(f);
    }
    for (const i of [0, 1, 2, 3]) await f.tasks.write.withdrawStake([settledId], { account: f.nodes[i].account });
    await assertMoneyInvariant(f);
    for (const i of [0, 4]) await f.tasks.write.withdrawStake([cancelled.taskId], { account: f.nodes[i].account });
    await f.tasks.write.withdrawRefund([cancelled.taskId], { account: f.creator.account });
    for (const i of [0, 1]) await f.tasks.write.withdrawStake([abandoned.taskId], { account: f.nodes[i].account });
    await f.tasks.write.withdrawRefund([abandoned.taskId], { account: f.creator.account });
    assert.equal((await funds(f, abandoned.taskId)).refunded, 555n * E18 + 11n * E18);
    // Only the running task's money is left.
    const left = await assertMoneyInvariant(f);
    assert.equal(left, 123n * E18 + 5n * 7n * E18);
  });
});
