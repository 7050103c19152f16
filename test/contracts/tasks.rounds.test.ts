// TrainingTasks rounds: submitUpdate, revealSeeds, finalizeRound, restartRound and their deadlines.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { getAddress } from "viem";
import {
  AGGREGATOR_WINDOW, assertMoneyInvariant, at, b32, createFlTask, deployContracts, funds, goTo, modelRoot, PARAM, REVEAL_DURATION,
  revealRoot, ROUND_DURATION, roundDeadlines, runningFlTask, samplesOf, STAKE, STATUS, submit, txTime, updateRoot, ZERO_HASH,
  type Fixture,
} from "./fixtures.ts";
import type { NetworkConnection } from "hardhat/types/network";

const { networkHelpers } = await network.create();

/** Base + a running FL task (id 1): 4 members (nodes 0..3), 2 rounds, round 1 attempt 0 open. */
async function runningTask(connection: NetworkConnection) {
  const f = await deployContracts(connection);
  const task = await runningFlTask(f);
  return { f, ...task, d: await roundDeadlines(f, task.taskId, 1) };
}
const load = () => networkHelpers.loadFixture(runningTask);
const addr = (w: { account: { address: `0x${string}` } }) => getAddress(w.account.address);
const MAX_SAMPLES = (1n << 48n) - 1n;

async function reveal(f: Fixture, taskId: bigint, round: number, indices: number[]) {
  const { attempt } = await f.tasks.read.getRound([taskId, round]);
  for (const i of indices) await f.tasks.write.revealSeeds([taskId, round, revealRoot(taskId, round, attempt, i)], { account: f.nodes[i].account });
}
const finalize = (f: Fixture, taskId: bigint, round: number, dropped: number[] = []) =>
  f.tasks.write.finalizeRound([taskId, round, modelRoot(taskId, round), 400_000, 900_000, dropped.map((i) => f.nodes[i].account.address)], {
    account: f.aggregator.account,
  });
const restart = (f: Fixture, taskId: bigint, dropped: number[] = [], from = f.aggregator) =>
  f.tasks.write.restartRound([taskId, dropped.map((i) => f.nodes[i].account.address)], { account: from.account });

describe("submitUpdate", () => {
  it("records the update root, sums the samples and emits UpdateSubmitted", async () => {
    const { f, taskId } = await load();
    const node = f.nodes[1];
    const root = updateRoot(taskId, 1, 0, 1);
    const hash = await f.tasks.write.submitUpdate([taskId, 1, root, 250n], { account: node.account });
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "UpdateSubmitted", [taskId, 1, addr(node), 0, root, 250n]);
    assert.equal(await f.tasks.read.updateOf([taskId, 1, 0, node.account.address]), root);
    assert.equal(await f.tasks.read.updateOf([taskId, 1, 0, f.nodes[0].account.address]), ZERO_HASH);
    await f.tasks.write.submitUpdate([taskId, 1, b32("other"), 50n], { account: f.nodes[2].account });
    const state = await f.tasks.read.getRound([taskId, 1]);
    assert.equal(state.submissions, 2);
    assert.equal(state.samples, 300n);
  });

  it("accepts a submission at the submit deadline and refuses one a second later", async () => {
    const { f, taskId, d } = await load();
    await at(f, d.submit);
    await submit(f, taskId, 1, [0]);
    await at(f, d.submit + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(submit(f, taskId, 1, [1]), f.tasks, "TrainingTasksRoundClosed", [taskId, 1, d.submit]);
  });

  it("reverts for a zero root, twice in one attempt, non-members, wrong rounds, unknown and non-running tasks", async () => {
    const { f, taskId } = await load();
    const { assertions } = f.viem;
    const node = f.nodes[0];
    await assertions.revertWithCustomError(f.tasks.write.submitUpdate([taskId, 1, ZERO_HASH, 1n], { account: node.account }), f.tasks, "TrainingTasksZeroRoot");
    await submit(f, taskId, 1, [0]);
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.submitUpdate([taskId, 1, b32("again"), 1n], { account: node.account }),
      f.tasks,
      "TrainingTasksAlreadySubmitted",
      [taskId, 1, addr(node)],
    );
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.submitUpdate([taskId, 1, b32("x"), 1n], { account: f.nodes[4].account }),
      f.tasks,
      "TrainingTasksNotMember",
      [taskId, addr(f.nodes[4])],
    );
    for (const round of [0, 2]) {
      await assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.submitUpdate([taskId, round, b32("x"), 1n], { account: f.nodes[1].account }),
        f.tasks,
        "TrainingTasksWrongRound",
        [taskId, round, 1],
      );
    }
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.submitUpdate([9n, 1, b32("x"), 1n], { account: node.account }), f.tasks, "TrainingTasksUnknownTask", [9n]);
    const open = await createFlTask(f);
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.submitUpdate([open.taskId, 1, b32("x"), 1n], { account: node.account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [open.taskId, STATUS.Open],
    );
  });

  it("regression: one member's huge sample count cannot make the others' submissions overflow", async () => {
    const { f, taskId } = await load();
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.submitUpdate([taskId, 1, b32("greedy"), (1n << 64n) - 1n], { account: f.nodes[0].account }),
      f.tasks,
      "TrainingTasksInvalidParam",
      [PARAM.Samples],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.submitUpdate([taskId, 1, b32("greedy"), MAX_SAMPLES + 1n], { account: f.nodes[0].account }),
      f.tasks,
      "TrainingTasksInvalidParam",
      [PARAM.Samples],
    );
    for (const i of [0, 1, 2, 3]) await f.tasks.write.submitUpdate([taskId, 1, b32(`max${i}`), MAX_SAMPLES], { account: f.nodes[i].account });
    const hash = await finalize(f, taskId, 1);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "RoundFinalized", [taskId, 1, 0, modelRoot(taskId, 1), 4, 4n * MAX_SAMPLES, 400_000, 900_000]);
  });
});

