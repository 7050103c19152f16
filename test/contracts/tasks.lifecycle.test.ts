// TrainingTasks life cycle: createTask, joinTask, startTask, cancelTask, abandonTask (+ fee-on-transfer refusal).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, getContract, parseAbi } from "viem";
import {
  AGGREGATOR_WINDOW, at, assertMoneyInvariant, b32, BUDGET, createFlTask, createTask, deployContracts, E18, ENC, KIND,
  finishRounds, flParams, funds, goTo, join, PARAM, REVEAL_DURATION, ROUND_DURATION, roundDeadlines, runningFlTask, saKey,
  STAKE, STATUS, TERM, txTime, UINT128_MAX, ZERO_ADDRESS, ZERO_HASH, type Fixture, type TaskParams,
} from "./fixtures.ts";
import { PUBLIC_TERM_LIMITS } from "../../src/chain/termLimits.ts";
import type { NetworkConnection } from "hardhat/types/network";

const { networkHelpers } = await network.create();
const load = (): Promise<Fixture> => networkHelpers.loadFixture(deployContracts);

/** Base + one open FL task (id 1, 3..4 nodes, 2 rounds) without members. */
async function openTask(connection: NetworkConnection) {
  const f = await deployContracts(connection);
  const task = await createFlTask(f);
  return { f, ...task };
}
const loadOpen = () => networkHelpers.loadFixture(openTask);

const addr = (w: { account: { address: `0x${string}` } }) => getAddress(w.account.address);

