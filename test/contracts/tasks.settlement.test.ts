// TrainingTasks settlement: settle (aggregator, then members), disputes with proposals and their resolution, claims
// with real StandardMerkleTree proofs and the claim period, stake and refund withdrawals, and the money invariant over
// full multi-task flows.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, type Address, type Hex } from "viem";
import {
  AGGREGATOR_WINDOW, at, assertMoneyInvariant, b32, BUDGET, CHALLENGE_WINDOW, CLAIM_PERIOD, createFlTask, deployContracts, E18,
  ENC, finishRounds, funds, goTo, join, revealRoot, roundDeadlines, runningFlTask, saKey, STAKE, STATUS, submit, txTime,
  ZERO_HASH, type Fixture,
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
    const [, , , , , settleDeadline] = await f.tasks.read.getSettlement([taskId]);
    const hash = await f.tasks.write.settle([taskId, payout.root, payout.total], { account: f.aggregator.account });
    const t = await txTime(f, hash);
    const claimsOpenAt = t + BigInt(CHALLENGE_WINDOW);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "TaskSettled", [taskId, addr(f.aggregator), payout.root, payout.total, claimsOpenAt]);
    assert.deepEqual(await f.tasks.read.getSettlement([taskId]), [
      payout.root, payout.total, claimsOpenAt, claimsOpenAt + BigInt(CLAIM_PERIOD), claimsOpenAt, settleDeadline,
    ]);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Settled);
    assert.equal((await funds(f, taskId)).payoutTotal, payout.total);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, payout.root, payout.total], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [taskId, STATUS.Settled],
    );
  });

  it("only the aggregator settles until the settle deadline; then a staked member may, for one more aggregator window", async () => {
    const { f, taskId, payout, params } = await load();
    const { assertions } = f.viem;
    const [, , , , , settleDeadline] = await f.tasks.read.getSettlement([taskId]);
    const memberDeadline = settleDeadline + BigInt(AGGREGATOR_WINDOW);
    const settleAs = (w: Fixture["creator"]) => f.tasks.write.settle([taskId, payout.root, payout.total], { account: w.account });
    await assertions.revertWithCustomErrorWithArgs(settleAs(f.nodes[1]), f.tasks, "TrainingTasksNotAggregator", [taskId, addr(f.nodes[1])]);
    await at(f, settleDeadline);
    await settleAs(f.aggregator);

    const late = await load();
    await at(late.f, settleDeadline + 1n);
    for (const w of [late.f.aggregator, late.f.creator, late.f.outsider]) {
      await assertions.revertWithCustomErrorWithArgs(
        late.f.tasks.write.settle([taskId, payout.root, payout.total], { account: w.account }),
        late.f.tasks,
        "TrainingTasksNotMember",
        [taskId, addr(w)],
      );
    }
    const hash = await late.f.tasks.write.settle([taskId, payout.root, payout.total], { account: late.f.nodes[1].account });
    const t = await txTime(late.f, hash);
    await assertions.emitWithArgs(hash, late.f.tasks, "TaskSettled", [taskId, addr(late.f.nodes[1]), payout.root, payout.total, t + BigInt(CHALLENGE_WINDOW)]);
    assert.equal((await late.f.tasks.read.getTaskState([taskId]))[1], STATUS.Settled);

    const last = await load();
    await at(last.f, memberDeadline + 1n);
    await assertions.revertWithCustomErrorWithArgs(
      last.f.tasks.write.settle([taskId, payout.root, payout.total], { account: last.f.nodes[1].account }),
      last.f.tasks,
      "TrainingTasksRoundClosed",
      [taskId, params.rounds, memberDeadline],
    );
    const again = await load();
    await at(again.f, memberDeadline);
    await again.f.tasks.write.settle([taskId, payout.root, payout.total], { account: again.f.nodes[2].account });
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

/** The payout node 3 proposes instead of the aggregator's: 50 tokens moved from node 0 to node 3, 900 in all. */
const fixedPayout = (f: Fixture) =>
  payoutTree([
    [0n, addr(f.nodes[0]), 250n * E18],
    [1n, addr(f.nodes[1]), 250n * E18],
    [2n, addr(f.nodes[2]), 200n * E18],
    [3n, addr(f.nodes[3]), 200n * E18],
  ]);
const dispute = (f: Fixture, taskId: bigint, i: number, p: { root: Hex; total: bigint }) =>
  f.tasks.write.dispute([taskId, p.root, p.total], { account: f.nodes[i].account });
const resolve = (f: Fixture, taskId: bigint, p: { root: Hex; total: bigint }, from = f.resolver) =>
  f.tasks.write.resolve([taskId, p.root, p.total], { account: from.account });

describe("dispute and resolution", () => {
  it("a staked member proposes another payout; claims wait for the resolver, who picks it; claims follow the new root", async () => {
    const { f, taskId, payout, claimsOpenAt: challengeEnd } = await loadSettled();
    const { assertions } = f.viem;
    const [, , , , , settleDeadline] = await f.tasks.read.getSettlement([taskId]);
    const resolveDeadline = challengeEnd + BigInt(CHALLENGE_WINDOW);
    const fixed = fixedPayout(f);
    assert.equal(await f.tasks.read.isProposed([taskId, fixed.root, fixed.total]), false);
    await at(f, challengeEnd - 20n);
    const hash = await dispute(f, taskId, 3, fixed);
    await assertions.emitWithArgs(hash, f.tasks, "SettlementDisputed", [taskId, addr(f.nodes[3]), fixed.root, fixed.total, resolveDeadline]);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Disputed);
    // The original stays posted; claims move to the resolve deadline.
    assert.deepEqual(await f.tasks.read.getSettlement([taskId]), [
      payout.root, payout.total, resolveDeadline, resolveDeadline + BigInt(CLAIM_PERIOD), challengeEnd, settleDeadline,
    ]);
    assert.equal((await f.tasks.read.getMember([taskId, f.nodes[3].account.address])).disputed, true);
    assert.equal(await f.tasks.read.isProposed([taskId, fixed.root, fixed.total]), true);
    assert.equal(await f.tasks.read.isProposed([taskId, fixed.root, fixed.total + 1n]), false);
    assert.equal(await f.tasks.read.isProposed([taskId, payout.root, payout.total]), false);
    await assertions.revertWithCustomErrorWithArgs(dispute(f, taskId, 3, payout), f.tasks, "TrainingTasksAlreadyDisputed", [taskId, addr(f.nodes[3])]);
    await assertions.revertWithCustomErrorWithArgs(resolve(f, taskId, fixed), f.tasks, "TrainingTasksTooEarly", [taskId, challengeEnd]);
    // A second member proposes yet another payout: the resolve deadline does not move.
    const other = payoutTree([[0n, addr(f.nodes[1]), 10n * E18]]);
    const second = await dispute(f, taskId, 1, other);
    await assertions.emitWithArgs(second, f.tasks, "SettlementDisputed", [taskId, addr(f.nodes[1]), other.root, other.total, resolveDeadline]);
    assert.equal((await f.tasks.read.getSettlement([taskId]))[2], resolveDeadline);
    await at(f, challengeEnd);
    await assertions.revertWithCustomErrorWithArgs(dispute(f, taskId, 2, other), f.tasks, "TrainingTasksChallengeWindowClosed", [taskId, challengeEnd]);

    // While Disputed: no claims, no refund, no settle, no abandon; stakes are not held hostage.
    await assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 0), f.tasks, "TrainingTasksClaimsNotOpen", [taskId, resolveDeadline]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksClaimsNotOpen", [taskId, resolveDeadline]);
    await assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, fixed.root, fixed.total], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [taskId, STATUS.Disputed],
    );
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([taskId]), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Disputed]);
    const w = await f.tasks.write.withdrawStake([taskId], { account: f.nodes[0].account });
    await assertions.emitWithArgs(w, f.tasks, "StakeWithdrawn", [taskId, addr(f.nodes[0]), STAKE]);

    // Only the resolver, and only for a candidate.
    for (const who of [f.creator, f.aggregator, f.nodes[3], f.outsider]) {
      await assertions.revertWithCustomErrorWithArgs(resolve(f, taskId, fixed, who), f.tasks, "TrainingTasksNotResolver", [taskId, addr(who)]);
    }
    for (const [root, total] of [[b32("made up"), 1n], [fixed.root, fixed.total + 1n], [other.root, fixed.total]] as const) {
      await assertions.revertWithCustomErrorWithArgs(resolve(f, taskId, { root, total }), f.tasks, "TrainingTasksUnknownProposal", [taskId, root, total]);
    }
    const r = await resolve(f, taskId, fixed);
    const t = await txTime(f, r);
    await assertions.emitWithArgs(r, f.tasks, "SettlementResolved", [taskId, addr(f.resolver), fixed.root, fixed.total, t]);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Settled);
    assert.deepEqual(await f.tasks.read.getSettlement([taskId]), [fixed.root, fixed.total, t, t + BigInt(CLAIM_PERIOD), t, settleDeadline]);
    await assertions.revertWithCustomErrorWithArgs(resolve(f, taskId, other), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Settled]);
    await assertions.revertWithCustomErrorWithArgs(dispute(f, taskId, 2, other), f.tasks, "TrainingTasksChallengeWindowClosed", [taskId, t]);
    // The stake taken back while Disputed cannot be taken again once Settled.
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawStake([taskId], { account: f.nodes[0].account }), f.tasks, "TrainingTasksNothingToWithdraw", [taskId, addr(f.nodes[0])]);

    // Claims open at once and follow the resolved root.
    await assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 0), f.tasks, "TrainingTasksInvalidProof", [taskId, addr(f.nodes[0]), 300n * E18]);
    for (const i of [0, 1, 2, 3]) await claimLeaf(f, taskId, fixed, i);
    assert.equal((await funds(f, taskId)).claimed, fixed.total);
    const refund = await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await assertions.emitWithArgs(refund, f.tasks, "RefundWithdrawn", [taskId, addr(f.creator), BUDGET - fixed.total]);
    await assertMoneyInvariant(f);
  });

  it("the resolver may keep the original settlement; claims open at once", async () => {
    const { f, taskId, payout, claimsOpenAt: challengeEnd } = await loadSettled();
    await dispute(f, taskId, 3, fixedPayout(f));
    await at(f, challengeEnd);
    const r = await resolve(f, taskId, payout);
    await f.viem.assertions.emitWithArgs(r, f.tasks, "SettlementResolved", [taskId, addr(f.resolver), payout.root, payout.total, challengeEnd]);
    const c = await claimLeaf(f, taskId, payout, 0);
    await f.viem.assertions.emitWithArgs(c, f.tasks, "RewardClaimed", [taskId, addr(f.nodes[0]), 0n, 300n * E18]);
  });

  it("the resolver's silence: the original is claimable from the resolve deadline, and resolve is refused from then on", async () => {
    const { f, taskId, payout, claimsOpenAt: challengeEnd } = await loadSettled();
    const { assertions } = f.viem;
    const resolveDeadline = challengeEnd + BigInt(CHALLENGE_WINDOW);
    const fixed = fixedPayout(f);
    await dispute(f, taskId, 3, fixed);
    await at(f, resolveDeadline - 1n);
    await assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 0), f.tasks, "TrainingTasksClaimsNotOpen", [taskId, resolveDeadline]);
    await at(f, resolveDeadline);
    await assertions.revertWithCustomErrorWithArgs(resolve(f, taskId, fixed), f.tasks, "TrainingTasksRoundClosed", [taskId, 2, resolveDeadline]);
    const c = await claimLeaf(f, taskId, payout, 0);
    await assertions.emitWithArgs(c, f.tasks, "RewardClaimed", [taskId, addr(f.nodes[0]), 0n, 300n * E18]);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Disputed);
    for (const i of [1, 2, 3, 4]) await claimLeaf(f, taskId, payout, i);
    for (const i of [0, 1, 2, 3]) await f.tasks.write.withdrawStake([taskId], { account: f.nodes[i].account });
    assert.equal(await assertMoneyInvariant(f), 0n);
  });

  it("reverts for non-members, the resolver, a withdrawn stake, bad proposals, after the challenge window, before settlement and for unknown tasks", async () => {
    const { f, taskId, payout, claimsOpenAt } = await loadSettled();
    const { assertions } = f.viem;
    for (const w of [f.outsider, f.creator, f.aggregator, f.resolver]) {
      await assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.dispute([taskId, payout.root, 1n], { account: w.account }),
        f.tasks,
        "TrainingTasksCannotDispute",
        [taskId, addr(w)],
      );
    }
    await f.tasks.write.withdrawStake([taskId], { account: f.nodes[2].account });
    await assertions.revertWithCustomErrorWithArgs(dispute(f, taskId, 2, fixedPayout(f)), f.tasks, "TrainingTasksCannotDispute", [taskId, addr(f.nodes[2])]);
    await assertions.revertWithCustomError(dispute(f, taskId, 0, { root: ZERO_HASH, total: 1n }), f.tasks, "TrainingTasksZeroRoot");
    await assertions.revertWithCustomErrorWithArgs(
      dispute(f, taskId, 0, { root: b32("p"), total: BUDGET + 1n }),
      f.tasks,
      "TrainingTasksPayoutExceedsPool",
      [taskId, BUDGET + 1n, BUDGET],
    );
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Settled);
    await at(f, claimsOpenAt);
    await assertions.revertWithCustomErrorWithArgs(dispute(f, taskId, 0, fixedPayout(f)), f.tasks, "TrainingTasksChallengeWindowClosed", [taskId, claimsOpenAt]);
    const other = await runningFlTask(f);
    await finishRounds(f, other.taskId);
    await assertions.revertWithCustomErrorWithArgs(dispute(f, other.taskId, 0, payout), f.tasks, "TrainingTasksWrongStatus", [other.taskId, STATUS.Finished]);
    await assertions.revertWithCustomErrorWithArgs(resolve(f, other.taskId, payout), f.tasks, "TrainingTasksWrongStatus", [other.taskId, STATUS.Finished]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.dispute([42n, payout.root, 1n]), f.tasks, "TrainingTasksUnknownTask", [42n]);
    await assertions.revertWithCustomErrorWithArgs(resolve(f, 42n, payout), f.tasks, "TrainingTasksUnknownTask", [42n]);
  });

  it("the creator and the aggregator cannot dispute their own settlement, even as staked members", async () => {
    const { f } = await load();
    for (const w of [f.creator, f.aggregator]) {
      await f.datasetIndex.write.registerDataset([1n, b32(`own:${w.account.address}`), b32("own manifest"), 10n, ENC.None, ZERO_HASH, ""], { account: w.account });
    }
    const { taskId } = await createFlTask(f, { rounds: 1, maxNodes: 5 });
    for (const i of [0, 1, 2]) await join(f, taskId, i);
    for (const [w, datasetId] of [[f.creator, 6n], [f.aggregator, 7n]] as const) {
      await f.tasks.write.joinTask([taskId, datasetId, saKey(w)], { account: w.account });
    }
    await submit(f, taskId, 1, [0, 1, 2]);
    for (const w of [f.creator, f.aggregator]) await f.tasks.write.submitUpdate([taskId, 1, b32(`u:${w.account.address}`), 1n], { account: w.account });
    await f.tasks.write.finalizeRound([taskId, 1, b32("m"), 0, 0, []], { account: f.aggregator.account });
    await f.tasks.write.settle([taskId, b32("p"), 1n], { account: f.aggregator.account });
    for (const w of [f.creator, f.aggregator]) {
      assert.equal((await f.tasks.read.getMember([taskId, w.account.address])).joinIndex > 0, true);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.dispute([taskId, b32("q"), 1n], { account: w.account }),
        f.tasks,
        "TrainingTasksCannotDispute",
        [taskId, addr(w)],
      );
    }
    await dispute(f, taskId, 0, { root: b32("q"), total: 1n });
  });

  it("a member dropped for a missed round can neither settle for a silent aggregator nor dispute", async () => {
    const f = (await load()).f;
    const { taskId } = await runningFlTask(f, { rounds: 1 });
    await submit(f, taskId, 1, [0, 1, 2]);
    const d = await roundDeadlines(f, taskId, 1);
    await goTo(f, d.submit + 1n);
    for (const i of [0, 1, 2]) await f.tasks.write.revealSeeds([taskId, 1, revealRoot(taskId, 1, 0, i)], { account: f.nodes[i].account });
    await f.tasks.write.finalizeRound([taskId, 1, b32("m"), 0, 0, [f.nodes[3].account.address]], { account: f.aggregator.account });
    const [, , , , , settleDeadline] = await f.tasks.read.getSettlement([taskId]);
    await at(f, settleDeadline + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, b32("p"), 1n], { account: f.nodes[3].account }),
      f.tasks,
      "TrainingTasksNotMember",
      [taskId, addr(f.nodes[3])],
    );
    await f.tasks.write.settle([taskId, b32("p"), 1n], { account: f.nodes[0].account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(dispute(f, taskId, 3, { root: b32("q"), total: 1n }), f.tasks, "TrainingTasksCannotDispute", [taskId, addr(f.nodes[3])]);
    const hash = await dispute(f, taskId, 1, { root: b32("q"), total: BUDGET + STAKE });
    await f.viem.assertions.emit(hash, f.tasks, "SettlementDisputed");
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

  it("claims close after the claim period; the creator then takes back pool − claimed", async () => {
    const { f, taskId, payout, claimsOpenAt } = await loadSettled();
    const { assertions } = f.viem;
    const closesAt = claimsOpenAt + BigInt(CLAIM_PERIOD);
    assert.equal((await f.tasks.read.getSettlement([taskId]))[3], closesAt);
    await at(f, claimsOpenAt);
    await claimLeaf(f, taskId, payout, 0);
    // Before the end the creator gets pool − total: nothing, the tree pays out the whole budget.
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksNothingToWithdraw", [taskId, addr(f.creator)]);
    await at(f, closesAt - 1n);
    await claimLeaf(f, taskId, payout, 1);
    await at(f, closesAt);
    await assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 2), f.tasks, "TrainingTasksClaimsClosed", [taskId, closesAt]);
    const claimed = 300n * E18 + 250n * E18;
    const r = await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await assertions.emitWithArgs(r, f.tasks, "RefundWithdrawn", [taskId, addr(f.creator), BUDGET - claimed]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksNothingToWithdraw", [taskId, addr(f.creator)]);
    await assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, payout, 4), f.tasks, "TrainingTasksClaimsClosed", [taskId, closesAt]);
    for (const i of [0, 1, 2, 3]) await f.tasks.write.withdrawStake([taskId], { account: f.nodes[i].account });
    assert.deepEqual(await funds(f, taskId), {
      budget: BUDGET, staked: 4n * STAKE, slashed: 0n, stakesWithdrawn: 4n * STAKE, payoutTotal: BUDGET, claimed, refunded: BUDGET - claimed,
    });
    assert.equal(await assertMoneyInvariant(f), 0n);
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

  it("holds through a dispute, a resolution to a smaller payout, claims, the claim period's end and the refund of what was not claimed", async () => {
    const { f, taskId, claimsOpenAt: challengeEnd } = await loadSettled();
    // Another task in the same token keeps running: its escrow must stay untouched throughout.
    const running = await runningFlTask(f, { budget: 321n * E18 });
    await assertMoneyInvariant(f);
    const fixed = fixedPayout(f);
    await dispute(f, taskId, 3, fixed);
    await dispute(f, taskId, 1, payoutTree([[0n, addr(f.nodes[1]), BUDGET]]));
    await assertMoneyInvariant(f);
    await at(f, challengeEnd);
    const r = await resolve(f, taskId, fixed);
    const closesAt = (await txTime(f, r)) + BigInt(CLAIM_PERIOD);
    await assertMoneyInvariant(f);
    for (const i of [0, 3]) {
      await claimLeaf(f, taskId, fixed, i);
      await assertMoneyInvariant(f);
    }
    for (const i of [0, 1, 2, 3]) await f.tasks.write.withdrawStake([taskId], { account: f.nodes[i].account });
    await assertMoneyInvariant(f);
    // Before the end: pool − total.
    const early = await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await f.viem.assertions.emitWithArgs(early, f.tasks, "RefundWithdrawn", [taskId, addr(f.creator), BUDGET - fixed.total]);
    await assertMoneyInvariant(f);
    // After it: pool − claimed, less what was already refunded.
    await at(f, closesAt);
    await f.viem.assertions.revertWithCustomErrorWithArgs(claimLeaf(f, taskId, fixed, 1), f.tasks, "TrainingTasksClaimsClosed", [taskId, closesAt]);
    const claimed = 250n * E18 + 200n * E18;
    const late = await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await f.viem.assertions.emitWithArgs(late, f.tasks, "RefundWithdrawn", [taskId, addr(f.creator), fixed.total - claimed]);
    assert.deepEqual(await funds(f, taskId), {
      budget: BUDGET, staked: 4n * STAKE, slashed: 0n, stakesWithdrawn: 4n * STAKE, payoutTotal: fixed.total, claimed, refunded: BUDGET - claimed,
    });
    // Only the running task's money is left.
    assert.equal(await assertMoneyInvariant(f), 321n * E18 + 4n * STAKE);
    assert.equal((await f.tasks.read.getTaskState([running.taskId]))[1], STATUS.Running);
  });
});
