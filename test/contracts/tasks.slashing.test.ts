// TrainingTasks slashing: missed submissions, missed reveals, cases that are not slashable, the pool.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, type Hex } from "viem";
import {
  at, assertMoneyInvariant, b32, BUDGET, CHALLENGE_WINDOW, createFlTask, deployContracts, finishRounds, funds, goTo, join,
  modelRoot, revealRoot, roundDeadlines, runningFlTask, STAKE, STATUS, submit, type Fixture,
} from "./fixtures.ts";
import type { NetworkConnection } from "hardhat/types/network";

const { networkHelpers } = await network.create();

/** Base + a running FL task (id 1): 4 members (nodes 0..3), 2 rounds. */
async function runningTask(connection: NetworkConnection) {
  const f = await deployContracts(connection);
  const task = await runningFlTask(f);
  return { f, ...task, d: await roundDeadlines(f, task.taskId, 1) };
}
const load = () => networkHelpers.loadFixture(runningTask);
const addr = (w: { account: { address: `0x${string}` } }) => getAddress(w.account.address);

const slash = (f: Fixture, taskId: bigint, i: number, round: number) =>
  f.tasks.write.slash([taskId, f.nodes[i].account.address, round], { account: f.outsider.account });
const notSlashable = (f: Fixture, taskId: bigint, i: number, round: number) =>
  f.viem.assertions.revertWithCustomErrorWithArgs(slash(f, taskId, i, round), f.tasks, "TrainingTasksNotSlashable", [taskId, addr(f.nodes[i]), round]);
const finalize = (f: Fixture, taskId: bigint, round: number, dropped: number[] = []) =>
  f.tasks.write.finalizeRound([taskId, round, modelRoot(taskId, round), 1, 1, dropped.map((i) => f.nodes[i].account.address)], {
    account: f.aggregator.account,
  });

describe("slash: missed submission", () => {
  it("slashes a member without an update after the submit deadline; its stake joins the pool", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2]);
    await at(f, d.submit);
    await notSlashable(f, taskId, 3, 1);
    await at(f, d.submit + 1n);
    const hash = await slash(f, taskId, 3, 1);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "MemberSlashed", [taskId, addr(f.nodes[3]), 1, STAKE, addr(f.outsider)]);
    assert.deepEqual(await f.tasks.read.getMember([taskId, f.nodes[3].account.address]), { datasetId: 4n, joinIndex: 4, slashed: true, stakeWithdrawn: false, disputed: false });
    assert.equal((await f.tasks.read.getTaskState([taskId]))[3], 3);
    const x = await funds(f, taskId);
    assert.equal(x.slashed, STAKE);
    assert.equal(x.staked, 4n * STAKE);
    // The round snapshot keeps 4 members; the slashed member cannot act any more.
    assert.equal((await f.tasks.read.getRound([taskId, 1])).members, 4);
    await f.viem.assertions.revertWithCustomErrorWithArgs(slash(f, taskId, 3, 1), f.tasks, "TrainingTasksNotMember", [taskId, addr(f.nodes[3])]);
    await assertMoneyInvariant(f);
  });

  it("finalize drops (slashes) a member that missed the round; nobody is slashable for a finalized round later", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2]);
    await goTo(f, d.submit + 1n);
    for (const i of [0, 1, 2]) await f.tasks.write.revealSeeds([taskId, 1, revealRoot(taskId, 1, 0, i)], { account: f.nodes[i].account });
    const hash = await finalize(f, taskId, 1, [3]);
    // The aggregator is the slasher: it named the member that missed the round.
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "MemberSlashed", [taskId, addr(f.nodes[3]), 1, STAKE, addr(f.aggregator)]);
    // Round 2 waits only for the 3 members left, and every one of them submits.
    assert.equal((await f.tasks.read.getRound([taskId, 2])).members, 3);
    await submit(f, taskId, 2, [0, 1, 2]);
    await finalize(f, taskId, 2);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Finished);
    for (const round of [1, 2]) for (const i of [0, 1, 2]) await notSlashable(f, taskId, i, round);
    await f.viem.assertions.revertWithCustomErrorWithArgs(slash(f, taskId, 3, 1), f.tasks, "TrainingTasksNotMember", [taskId, addr(f.nodes[3])]);
    assert.equal((await funds(f, taskId)).slashed, STAKE);
    await assertMoneyInvariant(f);
  });

  it("a slashed member is left out of the next attempt and cannot submit", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2]);
    await goTo(f, d.submit + 1n);
    await slash(f, taskId, 3, 1);
    for (const i of [0, 1, 2]) await f.tasks.write.revealSeeds([taskId, 1, revealRoot(taskId, 1, 0, i)], { account: f.nodes[i].account });
    await goTo(f, d.reveal + 1n);
    // Already slashed: the restart has nobody left to drop.
    await f.tasks.write.restartRound([taskId, []], { account: f.aggregator.account });
    assert.equal((await f.tasks.read.getRound([taskId, 1])).members, 3);
    await f.viem.assertions.revertWithCustomErrorWithArgs(submit(f, taskId, 1, [3]), f.tasks, "TrainingTasksNotMember", [taskId, addr(f.nodes[3])]);
    // Every remaining member submits: the round finalizes at once.
    await submit(f, taskId, 1, [0, 1, 2]);
    await finalize(f, taskId, 1);
    assert.equal((await f.tasks.read.getRound([taskId, 2])).members, 3);
  });
});