describe("revealSeeds", () => {
  it("a submitter reveals inside the reveal window when a member dropped", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2]);
    await at(f, d.submit + 1n);
    const root = revealRoot(taskId, 1, 0, 0);
    const hash = await f.tasks.write.revealSeeds([taskId, 1, root], { account: f.nodes[0].account });
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "SeedsRevealed", [taskId, 1, addr(f.nodes[0]), 0, root]);
    assert.equal(await f.tasks.read.revealOf([taskId, 1, 0, f.nodes[0].account.address]), root);
    assert.equal((await f.tasks.read.getRound([taskId, 1])).reveals, 1);
    await at(f, d.reveal);
    await reveal(f, taskId, 1, [1]);
    await at(f, d.reveal + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(reveal(f, taskId, 1, [2]), f.tasks, "TrainingTasksRoundClosed", [taskId, 1, d.reveal]);
  });

  it("reverts before the submit deadline, twice, for non-submitters and for a zero root", async () => {
    const { f, taskId, d } = await load();
    const { assertions } = f.viem;
    await submit(f, taskId, 1, [0, 1, 2]);
    await at(f, d.submit);
    await assertions.revertWithCustomErrorWithArgs(reveal(f, taskId, 1, [0]), f.tasks, "TrainingTasksTooEarly", [taskId, d.submit + 1n]);
    await goTo(f, d.submit + 1n);
    await assertions.revertWithCustomError(f.tasks.write.revealSeeds([taskId, 1, ZERO_HASH], { account: f.nodes[0].account }), f.tasks, "TrainingTasksZeroRoot");
    for (const w of [f.nodes[3], f.outsider]) {
      await assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.revealSeeds([taskId, 1, b32("r")], { account: w.account }),
        f.tasks,
        "TrainingTasksNotSubmitted",
        [taskId, 1, addr(w)],
      );
    }
    await reveal(f, taskId, 1, [0]);
    await assertions.revertWithCustomErrorWithArgs(reveal(f, taskId, 1, [0]), f.tasks, "TrainingTasksAlreadySubmitted", [taskId, 1, addr(f.nodes[0])]);
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.revealSeeds([taskId, 2, b32("r")], { account: f.nodes[0].account }),
      f.tasks,
      "TrainingTasksWrongRound",
      [taskId, 2, 1],
    );
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.revealSeeds([5n, 1, b32("r")]), f.tasks, "TrainingTasksUnknownTask", [5n]);
  });

  it("reverts with NoDropouts when every member submitted (a reveal would unmask an update)", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2, 3]);
    await goTo(f, d.submit + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(reveal(f, taskId, 1, [0]), f.tasks, "TrainingTasksNoDropouts", [taskId, 1]);
  });
});

