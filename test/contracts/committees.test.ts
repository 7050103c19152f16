// FheCommittees: key setup (commit → confirm), FHE tasks of TrainingTasks decrypted by a committee's shares,
// slashing for silence, retirement, unbonding and pull payments — with every custom error reached.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { encodeAbiParameters, getAddress, getContract, keccak256, parseAbi, parseEventLogs, type Address, type Hex } from "viem";
import type { NetworkConnection } from "hardhat/types/network";
import { fheCommitteesAbi } from "../../src/chain/abis.ts";
import { MAX_MEMBERS } from "../../src/chain/constants.ts";
import { LOCAL_COMMITTEE_LIMITS } from "../../src/chain/termLimits.ts";
import {
  at, b32, BUDGET, COMMITTEE, createTask, deploy, deployContracts, E18, ENC, flParams, goTo, KIND, roundDeadlines, saKey,
  STAKE, STATUS, ZERO_ADDRESS, ZERO_HASH, type Fixture, type TaskParams,
} from "./fixtures.ts";

const { networkHelpers } = await network.create();

const COMMITTEE_KEY = b32("committee collective public key");
const KEYS_ROOT = b32("committee keys file");
const UNBONDING = 3_600;
const DAY = 86_400n;
const keyShareRoot = (i: number): Hex => b32(`key share ${i}`);
const shareRoot = (i: number): Hex => b32(`decryption share ${i}`);
const addr = (w: { account: { address: Address } }) => getAddress(w.account.address);

type Wallet = Fixture["creator"];
type CommitteeErrorName = Extract<(typeof fheCommitteesAbi)[number], { type: "error" }>["name"];

/** Committee parameters for the fixture's token: 3-of-3, setup within a day, an hour of unbonding. */
async function committeeParams(f: Fixture, overrides: Partial<CommitteeParams> = {}): Promise<CommitteeParams> {
  const now = BigInt(await f.networkHelpers.time.latest());
  return { stakeToken: getAddress(f.token.address), stake: STAKE, setupDeadline: now + DAY, unbondingPeriod: UNBONDING, threshold: 3, ...overrides };
}
type CommitteeParams = { stakeToken: Address; stake: bigint; setupDeadline: bigint; unbondingPeriod: number; threshold: number };

/** Members: nodes 0..2. Creator: creator2 (not a member). Compute node: node 4. Contributor: node 3. */
const membersOf = (f: Fixture): Wallet[] => f.nodes.slice(0, 3);

async function create(f: Fixture, overrides: Partial<CommitteeParams> = {}, members: Address[] = membersOf(f).map(addr)) {
  const params = await committeeParams(f, overrides);
  const hash = await f.committees.write.createCommittee([members, params], { account: f.creator2.account });
  return { committeeId: await f.committees.read.committeeCount(), params, hash };
}

async function commitAll(f: Fixture, committeeId: bigint) {
  for (const [i, m] of membersOf(f).entries()) await f.committees.write.commitKeyShare([committeeId, keyShareRoot(i)], { account: m.account });
}

async function confirmAll(f: Fixture, committeeId: bigint, keyId: Hex = COMMITTEE_KEY) {
  for (const m of membersOf(f)) await f.committees.write.confirmKeys([committeeId, keyId, KEYS_ROOT], { account: m.account });
}

/** The fixture + committee 1, Active under COMMITTEE_KEY. */
async function activeCommittee(connection: NetworkConnection) {
  const f = await deployContracts(connection);
  const { committeeId } = await create(f);
  await commitAll(f, committeeId);
  await confirmAll(f, committeeId);
  return { f, committeeId };
}

/** An FHE task of TrainingTasks over two datasets encrypted under `keyId`, joined by the compute node (Running). */
async function fheTask(f: Fixture, keyId: Hex, overrides: Partial<TaskParams> = {}) {
  const inputs = [];
  for (const j of [0, 1]) {
    const input = { root: b32(`cipher:${keyId}:${j}`), manifestRoot: b32(`manifest:${keyId}:${j}`), rows: 500n + BigInt(j) };
    await f.datasetIndex.write.registerDataset([1n, input.root, input.manifestRoot, input.rows, ENC.CKKS, keyId, ""], { account: f.nodes[3].account });
    inputs.push({ datasetId: await f.datasetIndex.read.datasetCount(), ...input });
  }
  const params = await flParams(f, { kind: KIND.FHE, rounds: 1, minNodes: 1, maxNodes: 1, ...overrides });
  const { taskId } = await createTask(f, params, { fheInputs: inputs, keyId });
  await f.tasks.write.joinTask([taskId, 0n, saKey(f.nodes[4])], { account: f.nodes[4].account });
  return taskId;
}

const resultRoot = b32("encrypted result (.fher)");