describe("slash: missed reveal", () => {
  it("slashes a submitter that did not reveal while some member dropped, after the reveal deadline", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2]);
    await goTo(f, d.submit + 1n);
    for (const i of [0, 1]) await f.tasks.write.revealSeeds([taskId, 1, revealRoot(taskId, 1, 0, i)], { account: f.nodes[i].account });
    await at(f, d.reveal);
    await notSlashable(f, taskId, 2, 1);
    await at(f, d.reveal + 1n);
    const hash = await slash(f, taskId, 2, 1);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "MemberSlashed", [taskId, addr(f.nodes[2]), 1, STAKE, addr(f.outsider)]);
    await notSlashable(f, taskId, 0, 1); // revealed
    await notSlashable(f, taskId, 1, 1);
    await slash(f, taskId, 3, 1); // the one that dropped
    assert.equal((await funds(f, taskId)).slashed, 2n * STAKE);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[3], 2);
  });
});

describe("slash: liveness", () => {
  it("a member anyone slashed before the finalize is not named again: the round finalizes with the rest", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2]);
    await goTo(f, d.submit + 1n);
    await slash(f, taskId, 3, 1);
    for (const i of [0, 1, 2]) await f.tasks.write.revealSeeds([taskId, 1, revealRoot(taskId, 1, 0, i)], { account: f.nodes[i].account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1, [3]), f.tasks, "TrainingTasksNotMember", [taskId, addr(f.nodes[3])]);
    const hash = await finalize(f, taskId, 1);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "RoundFinalized", [
      taskId, 1, 0, modelRoot(taskId, 1), 3, (await f.tasks.read.getRound([taskId, 1])).samples, 1, 1,
    ]);
    assert.equal((await funds(f, taskId)).slashed, STAKE);
    await submit(f, taskId, 2, [0, 1, 2]);
    await f.viem.assertions.emit(await finalize(f, taskId, 2), f.tasks, "TaskFinished");
  });
});