describe("createTask", () => {
  it("escrows the budget, stores the params and emits TaskCreated with every parameter", async () => {
    const f = await load();
    const params = await flParams(f);
    const before = await f.token.read.balanceOf([f.creator.account.address]);
    const { taskId, hash } = await createTask(f, params);
    assert.equal(taskId, 1n);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "TaskCreated", [1n, addr(f.creator), params]);
    assert.equal(await f.token.read.balanceOf([f.creator.account.address]), before - BUDGET);
    assert.equal(await f.token.read.balanceOf([f.tasks.address]), BUDGET);
    assert.deepEqual(await f.tasks.read.getTaskParams([1n]), params);
    assert.deepEqual(await f.tasks.read.getTaskState([1n]), [addr(f.creator), STATUS.Open, 0, 0]);
    assert.deepEqual(await funds(f, 1n), { budget: BUDGET, staked: 0n, slashed: 0n, stakesWithdrawn: 0n, payoutTotal: 0n, claimed: 0n, refunded: 0n });
    assert.deepEqual(await f.tasks.read.getSettlement([1n]), [ZERO_HASH, 0n, 0n, 0n, 0n, 0n]);
    const second = await createTask(f, { ...params, budget: 7n }, { creator: f.creator2 });
    assert.equal(second.taskId, 2n);
    assert.equal(await f.tasks.read.taskCount(), 2n);
    await assertMoneyInvariant(f);
  });

  it("accepts basis points at exactly 10000", async () => {
    const f = await load();
    const { taskId } = await createFlTask(f, { dataShareBps: 10_000, computeDecayBps: 10_000, dataDecayBps: 10_000 });
    const p = await f.tasks.read.getTaskParams([taskId]);
    assert.equal(p.dataShareBps, 10_000);
  });

  it("reverts with InvalidParam naming every invalid parameter", async () => {
    const f = await load();
    const now = BigInt(await networkHelpers.time.latest());
    const cases: [Partial<TaskParams>, number][] = [
      [{ rewardToken: ZERO_ADDRESS }, PARAM.RewardToken],
      [{ aggregator: ZERO_ADDRESS }, PARAM.Aggregator],
      [{ modelRoot: ZERO_HASH }, PARAM.ModelRoot],
      [{ budget: 0n }, PARAM.Budget],
      [{ rounds: 0 }, PARAM.Rounds],
      [{ rounds: 1001 }, PARAM.Rounds],
      [{ joinDeadline: now - 10n }, PARAM.JoinDeadline],
      [{ dataShareBps: 10_001 }, PARAM.Bps],
      [{ computeDecayBps: 10_001 }, PARAM.Bps],
      [{ dataDecayBps: 10_001 }, PARAM.Bps],
      [{ computeDecayBps: 0 }, PARAM.Decay],
      [{ dataDecayBps: 0 }, PARAM.Decay],
      [{ schemaId: 0 }, PARAM.Schema],
      [{ schemaId: 3 }, PARAM.Schema],
      [{ minNodes: 2, maxNodes: 4 }, PARAM.Nodes],
      [{ minNodes: 4, maxNodes: 3 }, PARAM.Nodes],
    ];
    for (const [override, param] of cases) {
      const params = await flParams(f, override);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.createTask([params, [], ZERO_HASH], { account: f.creator.account }),
        f.tasks,
        "TrainingTasksInvalidParam",
        [param],
      );
    }
    const withInputs = await flParams(f);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.createTask([withInputs, [{ datasetId: 1n, root: b32("r"), manifestRoot: b32("m"), rows: 1n }], ZERO_HASH], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksInvalidParam",
      [PARAM.FheInputs],
    );
    assert.equal(await f.tasks.read.taskCount(), 0n);
  });

  it("createDpTask: escrows like createTask, records the DP terms (DpTermsSet), refuses bad terms", async () => {
    const f = await load();
    const params = await flParams(f);
    const dp = { noiseMultiplierE6: 1_500_000, deltaE18: 10n ** 13n };
    const hash = await f.tasks.write.createDpTask([params, dp], { account: f.creator.account });
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "TaskCreated", [1n, addr(f.creator), params]);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "DpTermsSet", [1n, dp.noiseMultiplierE6, dp.deltaE18]);
    assert.deepEqual(await f.tasks.read.getDpTerms([1n]), dp);
    assert.deepEqual(await f.tasks.read.getTaskParams([1n]), params);
    assert.equal(await f.token.read.balanceOf([f.tasks.address]), BUDGET);
    await createTask(f, params);
    assert.deepEqual(await f.tasks.read.getDpTerms([2n]), { noiseMultiplierE6: 0, deltaE18: 0n }, "createTask: no DP");
    const maxDelta = await f.tasks.read.MAX_DP_DELTA_E18();
    assert.equal(maxDelta, 10n ** 17n);
    const cases: [Partial<TaskParams>, typeof dp, number][] = [
      [{}, { ...dp, noiseMultiplierE6: 0 }, PARAM.DpTerms],
      [{}, { ...dp, deltaE18: 0n }, PARAM.DpTerms],
      [{}, { ...dp, deltaE18: maxDelta + 1n }, PARAM.DpTerms],
      [{ kind: KIND.FHE, minNodes: 1, maxNodes: 1, rounds: 1 }, dp, PARAM.DpTerms],
      [{ minNodes: 2 }, dp, PARAM.Nodes], // createTask's own checks still apply
    ];
    for (const [override, terms, param] of cases)
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.createDpTask([await flParams(f, override), terms], { account: f.creator.account }),
        f.tasks,
        "TrainingTasksInvalidParam",
        [param],
      );
    await f.tasks.write.createDpTask([params, { ...dp, deltaE18: maxDelta }], { account: f.creator.account });
    assert.equal(await f.tasks.read.taskCount(), 3n);
  });

  it("refuses windows, challenge window and claim period outside the deployment's term limits, accepts the bounds", async () => {
    const f = await load();
    const L = PUBLIC_TERM_LIMITS;
    assert.deepEqual(await f.tasks.read.termLimits(), L);
    const cases: [Partial<TaskParams>, number, number, number, number][] = [
      [{ roundDuration: 0 }, TERM.RoundDuration, 0, L.minWindow, L.maxWindow],
      [{ roundDuration: L.minWindow - 1 }, TERM.RoundDuration, L.minWindow - 1, L.minWindow, L.maxWindow],
      [{ roundDuration: L.maxWindow + 1 }, TERM.RoundDuration, L.maxWindow + 1, L.minWindow, L.maxWindow],
      [{ revealDuration: 0 }, TERM.RevealDuration, 0, L.minWindow, L.maxWindow],
      [{ revealDuration: L.maxWindow + 1 }, TERM.RevealDuration, L.maxWindow + 1, L.minWindow, L.maxWindow],
      [{ aggregatorWindow: 0 }, TERM.AggregatorWindow, 0, L.minWindow, L.maxWindow],
      [{ aggregatorWindow: L.maxWindow + 1 }, TERM.AggregatorWindow, L.maxWindow + 1, L.minWindow, L.maxWindow],
      [{ challengeWindow: L.minChallengeWindow - 1 }, TERM.ChallengeWindow, L.minChallengeWindow - 1, L.minChallengeWindow, L.maxChallengeWindow],
      [{ challengeWindow: L.maxChallengeWindow + 1 }, TERM.ChallengeWindow, L.maxChallengeWindow + 1, L.minChallengeWindow, L.maxChallengeWindow],
      [{ claimPeriod: L.minClaimPeriod - 1 }, TERM.ClaimPeriod, L.minClaimPeriod - 1, L.minClaimPeriod, L.maxClaimPeriod],
      [{ claimPeriod: L.maxClaimPeriod + 1 }, TERM.ClaimPeriod, L.maxClaimPeriod + 1, L.minClaimPeriod, L.maxClaimPeriod],
    ];
    for (const [override, term, value, min, max] of cases) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.createTask([await flParams(f, override), [], ZERO_HASH], { account: f.creator.account }),
        f.tasks,
        "TrainingTasksTermOutOfRange",
        [term, BigInt(value), BigInt(min), BigInt(max)],
      );
    }
    // The join period is measured from the creating block.
    const t = BigInt(await networkHelpers.time.latest()) + 10n;
    const far = await flParams(f, { joinDeadline: t + BigInt(L.maxJoinPeriod) + 1n });
    await at(f, t);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.createTask([far, [], ZERO_HASH], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksTermOutOfRange",
      [TERM.JoinPeriod, BigInt(L.maxJoinPeriod) + 1n, 1n, BigInt(L.maxJoinPeriod)],
    );
    assert.equal(await f.tasks.read.taskCount(), 0n);
    const t2 = BigInt(await networkHelpers.time.latest()) + 10n;
    await at(f, t2);
    await createFlTask(f, {
      joinDeadline: t2 + BigInt(L.maxJoinPeriod), roundDuration: L.minWindow, revealDuration: L.maxWindow, aggregatorWindow: L.minWindow,
      challengeWindow: L.minChallengeWindow, claimPeriod: L.maxClaimPeriod,
    });
    await createFlTask(f, { roundDuration: L.maxWindow, revealDuration: L.minWindow, aggregatorWindow: L.maxWindow, challengeWindow: L.maxChallengeWindow, claimPeriod: L.minClaimPeriod });
    assert.equal(await f.tasks.read.taskCount(), 2n);
  });

  it("refuses a resolver that is zero, the creator or the aggregator; the resolver may not join", async () => {
    const f = await load();
    for (const resolver of [ZERO_ADDRESS, addr(f.creator), addr(f.aggregator)]) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.createTask([await flParams(f, { resolver }), [], ZERO_HASH], { account: f.creator.account }),
        f.tasks,
        "TrainingTasksInvalidResolver",
        [resolver],
      );
    }
    // Another account creating with the same resolver is fine; the resolver itself cannot take a seat.
    const { taskId } = await createFlTask(f);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.joinTask([taskId, 1n, saKey(f.resolver)], { account: f.resolver.account }),
      f.tasks,
      "TrainingTasksInvalidResolver",
      [addr(f.resolver)],
    );
    assert.equal((await f.tasks.read.getTaskState([taskId]))[3], 0);
  });

  it("refuses a join deadline equal to the block time", async () => {
    const f = await load();
    const t = BigInt(await networkHelpers.time.latest()) + 100n;
    const params = await flParams(f, { joinDeadline: t });
    await at(f, t);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.createTask([params, [], ZERO_HASH], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksInvalidParam",
      [PARAM.JoinDeadline],
    );
  });

  it("regression: refuses budget + maxNodes * stake above uint128 (a truncated refund could be withdrawn again)", async () => {
    const f = await load();
    const huge = 1n << 130n;
    await f.token.write.mint([f.creator.account.address, huge]);
    await f.token.write.approve([f.tasks.address, huge], { account: f.creator.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.createTask([await flParams(f, { budget: UINT128_MAX - 4n * STAKE + 1n }), [], ZERO_HASH], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksInvalidParam",
      [PARAM.Escrow],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.createTask([await flParams(f, { budget: UINT128_MAX, stake: 1n, maxNodes: 3 }), [], ZERO_HASH], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksInvalidParam",
      [PARAM.Escrow],
    );
    // The largest allowed task: the whole life cycle fits the uint128 fields.
    const { taskId } = await createFlTask(f, { budget: UINT128_MAX - 4n * STAKE });
    assert.equal((await funds(f, taskId)).budget, UINT128_MAX - 4n * STAKE);
    await assertMoneyInvariant(f);
  });

  it("bubbles the token's error without allowance or balance", async () => {
    const f = await load();
    const params = await flParams(f);
    await f.token.write.approve([f.tasks.address, BUDGET - 1n], { account: f.creator.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.createTask([params, [], ZERO_HASH], { account: f.creator.account }),
      f.token,
      "ERC20InsufficientAllowance",
      [getAddress(f.tasks.address), BUDGET - 1n, BUDGET],
    );
    const broke = f.wallets[12];
    await f.token.write.approve([f.tasks.address, BUDGET], { account: broke.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.createTask([params, [], ZERO_HASH], { account: broke.account }),
      f.token,
      "ERC20InsufficientBalance",
      [addr(broke), 0n, BUDGET],
    );
  });

  it("views revert for unknown tasks", async () => {
    const f = await load();
    const { assertions } = f.viem;
    await assertions.revertWithCustomErrorWithArgs(f.tasks.read.getTaskParams([1n]), f.tasks, "TrainingTasksUnknownTask", [1n]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.read.getTaskState([2n]), f.tasks, "TrainingTasksUnknownTask", [2n]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.read.getTaskFunds([3n]), f.tasks, "TrainingTasksUnknownTask", [3n]);
    await assertions.revertWithCustomErrorWithArgs(f.tasks.read.getSettlement([4n]), f.tasks, "TrainingTasksUnknownTask", [4n]);
    assert.equal(await f.tasks.read.datasetIndex(), getAddress(f.datasetIndex.address));
  });
});

describe("tokens that do not move exactly the amount", () => {
  const feeAbi = parseAbi([
    "function mint(address to, uint256 amount)",
    "function approve(address spender, uint256 amount) returns (bool)",
    "function setFeeBps(uint256 feeBps)",
    "function balanceOf(address) view returns (uint256)",
  ]);
  const FEE_BPS = 50n;
  // FeeOnTransferToken delivers amount − fee (the receiver side differs); SenderFeeToken charges the sender
  // amount + fee (the sender side differs). The contract names what moved on the side that differs.
  const kinds = [
    { name: "FeeOnTransferToken", moved: (amount: bigint) => amount - (amount * FEE_BPS) / 10_000n },
    { name: "SenderFeeToken", moved: (amount: bigint) => amount + (amount * FEE_BPS) / 10_000n },
  ] as const;
  async function feeToken(f: Fixture, name: string, feeBps: bigint) {
    const deployed = await f.viem.deployContract(name as never, [feeBps] as never) as { address: `0x${string}` };
    const token = getContract({ abi: feeAbi, address: deployed.address, client: { public: f.publicClient, wallet: f.deployer } });
    for (const w of [f.creator, ...f.nodes]) {
      await token.write.mint([w.account.address, 10_000n * E18]);
      await token.write.approve([f.tasks.address, 10_000n * E18], { account: w.account });
    }
    return token;
  }

  for (const kind of kinds) {
    it(`${kind.name}: createTask refuses it (TrainingTasksUnsupportedToken with what moved)`, async () => {
      const f = await load();
      const token = await feeToken(f, kind.name, FEE_BPS);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.createTask([await flParams(f, { rewardToken: token.address }), [], ZERO_HASH], { account: f.creator.account }),
        f.tasks,
        "TrainingTasksUnsupportedToken",
        [getAddress(token.address), BUDGET, kind.moved(BUDGET)],
      );
      assert.equal(await token.read.balanceOf([f.tasks.address]), 0n);
      assert.equal(await f.tasks.read.taskCount(), 0n);
    });

    it(`${kind.name}: joinTask refuses the stake once the token starts charging`, async () => {
      const f = await load();
      const token = await feeToken(f, kind.name, 0n);
      const { taskId } = await createFlTask(f, { rewardToken: token.address });
      await join(f, taskId, 0);
      await token.write.setFeeBps([FEE_BPS]);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        join(f, taskId, 1),
        f.tasks,
        "TrainingTasksUnsupportedToken",
        [getAddress(token.address), STAKE, kind.moved(STAKE)],
      );
      assert.equal(await token.read.balanceOf([f.tasks.address]), BUDGET + STAKE);
      await assertMoneyInvariant(f, token.address);
    });

    it(`${kind.name}: claim, withdrawStake and withdrawRefund refuse to pay once it charges; nothing is lost`, async () => {
      const f = await load();
      const token = await feeToken(f, kind.name, 0n);
      // A second task in the same token: a fee paid out of the escrow would come out of its money.
      const { taskId } = await runningFlTask(f, { rewardToken: token.address });
      await createFlTask(f, { rewardToken: token.address, budget: 5n * E18 });
      await finishRounds(f, taskId);
      const leaves: [bigint, `0x${string}`, bigint][] = [[0n, addr(f.nodes[0]), 600n * E18], [1n, addr(f.nodes[1]), 300n * E18]];
      const tree = StandardMerkleTree.of(leaves, ["uint256", "address", "uint256"]);
      await f.tasks.write.settle([taskId, tree.root as `0x${string}`, 900n * E18], { account: f.aggregator.account });
      const [, , claimsOpenAt] = await f.tasks.read.getSettlement([taskId]);
      await goTo(f, claimsOpenAt);
      await token.write.setFeeBps([FEE_BPS]);
      const claim = () => f.tasks.write.claim([taskId, 0n, leaves[0][1], leaves[0][2], tree.getProof(0) as `0x${string}`[]]);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        claim(),
        f.tasks,
        "TrainingTasksUnsupportedToken",
        [getAddress(token.address), 600n * E18, kind.moved(600n * E18)],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.withdrawStake([taskId], { account: f.nodes[2].account }),
        f.tasks,
        "TrainingTasksUnsupportedToken",
        [getAddress(token.address), STAKE, kind.moved(STAKE)],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }),
        f.tasks,
        "TrainingTasksUnsupportedToken",
        [getAddress(token.address), 100n * E18, kind.moved(100n * E18)],
      );
      assert.equal(await f.tasks.read.isClaimed([taskId, 0n]), false);
      assert.equal(await assertMoneyInvariant(f, token.address), BUDGET + 4n * STAKE + 5n * E18);
      // Once the token behaves again, everything is still owed and paid.
      await token.write.setFeeBps([0n]);
      await claim();
      await f.tasks.write.withdrawStake([taskId], { account: f.nodes[2].account });
      await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
      await assertMoneyInvariant(f, token.address);
    });
  }
});