/** activeCommittee + an FHE task under its key whose compute node submitted the encrypted result. */
async function withResult(connection: NetworkConnection) {
  const base = await activeCommittee(connection);
  const { f } = base;
  const taskId = await fheTask(f, COMMITTEE_KEY);
  await f.tasks.write.submitUpdate([taskId, 1, resultRoot, 0n], { account: f.nodes[4].account });
  return { ...base, taskId, d: await roundDeadlines(f, taskId, 1) };
}

const loadBase = () => networkHelpers.loadFixture(deployContracts);
const loadActive = () => networkHelpers.loadFixture(activeCommittee);
const loadResult = () => networkHelpers.loadFixture(withResult);

/** The FheCommittees events a transaction emitted. */
async function eventNames(f: Fixture, hash: Hex): Promise<string[]> {
  const { logs } = await f.publicClient.getTransactionReceipt({ hash });
  return parseEventLogs({ abi: fheCommitteesAbi, logs }).map((log) => log.eventName);
}

/** The money rule, for the fixture's token: balance == Σ stakes held (committed, not withdrawn, not slashed) + Σ credits. */
async function assertEscrow(f: Fixture): Promise<void> {
  let held = 0n;
  for (let id = 1n; id <= (await f.committees.read.committeeCount()); id++) {
    const c = await f.committees.read.getCommittee([id]);
    if (c.stakeToken !== getAddress(f.token.address)) continue;
    for (const member of await f.committees.read.getMembers([id])) {
      const seat = await f.committees.read.getSeat([id, member]);
      if (seat.committed && !seat.stakeWithdrawn && !seat.slashed) held += c.stake;
    }
  }
  for (const w of f.wallets) held += await f.committees.read.creditOf([f.token.address, w.account.address]);
  assert.equal(await f.token.read.balanceOf([f.committees.address]), held, "balance != Σ stakes held + Σ credits");
}