describe("finalizeRound", () => {
  it("finalizes at once when every member submitted, then starts the next round", async () => {
    const { f, taskId } = await load();
    await submit(f, taskId, 1, [0, 1, 2, 3]);
    const samples = [0, 1, 2, 3].reduce((s, i) => s + samplesOf(i), 0n);
    const hash = await finalize(f, taskId, 1);
    const t = await txTime(f, hash);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "RoundFinalized", [taskId, 1, 0, modelRoot(taskId, 1), 4, samples, 400_000, 900_000]);
    const submitDeadline = t + BigInt(ROUND_DURATION);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "RoundStarted", [
      taskId, 2, 0, t, submitDeadline, submitDeadline + BigInt(REVEAL_DURATION), submitDeadline + BigInt(REVEAL_DURATION + AGGREGATOR_WINDOW), 4,
    ]);
    assert.equal((await f.tasks.read.getRound([taskId, 1])).finalized, true);
    assert.deepEqual(await f.tasks.read.getRound([taskId, 2]), { start: t, attempt: 0, members: 4, submissions: 0, reveals: 0, finalized: false, samples: 0n });
    assert.equal((await f.tasks.read.getTaskState([taskId]))[2], 2);
    await f.viem.assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1), f.tasks, "TrainingTasksWrongRound", [taskId, 1, 2]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(submit(f, taskId, 1, [0]), f.tasks, "TrainingTasksWrongRound", [taskId, 1, 2]);

    await submit(f, taskId, 2, [0, 1, 2, 3]);
    const last = await finalize(f, taskId, 2);
    const t2 = await txTime(f, last);
    await f.viem.assertions.emit(last, f.tasks, "RoundFinalized");
    await f.viem.assertions.emitWithArgs(last, f.tasks, "TaskFinished", [taskId, t2 + BigInt(AGGREGATOR_WINDOW)]);
    assert.deepEqual((await f.tasks.read.getTaskState([taskId])).slice(1), [STATUS.Finished, 2, 4]);
    assert.equal((await f.tasks.read.getSettlement([taskId]))[5], t2 + BigInt(AGGREGATOR_WINDOW));
    await f.viem.assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 2), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Finished]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(submit(f, taskId, 2, [0]), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Finished]);
  });

  it("with a dropout, waits for the submit deadline and every submitter's reveal, and drops (slashes) who did not submit", async () => {
    const { f, taskId, d } = await load();
    const { assertions } = f.viem;
    await submit(f, taskId, 1, [0, 1, 2]);
    await at(f, d.submit);
    await assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1, [3]), f.tasks, "TrainingTasksTooEarly", [taskId, d.submit + 1n]);
    await goTo(f, d.submit + 1n);
    await assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1, [3]), f.tasks, "TrainingTasksMissingReveals", [taskId, 1, 0, 3]);
    await reveal(f, taskId, 1, [0, 2]);
    await assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1, [3]), f.tasks, "TrainingTasksMissingReveals", [taskId, 1, 2, 3]);
    await reveal(f, taskId, 1, [1]);
    await at(f, d.finalize);
    const hash = await finalize(f, taskId, 1, [3]);
    const t = await txTime(f, hash);
    await assertions.emitWithArgs(hash, f.tasks, "MemberSlashed", [taskId, addr(f.nodes[3]), 1, STAKE, addr(f.aggregator)]);
    await assertions.emitWithArgs(hash, f.tasks, "RoundFinalized", [taskId, 1, 0, modelRoot(taskId, 1), 3, samplesOf(0) + samplesOf(1) + samplesOf(2), 400_000, 900_000]);
    const submitDeadline = t + BigInt(ROUND_DURATION);
    // The next round waits for nobody that already failed: 3 members.
    await assertions.emitWithArgs(hash, f.tasks, "RoundStarted", [
      taskId, 2, 0, t, submitDeadline, submitDeadline + BigInt(REVEAL_DURATION), submitDeadline + BigInt(REVEAL_DURATION + AGGREGATOR_WINDOW), 3,
    ]);
    assert.equal((await f.tasks.read.getMember([taskId, f.nodes[3].account.address])).slashed, true);
    assert.deepEqual((await f.tasks.read.getTaskState([taskId])).slice(2), [2, 3]);
    assert.equal((await funds(f, taskId)).slashed, STAKE);
    await assertMoneyInvariant(f);
    // Round 2 finalizes at once when the 3 remaining members submit.
    await submit(f, taskId, 2, [0, 1, 2]);
    await assertions.emit(await finalize(f, taskId, 2), f.tasks, "TaskFinished");
  });

  it("dropped must name exactly the members without an update, each once", async () => {
    const { f, taskId, d } = await load();
    const { taskId: t5 } = await runningFlTask(f, { maxNodes: 5 });
    const d5 = await roundDeadlines(f, t5, 1);
    const { assertions } = f.viem;
    await submit(f, taskId, 1, [0, 1, 2]);
    await submit(f, t5, 1, [0, 1, 2]);
    await goTo(f, (d5.submit > d.submit ? d5.submit : d.submit) + 1n);
    await reveal(f, taskId, 1, [0, 1, 2]);
    await reveal(f, t5, 1, [0, 1, 2]);
    await assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1), f.tasks, "TrainingTasksMissingDropouts", [taskId, 1, 4, 3]);
    await assertions.revertWithCustomErrorWithArgs(finalize(f, t5, 1, [4]), f.tasks, "TrainingTasksMissingDropouts", [t5, 1, 4, 3]);
    // A submitter is not droppable; naming a member twice or a stranger is refused.
    await assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1, [3, 0]), f.tasks, "TrainingTasksNotSlashable", [taskId, addr(f.nodes[0]), 1]);
    await assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1, [3, 3]), f.tasks, "TrainingTasksNotMember", [taskId, addr(f.nodes[3])]);
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.finalizeRound([taskId, 1, modelRoot(taskId, 1), 0, 0, [f.nodes[3].account.address, f.outsider.account.address]], {
        account: f.aggregator.account,
      }),
      f.tasks,
      "TrainingTasksNotMember",
      [taskId, addr(f.outsider)],
    );
    const hash = await finalize(f, t5, 1, [4, 3]);
    for (const i of [4, 3]) await assertions.emitWithArgs(hash, f.tasks, "MemberSlashed", [t5, addr(f.nodes[i]), 1, STAKE, addr(f.aggregator)]);
    assert.equal((await funds(f, t5)).slashed, 2n * STAKE);
    // A member someone already slashed (after the submit deadline) is not named again.
    await f.tasks.write.slash([taskId, f.nodes[3].account.address, 1], { account: f.outsider.account });
    await assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1, [3]), f.tasks, "TrainingTasksNotMember", [taskId, addr(f.nodes[3])]);
    await assertions.emit(await finalize(f, taskId, 1), f.tasks, "RoundFinalized");
    await assertMoneyInvariant(f);
  });

  it("reverts after the finalize deadline", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2]);
    await goTo(f, d.submit + 1n);
    await reveal(f, taskId, 1, [0, 1, 2]);
    await at(f, d.finalize + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1), f.tasks, "TrainingTasksRoundClosed", [taskId, 1, d.finalize]);
  });

  it("reverts with fewer than 3 submissions, for non-aggregators, zero roots and unknown tasks", async () => {
    const { f, taskId, d } = await load();
    const { assertions } = f.viem;
    await submit(f, taskId, 1, [0, 1]);
    await goTo(f, d.submit + 1n);
    await reveal(f, taskId, 1, [0, 1]);
    await assertions.revertWithCustomErrorWithArgs(finalize(f, taskId, 1), f.tasks, "TrainingTasksNotEnoughSubmissions", [taskId, 1, 2, 3]);
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.finalizeRound([taskId, 1, b32("m"), 0, 0, []], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksNotAggregator",
      [taskId, addr(f.creator)],
    );
    await assertions.revertWithCustomError(f.tasks.write.finalizeRound([taskId, 1, ZERO_HASH, 0, 0, []], { account: f.aggregator.account }), f.tasks, "TrainingTasksZeroRoot");
    await assertions.revertWithCustomErrorWithArgs(finalize(f, 4n, 1), f.tasks, "TrainingTasksUnknownTask", [4n]);
  });
});