describe("joinTask", () => {
  it("pulls the stake, records the member and emits MemberJoined", async () => {
    const { f, taskId } = await loadOpen();
    const node = f.nodes[0];
    const before = await f.token.read.balanceOf([node.account.address]);
    const hash = await join(f, taskId, 0);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "MemberJoined", [taskId, addr(node), 1n, saKey(node), STAKE]);
    assert.equal(await f.token.read.balanceOf([node.account.address]), before - STAKE);
    assert.deepEqual(await f.tasks.read.getMember([taskId, node.account.address]), { datasetId: 1n, joinIndex: 1, slashed: false, stakeWithdrawn: false, disputed: false });
    assert.deepEqual(await f.tasks.read.getMember([taskId, f.outsider.account.address]), { datasetId: 0n, joinIndex: 0, slashed: false, stakeWithdrawn: false, disputed: false });
    await join(f, taskId, 1);
    assert.equal((await f.tasks.read.getMember([taskId, f.nodes[1].account.address])).joinIndex, 2);
    assert.deepEqual(await f.tasks.read.getTaskState([taskId]), [addr(f.creator), STATUS.Open, 0, 2]);
    assert.equal((await funds(f, taskId)).staked, 2n * STAKE);
    await assertMoneyInvariant(f);
  });

  it("starts round 1 when the last seat is taken (RoundStarted with all deadlines)", async () => {
    const { f, taskId } = await loadOpen();
    for (const i of [0, 1, 2]) await join(f, taskId, i);
    const hash = await join(f, taskId, 3);
    const t = await txTime(f, hash);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "MemberJoined", [taskId, addr(f.nodes[3]), 4n, saKey(f.nodes[3]), STAKE]);
    const submit = t + BigInt(ROUND_DURATION);
    const reveal = submit + BigInt(REVEAL_DURATION);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "RoundStarted", [taskId, 1, 0, t, submit, reveal, reveal + BigInt(AGGREGATOR_WINDOW), 4]);
    assert.deepEqual(await f.tasks.read.getTaskState([taskId]), [addr(f.creator), STATUS.Running, 1, 4]);
    assert.deepEqual(await f.tasks.read.getRound([taskId, 1]), { start: t, attempt: 0, members: 4, submissions: 0, reveals: 0, finalized: false, samples: 0n });
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(f, taskId, 4), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Running]);
  });

  it("accepts a join at the deadline and refuses it one second later", async () => {
    const { f, taskId, params } = await loadOpen();
    await at(f, params.joinDeadline);
    await join(f, taskId, 0);
    await at(f, params.joinDeadline + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(f, taskId, 1), f.tasks, "TrainingTasksJoinClosed", [taskId, params.joinDeadline]);
  });

  it("reverts for unknown tasks and members joining twice", async () => {
    const { f, taskId } = await loadOpen();
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(f, 9n, 0), f.tasks, "TrainingTasksUnknownTask", [9n]);
    await join(f, taskId, 0);
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(f, taskId, 0), f.tasks, "TrainingTasksAlreadyMember", [taskId, addr(f.nodes[0])]);
  });

  it("reverts with DatasetMismatch for a missing, foreign, retired or other-schema dataset", async () => {
    const { f, taskId } = await loadOpen();
    const node = f.nodes[0];
    const tryJoin = (datasetId: bigint) => f.tasks.write.joinTask([taskId, datasetId, saKey(node)], { account: node.account });
    const mismatch = (datasetId: bigint) =>
      f.viem.assertions.revertWithCustomErrorWithArgs(tryJoin(datasetId), f.tasks, "TrainingTasksDatasetMismatch", [taskId, datasetId]);
    await mismatch(0n);
    await mismatch(6n);
    await mismatch(2n); // owned by node 1
    await f.datasetIndex.write.registerDataset([2n, b32("w"), b32("wm"), 9n, ENC.None, ZERO_HASH, ""], { account: node.account });
    await mismatch(6n); // schema 2
    await f.datasetIndex.write.registerDataset([1n, b32("x"), b32("xm"), 9n, ENC.None, ZERO_HASH, ""], { account: node.account });
    await f.datasetIndex.write.retireDataset([7n], { account: node.account });
    await mismatch(7n); // retired
    await f.tasks.write.joinTask([taskId, 1n, saKey(node)], { account: node.account });
  });

  it("bubbles the token's error when the stake is not approved", async () => {
    const { f, taskId } = await loadOpen();
    await f.token.write.approve([f.tasks.address, 0n], { account: f.nodes[0].account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(f, taskId, 0), f.token, "ERC20InsufficientAllowance", [getAddress(f.tasks.address), 0n, STAKE]);
  });
});