describe("FheCommittees life cycle", () => {
  it("create → commits (stakes pulled) → complete → confirms → Active under the key, with every event", async () => {
    const f = await loadBase();
    const members = membersOf(f).map(addr);
    const { committeeId, params, hash } = await create(f);
    assert.equal(committeeId, 1n);
    const chainId = BigInt(await f.publicClient.getChainId());
    const seed = keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "address" }, { type: "uint256" }], [chainId, getAddress(f.committees.address), committeeId]));
    await f.viem.assertions.emitWithArgs(hash, f.committees, "CommitteeCreated", [committeeId, addr(f.creator2), seed, members, params]);
    let c = await f.committees.read.getCommittee([committeeId]);
    assert.equal(c.status, COMMITTEE.Forming);
    assert.equal(c.seed, seed);
    assert.deepEqual(await f.committees.read.getMembers([committeeId]), members);
    assert.equal((await f.committees.read.getSeat([committeeId, members[2]])).index, 3);
    assert.equal((await f.committees.read.getSeat([committeeId, addr(f.creator2)])).index, 0, "the creator need not be a member");

    for (const [i, m] of membersOf(f).entries()) {
      const before = await f.token.read.balanceOf([m.account.address]);
      const commit: Hex = await f.committees.write.commitKeyShare([committeeId, keyShareRoot(i)], { account: m.account });
      await f.viem.assertions.emitWithArgs(commit, f.committees, "KeyShareCommitted", [committeeId, members[i], keyShareRoot(i), STAKE]);
      assert.equal(await f.token.read.balanceOf([m.account.address]), before - STAKE);
      assert.equal((await eventNames(f, commit)).includes("KeySharesComplete"), i === 2, "complete with the last commit only");
    }
    assert.equal((await f.committees.read.getCommittee([committeeId])).status, COMMITTEE.Confirming);
    assert.equal((await f.committees.read.getSeat([committeeId, members[1]])).keyShareRoot, keyShareRoot(1));
    assert.equal(await f.token.read.balanceOf([f.committees.address]), 3n * STAKE);

    for (const [i, m] of membersOf(f).entries()) {
      const confirm: Hex = await f.committees.write.confirmKeys([committeeId, COMMITTEE_KEY, KEYS_ROOT], { account: m.account });
      await f.viem.assertions.emitWithArgs(confirm, f.committees, "KeysConfirmed", [committeeId, members[i], COMMITTEE_KEY, KEYS_ROOT]);
      assert.equal(await f.committees.read.committeeOfKey([COMMITTEE_KEY]), i < 2 ? 0n : committeeId);
      assert.equal((await eventNames(f, confirm)).includes("CommitteeActivated"), i === 2, "active with the last confirmation only");
      if (i === 2) await f.viem.assertions.emitWithArgs(confirm, f.committees, "CommitteeActivated", [committeeId, COMMITTEE_KEY, KEYS_ROOT]);
    }
    c = await f.committees.read.getCommittee([committeeId]);
    assert.equal(c.status, COMMITTEE.Active);
    assert.equal(c.keyId, COMMITTEE_KEY);
    assert.equal(c.keysRoot, KEYS_ROOT);
    assert.equal(c.commits, 3);
    assert.equal(c.confirmations, 3);
    await assertEscrow(f);
  });

  it("an FHE task under the key: three shares posted, the result finalized and settled; nobody is slashable", async () => {
    const { f, committeeId, taskId, d } = await loadResult();
    assert.equal(await f.tasks.read.getFheKeyId([taskId]), COMMITTEE_KEY);
    const members = membersOf(f).map(addr);
    for (const [i, m] of membersOf(f).entries()) {
      const hash = await f.committees.write.postShare([taskId, shareRoot(i), false], { account: m.account });
      await f.viem.assertions.emitWithArgs(hash, f.committees, "SharePosted", [taskId, committeeId, members[i], 0, shareRoot(i), false]);
    }
    assert.equal(await f.committees.read.shareCount([taskId, 0]), 3);
    assert.deepEqual(await f.committees.read.shareOf([taskId, 0, members[1]]), { root: shareRoot(1), declined: false });
    // The publisher combines the shares off chain and finalizes as for any FHE task.
    await f.tasks.write.finalizeRound([taskId, 1, b32("publication"), 0, 0, []], { account: f.aggregator.account });
    await f.tasks.write.settle([taskId, b32("payout root"), BUDGET], { account: f.aggregator.account });
    const [, status] = await f.tasks.read.getTaskState([taskId]);
    assert.equal(status, STATUS.Settled);
    await goTo(f, d.reveal + 1n);
    for (const member of members) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.committees.write.slashMissingShare([taskId, member], { account: f.outsider.account }),
        f.committees, "FheCommitteesNotSlashable", [taskId, member, d.reveal],
      );
    }
    await assertEscrow(f);
  });

  it("retire (by a member or the non-member creator) → stakes locked during unbonding → withdrawn after it", async () => {
    const { f, committeeId } = await loadActive();
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.retireCommittee([committeeId], { account: f.outsider.account }),
      f.committees, "FheCommitteesNotMember", [committeeId, addr(f.outsider)],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.withdrawStake([committeeId], { account: f.nodes[0].account }),
      f.committees, "FheCommitteesStakeLocked", [committeeId, 0n],
    );
    const now = BigInt(await networkHelpers.time.latest()) + 10n;
    await at(f, now);
    const hash = await f.committees.write.retireCommittee([committeeId], { account: f.creator2.account });
    const unbondsAt = now + BigInt(UNBONDING);
    await f.viem.assertions.emitWithArgs(hash, f.committees, "CommitteeRetired", [committeeId, addr(f.creator2), unbondsAt]);
    const c = await f.committees.read.getCommittee([committeeId]);
    assert.equal(c.status, COMMITTEE.Retired);
    assert.equal(c.endedAt, now);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.retireCommittee([committeeId], { account: f.nodes[0].account }),
      f.committees, "FheCommitteesWrongStatus", [committeeId, COMMITTEE.Retired],
    );
    await at(f, unbondsAt - 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.withdrawStake([committeeId], { account: f.nodes[0].account }),
      f.committees, "FheCommitteesStakeLocked", [committeeId, unbondsAt],
    );
    await at(f, unbondsAt);
    const before = await f.token.read.balanceOf([f.nodes[0].account.address]);
    const withdrawn = await f.committees.write.withdrawStake([committeeId], { account: f.nodes[0].account });
    await f.viem.assertions.emitWithArgs(withdrawn, f.committees, "StakeWithdrawn", [committeeId, addr(f.nodes[0]), STAKE]);
    assert.equal(await f.token.read.balanceOf([f.nodes[0].account.address]), before + STAKE);
    await f.viem.assertions.revertWithCustomError(
      f.committees.write.withdrawStake([committeeId], { account: f.nodes[0].account }), f.committees, "FheCommitteesNothingToWithdraw",
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.withdrawStake([committeeId], { account: f.outsider.account }),
      f.committees, "FheCommitteesNotMember", [committeeId, addr(f.outsider)],
    );
    await assertEscrow(f);
  });

  it("a setup that misses its deadline fails (anyone); committed members withdraw at once, the others have nothing", async () => {
    const f = await loadBase();
    const { committeeId, params } = await create(f);
    await f.committees.write.commitKeyShare([committeeId, keyShareRoot(0)], { account: f.nodes[0].account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.failSetup([committeeId], { account: f.outsider.account }),
      f.committees, "FheCommitteesSetupOpen", [committeeId, params.setupDeadline],
    );
    await goTo(f, params.setupDeadline + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.commitKeyShare([committeeId, keyShareRoot(1)], { account: f.nodes[1].account }),
      f.committees, "FheCommitteesSetupClosed", [committeeId, params.setupDeadline],
    );
    const hash = await f.committees.write.failSetup([committeeId], { account: f.outsider.account });
    await f.viem.assertions.emitWithArgs(hash, f.committees, "CommitteeFailed", [committeeId]);
    assert.equal((await f.committees.read.getCommittee([committeeId])).status, COMMITTEE.Failed);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.failSetup([committeeId], { account: f.outsider.account }),
      f.committees, "FheCommitteesWrongStatus", [committeeId, COMMITTEE.Failed],
    );
    await f.viem.assertions.emitWithArgs(
      f.committees.write.withdrawStake([committeeId], { account: f.nodes[0].account }), f.committees, "StakeWithdrawn", [committeeId, addr(f.nodes[0]), STAKE],
    );
    await f.viem.assertions.revertWithCustomError(
      f.committees.write.withdrawStake([committeeId], { account: f.nodes[1].account }), f.committees, "FheCommitteesNothingToWithdraw",
    );
    assert.equal(await f.token.read.balanceOf([f.committees.address]), 0n);
  });

  it("a setup stuck in Confirming fails too, and confirmations close with the deadline", async () => {
    const f = await loadBase();
    const { committeeId, params } = await create(f);
    await commitAll(f, committeeId);
    await f.committees.write.confirmKeys([committeeId, COMMITTEE_KEY, KEYS_ROOT], { account: f.nodes[0].account });
    await goTo(f, params.setupDeadline + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.confirmKeys([committeeId, COMMITTEE_KEY, KEYS_ROOT], { account: f.nodes[1].account }),
      f.committees, "FheCommitteesSetupClosed", [committeeId, params.setupDeadline],
    );
    await f.committees.write.failSetup([committeeId], { account: f.outsider.account });
    for (const m of membersOf(f)) await f.committees.write.withdrawStake([committeeId], { account: m.account });
    assert.equal(await f.committees.read.committeeOfKey([COMMITTEE_KEY]), 0n, "a failed setup holds no key");
    await assertEscrow(f);
  });
});