describe("slash: not slashable", () => {
  it("submitters when nobody dropped, future rounds, round 0 and a previous attempt after a restart", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2, 3]);
    await goTo(f, d.reveal + 1n);
    for (const i of [0, 1, 2, 3]) await notSlashable(f, taskId, i, 1);
    await notSlashable(f, taskId, 0, 0);
    await notSlashable(f, taskId, 0, 2);

    // Second task: everyone submits attempt 0, the aggregator re-runs the round (a corrupt update); only the final
    // attempt counts, so node 3 is not slashable before attempt 1's submit deadline nor after it submitted there.
    const { taskId: t2 } = await runningFlTask(f);
    const d2 = await roundDeadlines(f, t2, 1);
    await submit(f, t2, 1, [0, 1, 2, 3]);
    await goTo(f, d2.reveal + 1n);
    await f.tasks.write.restartRound([t2, []], { account: f.aggregator.account });
    await notSlashable(f, t2, 3, 1);
    await submit(f, t2, 1, [0, 1, 2, 3]);
    await finalize(f, t2, 1);
    await notSlashable(f, t2, 3, 1);
  });

  it("reverts for non-members, open, settled and unknown tasks", async () => {
    const { f, taskId, d } = await load();
    await goTo(f, d.submit + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.slash([taskId, f.nodes[4].account.address, 1]),
      f.tasks,
      "TrainingTasksNotMember",
      [taskId, addr(f.nodes[4])],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.slash([9n, f.nodes[0].account.address, 1]), f.tasks, "TrainingTasksUnknownTask", [9n]);
    const open = await createFlTask(f);
    await join(f, open.taskId, 0);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.slash([open.taskId, f.nodes[0].account.address, 1]),
      f.tasks,
      "TrainingTasksWrongStatus",
      [open.taskId, STATUS.Open],
    );
    const { taskId: t3 } = await runningFlTask(f, { rounds: 1 });
    await submit(f, t3, 1, [0, 1, 2]);
    const d3 = await roundDeadlines(f, t3, 1);
    await goTo(f, d3.submit + 1n);
    for (const i of [0, 1, 2]) await f.tasks.write.revealSeeds([t3, 1, revealRoot(t3, 1, 0, i)], { account: f.nodes[i].account });
    await finalize(f, t3, 1, [3]);
    await f.tasks.write.settle([t3, b32("payout"), 1n], { account: f.aggregator.account });
    // The task is settled: too late to slash anyone.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.slash([t3, f.nodes[0].account.address, 1]),
      f.tasks,
      "TrainingTasksWrongStatus",
      [t3, STATUS.Settled],
    );
  });
});

describe("slashed stakes join the reward pool", () => {
  it("settle may pay out budget + slashed, not one unit more; the slashed member gets no stake back", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2]);
    await goTo(f, d.submit + 1n);
    await slash(f, taskId, 3, 1);
    for (const i of [0, 1, 2]) await f.tasks.write.revealSeeds([taskId, 1, revealRoot(taskId, 1, 0, i)], { account: f.nodes[i].account });
    await finalize(f, taskId, 1);
    await finishRounds(f, taskId, [0, 1, 2]);
    const pool = BUDGET + STAKE;
    const share = pool / 3n;
    const values: [bigint, Hex, bigint][] = [0, 1, 2].map((i) => [BigInt(i), f.nodes[i].account.address, i === 2 ? pool - 2n * share : share]);
    const tree = StandardMerkleTree.of(values, ["uint256", "address", "uint256"]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, tree.root as Hex, pool + 1n], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksPayoutExceedsPool",
      [taskId, pool + 1n, pool],
    );
    await f.tasks.write.settle([taskId, tree.root as Hex, pool], { account: f.aggregator.account });
    await goTo(f, BigInt(await networkHelpers.time.latest()) + BigInt(CHALLENGE_WINDOW));
    for (const [i, v] of tree.entries()) {
      await f.tasks.write.claim([taskId, v[0], v[1], v[2], tree.getProof(i) as Hex[]]);
    }
    for (const i of [0, 1, 2]) await f.tasks.write.withdrawStake([taskId], { account: f.nodes[i].account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.withdrawStake([taskId], { account: f.nodes[3].account }),
      f.tasks,
      "TrainingTasksNothingToWithdraw",
      [taskId, addr(f.nodes[3])],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksNothingToWithdraw",
      [taskId, addr(f.creator)],
    );
    assert.deepEqual(await funds(f, taskId), {
      budget: BUDGET, staked: 4n * STAKE, slashed: STAKE, stakesWithdrawn: 3n * STAKE, payoutTotal: pool, claimed: pool, refunded: 0n,
    });
    assert.equal(await assertMoneyInvariant(f), 0n);
  });
});