describe("startTask", () => {
  it("the creator may start early once minNodes joined", async () => {
    const { f, taskId } = await loadOpen();
    for (const i of [0, 1, 2]) await join(f, taskId, i);
    const hash = await f.tasks.write.startTask([taskId], { account: f.creator.account });
    const t = await txTime(f, hash);
    const submit = t + BigInt(ROUND_DURATION);
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "RoundStarted", [
      taskId, 1, 0, t, submit, submit + BigInt(REVEAL_DURATION), submit + BigInt(REVEAL_DURATION + AGGREGATOR_WINDOW), 3,
    ]);
    assert.deepEqual(await f.tasks.read.getTaskState([taskId]), [addr(f.creator), STATUS.Running, 1, 3]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.startTask([taskId], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [taskId, STATUS.Running],
    );
  });

  it("anyone may start after the join deadline, not at it", async () => {
    const { f, taskId, params } = await loadOpen();
    for (const i of [0, 1, 2]) await join(f, taskId, i);
    await at(f, params.joinDeadline);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.startTask([taskId], { account: f.outsider.account }),
      f.tasks,
      "TrainingTasksTooEarly",
      [taskId, params.joinDeadline + 1n],
    );
    await at(f, params.joinDeadline + 1n);
    const hash = await f.tasks.write.startTask([taskId], { account: f.outsider.account });
    await f.viem.assertions.emit(hash, f.tasks, "RoundStarted");
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Running);
  });

  it("reverts with NotEnoughMembers below minNodes and UnknownTask for unknown ids", async () => {
    const { f, taskId, params } = await loadOpen();
    await join(f, taskId, 0);
    await join(f, taskId, 1);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.startTask([taskId], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksNotEnoughMembers",
      [taskId, 2, 3],
    );
    await goTo(f, params.joinDeadline + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.startTask([taskId]), f.tasks, "TrainingTasksNotEnoughMembers", [taskId, 2, 3]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.startTask([5n]), f.tasks, "TrainingTasksUnknownTask", [5n]);
  });
});