describe("FheCommittees setup refusals", () => {
  it("createCommittee: members, threshold, stake and terms", async () => {
    const f = await loadBase();
    const members = membersOf(f).map(addr);
    const revert = async (who: Address[], overrides: Partial<CommitteeParams>, error: CommitteeErrorName, args?: unknown[]) => {
      const call = f.committees.write.createCommittee([who, await committeeParams(f, overrides)], { account: f.creator2.account });
      if (args) await f.viem.assertions.revertWithCustomErrorWithArgs(call, f.committees, error, args as never); // typed per error; the cases below vary it
      else await f.viem.assertions.revertWithCustomError(call, f.committees, error);
    };
    const many = Array.from({ length: MAX_MEMBERS + 1 }, (_, i) => getAddress(`0x${(i + 1).toString(16).padStart(40, "0")}`));
    await revert([], { threshold: 0 }, "FheCommitteesInvalidMembers");
    await revert(many, { threshold: MAX_MEMBERS + 1 }, "FheCommitteesInvalidMembers");
    await revert([members[0], ZERO_ADDRESS, members[1]], {}, "FheCommitteesInvalidMembers");
    await revert([members[0], members[1], members[0]], {}, "FheCommitteesInvalidMembers");
    await revert(members, { threshold: 2 }, "FheCommitteesUnsupportedThreshold", [2, 3]);
    await revert(members, { stake: 0n }, "FheCommitteesInvalidStake");
    await revert(members, { stakeToken: ZERO_ADDRESS }, "FheCommitteesInvalidStake");
    const now = BigInt(await networkHelpers.time.latest()) + 1n; // the next block's time
    await at(f, now);
    await revert(members, { setupDeadline: now }, "FheCommitteesTermOutOfRange", [now, now + 1n, now + BigInt(LOCAL_COMMITTEE_LIMITS.maxSetupPeriod)]);
    const far = now + BigInt(LOCAL_COMMITTEE_LIMITS.maxSetupPeriod) + 1n;
    await at(f, now + 1n);
    await revert(members, { setupDeadline: far + 1n }, "FheCommitteesTermOutOfRange", [far + 1n, now + 2n, far]);
    const { minUnbondingPeriod: min, maxUnbondingPeriod: max } = LOCAL_COMMITTEE_LIMITS;
    await revert(members, { unbondingPeriod: min - 1 }, "FheCommitteesTermOutOfRange", [BigInt(min - 1), BigInt(min), BigInt(max)]);
    await revert(members, { unbondingPeriod: max + 1 }, "FheCommitteesTermOutOfRange", [BigInt(max + 1), BigInt(min), BigInt(max)]);
    assert.equal(await f.committees.read.committeeCount(), 0n);
    // The largest committee is accepted.
    await f.committees.write.createCommittee([many.slice(0, MAX_MEMBERS), await committeeParams(f, { threshold: MAX_MEMBERS })], { account: f.creator2.account });
    assert.equal((await f.committees.read.getCommittee([1n])).members, MAX_MEMBERS);
  });

  it("commitKeyShare: zero root, unknown committee, non-member, twice, after completion", async () => {
    const f = await loadBase();
    const { committeeId } = await create(f);
    const commit = (who: Wallet, root: Hex = keyShareRoot(0), id = committeeId) => f.committees.write.commitKeyShare([id, root], { account: who.account });
    await f.viem.assertions.revertWithCustomError(commit(f.nodes[0], ZERO_HASH), f.committees, "FheCommitteesZeroRoot");
    await f.viem.assertions.revertWithCustomErrorWithArgs(commit(f.nodes[0], keyShareRoot(0), 9n), f.committees, "FheCommitteesUnknownCommittee", [9n]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(commit(f.outsider), f.committees, "FheCommitteesNotMember", [committeeId, addr(f.outsider)]);
    await commit(f.nodes[0]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(commit(f.nodes[0]), f.committees, "FheCommitteesAlreadyDone", [committeeId, addr(f.nodes[0])]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.confirmKeys([committeeId, COMMITTEE_KEY, KEYS_ROOT], { account: f.nodes[0].account }),
      f.committees, "FheCommitteesWrongStatus", [committeeId, COMMITTEE.Forming],
    );
    await commit(f.nodes[1], keyShareRoot(1));
    await commit(f.nodes[2], keyShareRoot(2));
    await f.viem.assertions.revertWithCustomErrorWithArgs(commit(f.nodes[0]), f.committees, "FheCommitteesWrongStatus", [committeeId, COMMITTEE.Confirming]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.committees.read.getCommittee([2n]), f.committees, "FheCommitteesUnknownCommittee", [2n]);
  });

  it("confirmKeys: a rogue member's different pair is refused; zero ids, twice, a key another committee holds", async () => {
    const f = await loadBase();
    const { committeeId } = await create(f);
    await commitAll(f, committeeId);
    const confirm = (who: Wallet, keyId: Hex, keysRoot: Hex = KEYS_ROOT) => f.committees.write.confirmKeys([committeeId, keyId, keysRoot], { account: who.account });
    await f.viem.assertions.revertWithCustomError(confirm(f.nodes[0], ZERO_HASH), f.committees, "FheCommitteesZeroRoot");
    await f.viem.assertions.revertWithCustomError(confirm(f.nodes[0], COMMITTEE_KEY, ZERO_HASH), f.committees, "FheCommitteesZeroRoot");
    await f.viem.assertions.revertWithCustomErrorWithArgs(confirm(f.outsider, COMMITTEE_KEY), f.committees, "FheCommitteesNotMember", [committeeId, addr(f.outsider)]);
    await confirm(f.nodes[0], COMMITTEE_KEY);
    await f.viem.assertions.revertWithCustomErrorWithArgs(confirm(f.nodes[0], COMMITTEE_KEY), f.committees, "FheCommitteesAlreadyDone", [committeeId, addr(f.nodes[0])]);
    // A rogue member (or one with a different assembly) cannot make its own keys the committee's.
    const rogueKey = b32("rogue key");
    await f.viem.assertions.revertWithCustomErrorWithArgs(confirm(f.nodes[1], rogueKey), f.committees, "FheCommitteesKeyMismatch", [committeeId, rogueKey, KEYS_ROOT]);
    const rogueRoot = b32("rogue keys file");
    await f.viem.assertions.revertWithCustomErrorWithArgs(confirm(f.nodes[1], COMMITTEE_KEY, rogueRoot), f.committees, "FheCommitteesKeyMismatch", [committeeId, COMMITTEE_KEY, rogueRoot]);
    await confirm(f.nodes[1], COMMITTEE_KEY);
    await confirm(f.nodes[2], COMMITTEE_KEY);
    assert.equal((await f.committees.read.getCommittee([committeeId])).status, COMMITTEE.Active);

    // Key ids are unique: a second committee cannot confirm the first one's key.
    const second = await create(f);
    await commitAll(f, second.committeeId);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.confirmKeys([second.committeeId, COMMITTEE_KEY, KEYS_ROOT], { account: f.nodes[0].account }),
      f.committees, "FheCommitteesKeyTaken", [COMMITTEE_KEY, committeeId],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.failSetup([committeeId], { account: f.outsider.account }),
      f.committees, "FheCommitteesWrongStatus", [committeeId, COMMITTEE.Active],
    );
  });

  it("the constructor refuses inconsistent limits", async () => {
    const f = await loadBase();
    const connection = { viem: f.viem } as NetworkConnection;
    await assert.rejects(deploy(connection, "FheCommittees", fheCommitteesAbi, [f.tasks.address, { ...LOCAL_COMMITTEE_LIMITS, maxSetupPeriod: 0 }]), /FheCommitteesTermOutOfRange/);
    await assert.rejects(deploy(connection, "FheCommittees", fheCommitteesAbi, [f.tasks.address, { ...LOCAL_COMMITTEE_LIMITS, minUnbondingPeriod: 0 }]), /FheCommitteesTermOutOfRange/);
    await assert.rejects(deploy(connection, "FheCommittees", fheCommitteesAbi, [f.tasks.address, { maxSetupPeriod: 1, minUnbondingPeriod: 2, maxUnbondingPeriod: 1 }]), /FheCommitteesTermOutOfRange/);
  });
});

describe("FheCommittees decryption shares", () => {
  it("postShare refuses: zero root, tasks not under a committee key, no result yet, outsiders, twice, after the deadline", async () => {
    const { f, committeeId, taskId, d } = await loadResult();
    const post = (who: Wallet, id = taskId, root: Hex = shareRoot(0)) => f.committees.write.postShare([id, root, false], { account: who.account });
    await f.viem.assertions.revertWithCustomError(post(f.nodes[0], taskId, ZERO_HASH), f.committees, "FheCommitteesZeroRoot");
    // An FL task, a single-key FHE task and an unknown task are not committee tasks.
    const { taskId: flTask } = await createTask(f, await flParams(f));
    const singleKeyTask = await fheTask(f, b32("a single holder's key"));
    for (const id of [flTask, singleKeyTask, 99n]) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(post(f.nodes[0], id), f.committees, "FheCommitteesNotCommitteeTask", [id]);
    }
    // A committee task whose compute node has not submitted yet has no result.
    const pending = await fheTask(f, COMMITTEE_KEY);
    await f.viem.assertions.revertWithCustomErrorWithArgs(post(f.nodes[0], pending), f.committees, "FheCommitteesNoResult", [pending]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(post(f.outsider), f.committees, "FheCommitteesNotMember", [committeeId, addr(f.outsider)]);
    await post(f.nodes[0]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(post(f.nodes[0]), f.committees, "FheCommitteesAlreadyShared", [taskId, addr(f.nodes[0])]);
    // A member may decline, with the root of its reason.
    const declined = await f.committees.write.postShare([taskId, b32("reason"), true], { account: f.nodes[1].account });
    await f.viem.assertions.emitWithArgs(declined, f.committees, "SharePosted", [taskId, committeeId, addr(f.nodes[1]), 0, b32("reason"), true]);
    await at(f, d.reveal);
    await post(f.nodes[2], taskId, shareRoot(2)); // the deadline itself is in time
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.postShare([pending, shareRoot(0), false], { account: f.nodes[0].account }),
      f.committees, "FheCommitteesNoResult", [pending],
    );
    const late = await fheTask(f, COMMITTEE_KEY);
    await f.tasks.write.submitUpdate([late, 1, resultRoot, 0n], { account: f.nodes[4].account });
    const lateDeadline = (await roundDeadlines(f, late, 1)).reveal;
    await at(f, lateDeadline + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(post(f.nodes[0], late), f.committees, "FheCommitteesShareClosed", [late, lateDeadline]);
    assert.equal(await f.committees.read.shareCount([taskId, 0]), 3);
  });

  it("a finished task needs no more shares (NoResult)", async () => {
    const { f, taskId } = await loadResult();
    for (const [i, m] of membersOf(f).slice(0, 2).entries()) await f.committees.write.postShare([taskId, shareRoot(i), false], { account: m.account });
    await f.tasks.write.finalizeRound([taskId, 1, b32("publication"), 0, 0, []], { account: f.aggregator.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.postShare([taskId, shareRoot(2), false], { account: f.nodes[2].account }),
      f.committees, "FheCommitteesNoResult", [taskId],
    );
  });

  it("a retired committee still takes shares while its stakes unbond, not after", async () => {
    const { f, taskId, d } = await loadResult();
    const retiredAt = BigInt(await networkHelpers.time.latest()) + 1n;
    await at(f, retiredAt);
    await f.committees.write.retireCommittee([1n], { account: f.nodes[0].account });
    await f.committees.write.postShare([taskId, shareRoot(0), false], { account: f.nodes[0].account });
    const unbondsAt = retiredAt + BigInt(UNBONDING);
    assert.ok(unbondsAt < d.reveal, "the scenario needs unbonding to end inside the share window");
    await at(f, unbondsAt + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.postShare([taskId, shareRoot(1), false], { account: f.nodes[1].account }),
      f.committees, "FheCommitteesNotCommitteeTask", [taskId],
    );
    // Its window outlived the committee's service: silence is not slashable.
    await goTo(f, d.reveal + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.slashMissingShare([taskId, addr(f.nodes[1])], { account: f.outsider.account }),
      f.committees, "FheCommitteesNotSlashable", [taskId, addr(f.nodes[1]), d.reveal],
    );
  });
});

describe("FheCommittees slashing", () => {
  it("one member offline: slashable after the deadline, its stake credited to the task's creator, committee Broken, task abandoned and refunded", async () => {
    const { f, committeeId, taskId, d } = await loadResult();
    const [m0, m1, silent] = membersOf(f);
    await f.committees.write.postShare([taskId, shareRoot(0), false], { account: m0.account });
    await f.committees.write.postShare([taskId, shareRoot(1), false], { account: m1.account });
    const slash = (member: Wallet) => f.committees.write.slashMissingShare([taskId, addr(member)], { account: f.outsider.account });
    await at(f, d.reveal);
    await f.viem.assertions.revertWithCustomErrorWithArgs(slash(silent), f.committees, "FheCommitteesNotSlashable", [taskId, addr(silent), d.reveal]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(slash(m0), f.committees, "FheCommitteesNotSlashable", [taskId, addr(m0), d.reveal]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(slash(f.outsider), f.committees, "FheCommitteesNotMember", [committeeId, addr(f.outsider)]);

    // Nobody finalizes (a share is missing): the task is abandoned after the finalize deadline and refunded.
    await goTo(f, d.finalize + 1n);
    await f.tasks.write.abandonTask([taskId], { account: f.outsider.account });
    await f.tasks.write.withdrawRefund([taskId], { account: f.creator.account });
    await f.tasks.write.withdrawStake([taskId], { account: f.nodes[4].account });

    const now = BigInt(await networkHelpers.time.latest()) + 1n;
    await at(f, now);
    const hash = await slash(silent);
    await f.viem.assertions.emitWithArgs(hash, f.committees, "MemberSlashed", [committeeId, taskId, addr(silent), addr(f.creator), STAKE, now + BigInt(UNBONDING)]);
    const c = await f.committees.read.getCommittee([committeeId]);
    assert.equal(c.status, COMMITTEE.Broken);
    assert.equal(c.endedAt, now);
    assert.equal((await f.committees.read.getSeat([committeeId, addr(silent)])).slashed, true);
    assert.equal(await f.committees.read.creditOf([f.token.address, f.creator.account.address]), STAKE);
    await f.viem.assertions.revertWithCustomErrorWithArgs(slash(silent), f.committees, "FheCommitteesNotMember", [committeeId, addr(silent)]);
    await assertEscrow(f);

    // The slashed member can neither post nor withdraw; the others withdraw after unbonding.
    const other = await fheTask(f, COMMITTEE_KEY);
    await f.tasks.write.submitUpdate([other, 1, resultRoot, 0n], { account: f.nodes[4].account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.postShare([other, shareRoot(2), false], { account: silent.account }),
      f.committees, "FheCommitteesNotMember", [committeeId, addr(silent)],
    );
    await f.committees.write.postShare([other, shareRoot(0), false], { account: m0.account }); // a Broken committee still serves while unbonding
    await goTo(f, now + BigInt(UNBONDING));
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.withdrawStake([committeeId], { account: silent.account }),
      f.committees, "FheCommitteesNotMember", [committeeId, addr(silent)],
    );
    await f.committees.write.withdrawStake([committeeId], { account: m0.account });

    // The creator pulls the credit, once.
    const before = await f.token.read.balanceOf([f.creator.account.address]);
    const withdrawn = await f.committees.write.withdrawCredit([f.token.address], { account: f.creator.account });
    await f.viem.assertions.emitWithArgs(withdrawn, f.committees, "CreditWithdrawn", [getAddress(f.token.address), addr(f.creator), STAKE]);
    assert.equal(await f.token.read.balanceOf([f.creator.account.address]), before + STAKE);
    await f.viem.assertions.revertWithCustomError(
      f.committees.write.withdrawCredit([f.token.address], { account: f.creator.account }), f.committees, "FheCommitteesNothingToWithdraw",
    );
    await assertEscrow(f);
  });

  it("every silent member is slashable for the same result; a later slash keeps the first end of service", async () => {
    const { f, committeeId, taskId, d } = await loadResult();
    await goTo(f, d.reveal + 1n);
    await f.committees.write.slashMissingShare([taskId, addr(f.nodes[0])], { account: f.outsider.account });
    const { endedAt } = await f.committees.read.getCommittee([committeeId]);
    await f.committees.write.slashMissingShare([taskId, addr(f.nodes[1])], { account: f.outsider.account });
    const hash = await f.committees.write.slashMissingShare([taskId, addr(f.nodes[2])], { account: f.outsider.account });
    await f.viem.assertions.emitWithArgs(hash, f.committees, "MemberSlashed", [committeeId, taskId, addr(f.nodes[2]), addr(f.creator), STAKE, endedAt + BigInt(UNBONDING)]);
    assert.equal(await f.committees.read.creditOf([f.token.address, f.creator.account.address]), 3n * STAKE);
    await assertEscrow(f);
  });

  it("a stake already withdrawn cannot be slashed (slash before the unbonding ends)", async () => {
    const { f, taskId, d } = await loadResult();
    // Retired inside the share window, so its unbonding covers the deadline: silence stays slashable until then.
    const retiredAt = d.reveal - 100n;
    await at(f, retiredAt);
    await f.committees.write.retireCommittee([1n], { account: f.nodes[0].account });
    await goTo(f, retiredAt + BigInt(UNBONDING));
    await f.committees.write.withdrawStake([1n], { account: f.nodes[0].account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.slashMissingShare([taskId, addr(f.nodes[0])], { account: f.outsider.account }),
      f.committees, "FheCommitteesNotSlashable", [taskId, addr(f.nodes[0]), d.reveal],
    );
    // A silent member that did not withdraw yet is slashed at the same moment.
    await f.committees.write.slashMissingShare([taskId, addr(f.nodes[1])], { account: f.outsider.account });
    await assertEscrow(f);
  });

  it("slashing needs a committee task with a result", async () => {
    const { f } = await loadActive();
    const { taskId: flTask } = await createTask(f, await flParams(f));
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.slashMissingShare([flTask, addr(f.nodes[0])], { account: f.outsider.account }),
      f.committees, "FheCommitteesNotCommitteeTask", [flTask],
    );
    const pending = await fheTask(f, COMMITTEE_KEY);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.committees.write.slashMissingShare([pending, addr(f.nodes[0])], { account: f.outsider.account }),
      f.committees, "FheCommitteesNoResult", [pending],
    );
  });
});

describe("FheCommittees and tokens that do not move exactly the amount", () => {
  const feeAbi = parseAbi([
    "function mint(address to, uint256 amount)",
    "function approve(address spender, uint256 amount) returns (bool)",
    "function setFeeBps(uint256 feeBps)",
    "function balanceOf(address) view returns (uint256)",
  ]);
  const FEE_BPS = 50n;
  const kinds = [
    { name: "FeeOnTransferToken", moved: (amount: bigint) => amount - (amount * FEE_BPS) / 10_000n },
    { name: "SenderFeeToken", moved: (amount: bigint) => amount + (amount * FEE_BPS) / 10_000n },
  ] as const;
  async function feeToken(f: Fixture, name: string, feeBps: bigint) {
    const deployed = (await f.viem.deployContract(name as never, [feeBps] as never)) as { address: Address };
    const token = getContract({ abi: feeAbi, address: deployed.address, client: { public: f.publicClient, wallet: f.deployer } });
    for (const w of membersOf(f)) {
      await token.write.mint([w.account.address, 10_000n * E18]);
      await token.write.approve([f.committees.address, 10_000n * E18], { account: w.account });
    }
    return token;
  }

  for (const kind of kinds) {
    it(`${kind.name}: the stake is refused when it charges, and a stake paid in is never paid out short`, async () => {
      const f = await loadBase();
      const token = await feeToken(f, kind.name, FEE_BPS);
      const { committeeId, params } = await create(f, { stakeToken: token.address });
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.committees.write.commitKeyShare([committeeId, keyShareRoot(0)], { account: f.nodes[0].account }),
        f.committees, "FheCommitteesUnsupportedToken", [getAddress(token.address), STAKE, kind.moved(STAKE)],
      );
      // Fee off: the commits work; the token starts charging: a withdrawal (whose fee would come out of the other
      // member's stake) is refused, the stakes stay.
      await token.write.setFeeBps([0n]);
      await f.committees.write.commitKeyShare([committeeId, keyShareRoot(0)], { account: f.nodes[0].account });
      await f.committees.write.commitKeyShare([committeeId, keyShareRoot(1)], { account: f.nodes[1].account });
      await goTo(f, params.setupDeadline + 1n);
      await f.committees.write.failSetup([committeeId], { account: f.outsider.account });
      await token.write.setFeeBps([FEE_BPS]);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.committees.write.withdrawStake([committeeId], { account: f.nodes[0].account }),
        f.committees, "FheCommitteesUnsupportedToken", [getAddress(token.address), STAKE, kind.moved(STAKE)],
      );
      assert.equal(await token.read.balanceOf([f.committees.address]), 2n * STAKE);
    });
  }
});