describe("restartRound", () => {
  it("re-runs a stalled round as attempt 1, dropping who missed it (no update, or no reveal); earlier commitments stay readable", async () => {
    const { f } = await load();
    const { assertions } = f.viem;
    const { taskId } = await runningFlTask(f, { maxNodes: 5 });
    const d = await roundDeadlines(f, taskId, 1);
    await submit(f, taskId, 1, [0, 1, 2, 3]); // node 4 drops
    await goTo(f, d.submit + 1n);
    await reveal(f, taskId, 1, [0, 1, 2]); // node 3 never reveals
    await goTo(f, d.reveal + 1n);
    // Exactly the members that missed the attempt: node 4 (no update) and node 3 (no reveal), not node 0.
    await assertions.revertWithCustomErrorWithArgs(restart(f, taskId), f.tasks, "TrainingTasksMissingDropouts", [taskId, 1, 5, 3]);
    await assertions.revertWithCustomErrorWithArgs(restart(f, taskId, [4]), f.tasks, "TrainingTasksMissingDropouts", [taskId, 1, 4, 3]);
    await assertions.revertWithCustomErrorWithArgs(restart(f, taskId, [4, 3, 0]), f.tasks, "TrainingTasksNotSlashable", [taskId, addr(f.nodes[0]), 1]);
    const hash = await restart(f, taskId, [4, 3]);
    const t = await txTime(f, hash);
    for (const i of [4, 3]) await assertions.emitWithArgs(hash, f.tasks, "MemberSlashed", [taskId, addr(f.nodes[i]), 1, STAKE, addr(f.aggregator)]);
    await assertions.emitWithArgs(hash, f.tasks, "RoundRestarted", [taskId, 1, 1]);
    const submitDeadline = t + BigInt(ROUND_DURATION);
    await assertions.emitWithArgs(hash, f.tasks, "RoundStarted", [
      taskId, 1, 1, t, submitDeadline, submitDeadline + BigInt(REVEAL_DURATION), submitDeadline + BigInt(REVEAL_DURATION + AGGREGATOR_WINDOW), 3,
    ]);
    assert.deepEqual(await f.tasks.read.getRound([taskId, 1]), { start: t, attempt: 1, members: 3, submissions: 0, reveals: 0, finalized: false, samples: 0n });
    assert.equal(await f.tasks.read.updateOf([taskId, 1, 0, f.nodes[0].account.address]), updateRoot(taskId, 1, 0, 0));
    assert.equal(await f.tasks.read.revealOf([taskId, 1, 0, f.nodes[0].account.address]), revealRoot(taskId, 1, 0, 0));
    assert.equal(await f.tasks.read.updateOf([taskId, 1, 1, f.nodes[0].account.address]), ZERO_HASH);
    assert.equal((await funds(f, taskId)).slashed, 2n * STAKE);
    await assertions.revertWithCustomErrorWithArgs(submit(f, taskId, 1, [3]), f.tasks, "TrainingTasksNotMember", [taskId, addr(f.nodes[3])]);

    // The remaining members submit again under attempt 1 and the round finalizes at once.
    await submit(f, taskId, 1, [0, 1, 2]);
    assert.equal(await f.tasks.read.updateOf([taskId, 1, 1, f.nodes[2].account.address]), updateRoot(taskId, 1, 1, 2));
    const fin = await finalize(f, taskId, 1);
    await assertions.emitWithArgs(fin, f.tasks, "RoundFinalized", [taskId, 1, 1, modelRoot(taskId, 1), 3, [0, 1, 2].reduce((s, i) => s + samplesOf(i), 0n), 400_000, 900_000]);
    await assertMoneyInvariant(f);
  });

  it("the abandon deadline moves with the new attempt", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2, 3]);
    await goTo(f, d.reveal + 1n);
    await restart(f, taskId);
    const d1 = await roundDeadlines(f, taskId, 1);
    await goTo(f, d.finalize + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([taskId]), f.tasks, "TrainingTasksDeadlineNotMissed", [taskId, d1.finalize]);
  });

  it("is allowed only between the reveal deadline and the finalize deadline", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1, 2, 3]);
    await at(f, d.reveal);
    await f.viem.assertions.revertWithCustomErrorWithArgs(restart(f, taskId), f.tasks, "TrainingTasksTooEarly", [taskId, d.reveal + 1n]);
    await at(f, d.finalize + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(restart(f, taskId), f.tasks, "TrainingTasksRoundClosed", [taskId, 1, d.finalize]);
  });

  it("re-runs a round whose counters say finalizable (a corrupt update is invisible on chain), at most 3 attempts", async () => {
    const { f, taskId } = await load();
    for (let attempt = 0; attempt < 3; attempt++) {
      await submit(f, taskId, 1, [0, 1, 2, 3]);
      const d = await roundDeadlines(f, taskId, 1);
      await goTo(f, d.reveal + 1n);
      if (attempt < 2) {
        await restart(f, taskId);
        assert.equal((await f.tasks.read.getRound([taskId, 1])).attempt, attempt + 1);
      } else {
        await f.viem.assertions.revertWithCustomErrorWithArgs(restart(f, taskId), f.tasks, "TrainingTasksTooManyAttempts", [taskId, 1, 3]);
      }
    }
  });

  it("reverts for non-aggregators, non-running and unknown tasks", async () => {
    const { f, taskId, d } = await load();
    await goTo(f, d.reveal + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(restart(f, taskId, [], f.creator), f.tasks, "TrainingTasksNotAggregator", [taskId, addr(f.creator)]);
    const open = await createFlTask(f);
    await f.viem.assertions.revertWithCustomErrorWithArgs(restart(f, open.taskId), f.tasks, "TrainingTasksWrongStatus", [open.taskId, STATUS.Open]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.restartRound([7n, []]), f.tasks, "TrainingTasksUnknownTask", [7n]);
  });

  it("regression: refuses to re-run when fewer than 3 members did their part, so the task can be abandoned", async () => {
    const { f, taskId, d } = await load();
    await submit(f, taskId, 1, [0, 1]);
    await goTo(f, d.submit + 1n);
    await reveal(f, taskId, 1, [0, 1]);
    await goTo(f, d.reveal + 1n);
    // Dropping nodes 2 and 3 would leave 2 members: no re-run could ever be finalized.
    await f.viem.assertions.revertWithCustomErrorWithArgs(restart(f, taskId, [2, 3]), f.tasks, "TrainingTasksNotEnoughMembers", [taskId, 2, 3]);
    // The same when someone slashed them first.
    await f.tasks.write.slash([taskId, f.nodes[2].account.address, 1]);
    await f.tasks.write.slash([taskId, f.nodes[3].account.address, 1]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(restart(f, taskId), f.tasks, "TrainingTasksNotEnoughMembers", [taskId, 2, 3]);
    await goTo(f, d.finalize + 1n);
    await f.tasks.write.abandonTask([taskId]);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Abandoned);
  });
});