describe("cancelTask", () => {
  it("the creator cancels an open task; members take their stakes and the creator the budget, once", async () => {
    const { f, taskId } = await loadOpen();
    await join(f, taskId, 0);
    await join(f, taskId, 1);
    const hash = await f.tasks.write.cancelTask([taskId], { account: f.creator.account });
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "TaskCancelled", [taskId]);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Cancelled);

    const node = f.nodes[0];
    const nodeBefore = await f.token.read.balanceOf([node.account.address]);
    const w = await f.tasks.write.withdrawStake([taskId], { account: node.account });
    await f.viem.assertions.emitWithArgs(w, f.tasks, "StakeWithdrawn", [taskId, addr(node), STAKE]);
    assert.equal(await f.token.read.balanceOf([node.account.address]), nodeBefore + STAKE);
    assert.equal((await f.tasks.read.getMember([taskId, node.account.address])).stakeWithdrawn, true);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.withdrawStake([taskId], { account: node.account }),
      f.tasks,
      "TrainingTasksNothingToWithdraw",
      [taskId, addr(node)],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.withdrawStake([taskId], { account: f.outsider.account }),
      f.tasks,
      "TrainingTasksNotMember",
      [taskId, addr(f.outsider)],
    );
    await f.tasks.write.withdrawStake([taskId], { account: f.nodes[1].account });

    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.withdrawRefund([taskId], { account: f.outsider.account }),
      f.tasks,
      "TrainingTasksNotCreator",
      [taskId, addr(f.outsider)],
    );
    const creatorBefore = await f.token.read.balanceOf([f.creator.account.address]);
    const r = await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await f.viem.assertions.emitWithArgs(r, f.tasks, "RefundWithdrawn", [taskId, addr(f.creator), BUDGET]);
    assert.equal(await f.token.read.balanceOf([f.creator.account.address]), creatorBefore + BUDGET);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksNothingToWithdraw",
      [taskId, addr(f.creator)],
    );
    assert.deepEqual(await funds(f, taskId), { budget: BUDGET, staked: 2n * STAKE, slashed: 0n, stakesWithdrawn: 2n * STAKE, payoutTotal: 0n, claimed: 0n, refunded: BUDGET });
    assert.equal(await assertMoneyInvariant(f), 0n);
    // Terminal: nothing else moves it.
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.cancelTask([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Cancelled]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(f, taskId, 2), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Cancelled]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([taskId]), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Cancelled]);
  });

  it("others may cancel only after the join deadline and only when too few nodes joined", async () => {
    const { f, taskId, params } = await loadOpen();
    await join(f, taskId, 0);
    await join(f, taskId, 1);
    await at(f, params.joinDeadline);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.cancelTask([taskId], { account: f.outsider.account }),
      f.tasks,
      "TrainingTasksNotCreator",
      [taskId, addr(f.outsider)],
    );
    await at(f, params.joinDeadline + 1n);
    const hash = await f.tasks.write.cancelTask([taskId], { account: f.outsider.account });
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "TaskCancelled", [taskId]);
  });

  it("others cannot cancel a task with enough members (it can be started instead)", async () => {
    const { f, taskId, params } = await loadOpen();
    for (const i of [0, 1, 2]) await join(f, taskId, i);
    await goTo(f, params.joinDeadline + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.cancelTask([taskId], { account: f.outsider.account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [taskId, STATUS.Open],
    );
  });

  it("reverts once the task runs, and for unknown tasks", async () => {
    const { f, taskId } = await loadOpen();
    for (const i of [0, 1, 2, 3]) await join(f, taskId, i);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.cancelTask([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Running]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.cancelTask([8n], { account: f.creator.account }), f.tasks, "TrainingTasksUnknownTask", [8n]);
  });
});

describe("withdrawals before the end", () => {
  it("withdrawStake and withdrawRefund revert while Open, Running or Finished", async () => {
    const { f, taskId } = await loadOpen();
    const node = f.nodes[0];
    const check = async (status: number) => {
      await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawStake([taskId], { account: node.account }), f.tasks, "TrainingTasksWrongStatus", [taskId, status]);
      await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }), f.tasks, "TrainingTasksWrongStatus", [taskId, status]);
    };
    for (const i of [0, 1, 2]) await join(f, taskId, i);
    await check(STATUS.Open);
    await join(f, taskId, 3);
    await check(STATUS.Running);
    await finishRounds(f, taskId);
    await check(STATUS.Finished);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawStake([7n]), f.tasks, "TrainingTasksUnknownTask", [7n]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.withdrawRefund([7n]), f.tasks, "TrainingTasksUnknownTask", [7n]);
  });
});

describe("abandonTask", () => {
  it("anyone abandons a running task once the aggregator missed the finalize deadline; stakes and budget + slashed go back", async () => {
    const f = await load();
    const { taskId } = await runningFlTask(f);
    const d = await roundDeadlines(f, taskId, 1);
    // Node 3 never submits and gets slashed: its stake goes to the pool the creator recovers.
    for (const i of [0, 1, 2]) await f.tasks.write.submitUpdate([taskId, 1, b32(`u${i}`), 10n], { account: f.nodes[i].account });
    await goTo(f, d.submit + 1n);
    await f.tasks.write.slash([taskId, f.nodes[3].account.address, 1], { account: f.outsider.account });
    await at(f, d.finalize);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([taskId]), f.tasks, "TrainingTasksDeadlineNotMissed", [taskId, d.finalize]);
    await at(f, d.finalize + 1n);
    const hash = await f.tasks.write.abandonTask([taskId], { account: f.outsider.account });
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "TaskAbandoned", [taskId, addr(f.outsider)]);
    assert.equal((await f.tasks.read.getTaskState([taskId]))[1], STATUS.Abandoned);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([taskId]), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Abandoned]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.finalizeRound([taskId, 1, b32("m"), 0, 0, []], { account: f.aggregator.account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [taskId, STATUS.Abandoned],
    );

    for (const i of [0, 1, 2]) {
      const w = await f.tasks.write.withdrawStake([taskId], { account: f.nodes[i].account });
      await f.viem.assertions.emitWithArgs(w, f.tasks, "StakeWithdrawn", [taskId, addr(f.nodes[i]), STAKE]);
    }
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.withdrawStake([taskId], { account: f.nodes[3].account }),
      f.tasks,
      "TrainingTasksNothingToWithdraw",
      [taskId, addr(f.nodes[3])],
    );
    const r = await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await f.viem.assertions.emitWithArgs(r, f.tasks, "RefundWithdrawn", [taskId, addr(f.creator), BUDGET + STAKE]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.withdrawRefund([taskId], { account: f.creator.account }),
      f.tasks,
      "TrainingTasksNothingToWithdraw",
      [taskId, addr(f.creator)],
    );
    assert.equal(await assertMoneyInvariant(f), 0n);
  });

  it("anyone abandons a finished task once nobody settled: after the settle deadline plus the members' aggregator window", async () => {
    const f = await load();
    const { taskId } = await runningFlTask(f);
    await finishRounds(f, taskId);
    const [, , , , , settleDeadline] = await f.tasks.read.getSettlement([taskId]);
    const memberDeadline = settleDeadline + BigInt(AGGREGATOR_WINDOW);
    // Past the aggregator's deadline the members may still settle, so the task is not abandoned yet.
    await at(f, settleDeadline + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([taskId]), f.tasks, "TrainingTasksDeadlineNotMissed", [taskId, memberDeadline]);
    await at(f, memberDeadline);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([taskId]), f.tasks, "TrainingTasksDeadlineNotMissed", [taskId, memberDeadline]);
    await at(f, memberDeadline + 1n);
    const hash = await f.tasks.write.abandonTask([taskId], { account: f.nodes[0].account });
    await f.viem.assertions.emitWithArgs(hash, f.tasks, "TaskAbandoned", [taskId, addr(f.nodes[0])]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.tasks.write.settle([taskId, b32("root"), 1n], { account: f.nodes[1].account }),
      f.tasks,
      "TrainingTasksWrongStatus",
      [taskId, STATUS.Abandoned],
    );
    await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    for (const i of [0, 1, 2, 3]) await f.tasks.write.withdrawStake([taskId], { account: f.nodes[i].account });
    assert.equal(await assertMoneyInvariant(f), 0n);
  });

  it("reverts for open tasks and unknown ids", async () => {
    const { f, taskId } = await loadOpen();
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([taskId]), f.tasks, "TrainingTasksWrongStatus", [taskId, STATUS.Open]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.tasks.write.abandonTask([3n]), f.tasks, "TrainingTasksUnknownTask", [3n]);
  });
});