describe("a full run", () => {
  it("three rounds with a dropout, a restart that drops two members and a finalize reach Finished", async () => {
    const { f } = await load();
    const { taskId } = await runningFlTask(f, { rounds: 3, maxNodes: 5, minNodes: 3 });
    // Round 1: everyone.
    await submit(f, taskId, 1, [0, 1, 2, 3, 4]);
    await finalize(f, taskId, 1);
    // Round 2: node 4 drops, node 3 does not reveal -> the restart drops both, then the 3 others finish it.
    await submit(f, taskId, 2, [0, 1, 2, 3]);
    const d = await roundDeadlines(f, taskId, 2);
    await goTo(f, d.submit + 1n);
    await reveal(f, taskId, 2, [0, 1, 2]);
    await goTo(f, d.reveal + 1n);
    await restart(f, taskId, [4, 3]);
    assert.equal((await f.tasks.read.getRound([taskId, 2])).members, 3);
    await submit(f, taskId, 2, [0, 1, 2]);
    await finalize(f, taskId, 2);
    // Round 3.
    await submit(f, taskId, 3, [0, 1, 2]);
    const hash = await finalize(f, taskId, 3);
    await f.viem.assertions.emit(hash, f.tasks, "TaskFinished");
    assert.deepEqual((await f.tasks.read.getTaskState([taskId])).slice(1), [STATUS.Finished, 3, 3]);
    assert.equal((await f.tasks.read.getRound([taskId, 2])).attempt, 1);
    assert.equal((await funds(f, taskId)).slashed, 2n * STAKE);
  });
});
