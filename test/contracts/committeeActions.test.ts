// The chain actions of src/chain/committees/ against the real contracts on the in-process chain: a committee set up,
// an FHE task's shares posted and read back, a silent member slashed, credit and stakes withdrawn — through the
// same typed write/checkWrite/getEvents path the CLI uses, with one-line errors naming the contract's error.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { getAddress, getContract, type Address, type Chain, type Hex, type PublicClient, type Transport } from "viem";
import { datasetIndexAbi, fheCommitteesAbi, rewardTokenAbi, trainingTasksAbi } from "../../src/chain/abis.ts";
import type { ChainContext } from "../../src/chain/client.ts";
import {
  checkConfirmKeys, checkPostShare, commitKeyShare, committeeOfKey, confirmKeys, createCommittee, failSetup, postShare,
  readCommittee, readShares, readTaskKeyId, retireCommittee, slashMissingShare, withdrawCommitteeStake, withdrawCredit,
} from "../../src/chain/index.ts";
import { ChainError } from "../../src/chain/errors.ts";
import type { Deployments } from "../../src/chain/deployments.ts";
import { getNetwork } from "../../src/chain/networks.ts";
import { b32, createTask, deployContracts, E18, ENC, flParams, goTo, KIND, roundDeadlines, saKey, type Fixture } from "./fixtures.ts";

const { networkHelpers } = await network.create();
const load = () => networkHelpers.loadFixture(deployContracts);

type Wallet = Fixture["creator"];

/** A ChainContext acting as `wallet` on the fixture's contracts (what `connect` builds for an RPC URL). */
function contextOf(f: Fixture, wallet: Wallet): ChainContext {
  const deployment = (address: Address) => ({ address: getAddress(address), blockNumber: 0, chainId: 31_337, transactionHash: null });
  const deployments: Deployments = {
    network: "hardhat", chainId: 31_337, startBlock: 0,
    datasetIndex: deployment(f.datasetIndex.address), trainingTasks: deployment(f.tasks.address),
    fheCommittees: deployment(f.committees.address), rewardToken: deployment(f.token.address),
  };
  const publicClient = f.publicClient as unknown as PublicClient<Transport, Chain>;
  const client = { public: publicClient, wallet };
  const contracts = {
    datasetIndex: getContract({ address: deployments.datasetIndex.address, abi: datasetIndexAbi, client }),
    trainingTasks: getContract({ address: deployments.trainingTasks.address, abi: trainingTasksAbi, client }),
    fheCommittees: getContract({ address: deployments.fheCommittees.address, abi: fheCommitteesAbi, client }),
    rewardToken: getContract({ address: deployments.rewardToken.address, abi: rewardTokenAbi, client }),
  } as ChainContext["contracts"];
  return { network: getNetwork("hardhat"), deployments, publicClient, walletClient: wallet as ChainContext["walletClient"], account: wallet.account, contracts };
}

const KEY_ID = b32("collective key of the action test");
const KEYS_ROOT = b32("committee keys file of the action test");
const STAKE = 25n * E18;
const UNBONDING = 600;

/** Members are accounts 11..13: funded but with no allowance, so commitKeyShare must approve FheCommittees itself. */
async function setUp(f: Fixture) {
  const members = f.wallets.slice(11, 14);
  for (const m of members) await f.token.write.mint([m.account.address, 100n * E18]);
  const now = BigInt(await networkHelpers.time.latest());
  const params = { stakeToken: getAddress(f.token.address), stake: STAKE, setupDeadline: now + 86_400n, unbondingPeriod: UNBONDING, threshold: 3 };
  const created = await createCommittee(contextOf(f, f.creator2), members.map((m) => getAddress(m.account.address)), params);
  return { members, params, ...created };
}

/** An FHE task under `keyId` whose compute node (node 4) submitted its result. */
async function fheResult(f: Fixture, keyId: Hex) {
  const root = b32(`cipher:${keyId}`);
  await f.datasetIndex.write.registerDataset([1n, root, b32("manifest"), 10n, ENC.CKKS, keyId, ""], { account: f.nodes[3].account });
  const input = { datasetId: await f.datasetIndex.read.datasetCount(), root, manifestRoot: b32("manifest"), rows: 10n };
  const { taskId } = await createTask(f, await flParams(f, { kind: KIND.FHE, rounds: 1, minNodes: 1, maxNodes: 1 }), { fheInputs: [input], keyId });
  await f.tasks.write.joinTask([taskId, 0n, saKey(f.nodes[4])], { account: f.nodes[4].account });
  await f.tasks.write.submitUpdate([taskId, 1, b32("result"), 0n], { account: f.nodes[4].account });
  return { taskId, d: await roundDeadlines(f, taskId, 1) };
}

describe("src/chain/committees actions", () => {
  it("set up a committee: create (seed), commits with the stake approved, a rogue confirmation refused, confirms → Active", async () => {
    const f = await load();
    const { members, committeeId, seed } = await setUp(f);
    let view = await readCommittee(contextOf(f, f.outsider), committeeId);
    assert.equal(view.status, "Forming");
    assert.equal(view.seed, seed);
    assert.equal(view.creator, getAddress(f.creator2.account.address));
    assert.deepEqual(view.members.map((m) => [m.address, m.member]), members.map((m, i) => [getAddress(m.account.address), i]));

    for (const [i, m] of members.entries()) await commitKeyShare(contextOf(f, m), committeeId, b32(`share file ${i}`));
    view = await readCommittee(contextOf(f, f.outsider), committeeId);
    assert.equal(view.status, "Confirming");
    assert.deepEqual(view.members.map((m) => [m.committed, m.keyShareRoot]), [0, 1, 2].map((i) => [true, b32(`share file ${i}`)]));
    assert.equal(await f.token.read.balanceOf([f.committees.address]), 3n * STAKE);

    await confirmKeys(contextOf(f, members[0]), committeeId, KEY_ID, KEYS_ROOT);
    await assert.rejects(checkConfirmKeys(contextOf(f, members[1]), committeeId, b32("rogue key"), KEYS_ROOT), (err: Error) =>
      err instanceof ChainError && /^confirm the keys of committee 1: the contract refused it: FheCommitteesKeyMismatch\(1, 0x[0-9a-f]{64}, 0x[0-9a-f]{64}\): another member/.test(err.message) && !err.message.includes("\n"));
    await checkConfirmKeys(contextOf(f, members[1]), committeeId, KEY_ID, KEYS_ROOT);
    for (const m of members.slice(1)) await confirmKeys(contextOf(f, m), committeeId, KEY_ID, KEYS_ROOT);
    view = await readCommittee(contextOf(f, f.outsider), committeeId);
    assert.equal(view.status, "Active");
    assert.equal(view.keyId, KEY_ID);
    assert.equal(view.keysRoot, KEYS_ROOT);
    assert.equal(view.unbondsAt, undefined);
    assert.equal(await committeeOfKey(contextOf(f, f.outsider), KEY_ID), committeeId);
    assert.equal(await committeeOfKey(contextOf(f, f.outsider), b32("no such key")), undefined);
    await assert.rejects(readCommittee(contextOf(f, f.outsider), 9n), (err: Error) =>
      err instanceof ChainError && err.message === "read committee 9: the contract refused it: FheCommitteesUnknownCommittee(9): committee 9 does not exist");
  });

  it("concurrent confirmations: the one mined last activates the committee without running out of gas", async () => {
    const f = await load();
    const { members, committeeId } = await setUp(f);
    for (const [i, m] of members.entries()) await commitKeyShare(contextOf(f, m), committeeId, b32(`share file ${i}`));
    await confirmKeys(contextOf(f, members[0]), committeeId, KEY_ID, KEYS_ROOT);
    // Both remaining members simulate and estimate against the same state (one confirmation so far), as members do
    // when they confirm at the same time; one block then takes both, and the second one mined is the activation.
    const rpc = f.publicClient.request as (args: { method: string; params?: unknown[] }) => Promise<unknown>;
    await rpc({ method: "evm_setAutomine", params: [false] });
    try {
      const racing = members.slice(1).map((m) => confirmKeys(contextOf(f, m), committeeId, KEY_ID, KEYS_ROOT));
      const pending = async () => ((await rpc({ method: "eth_getBlockByNumber", params: ["pending", false] })) as { transactions: Hex[] }).transactions.length;
      while ((await pending()) < 2) await new Promise((resolve) => setImmediate(resolve));
      await rpc({ method: "evm_mine" });
      const receipts = await Promise.all(racing);
      assert.deepEqual(receipts.map((r) => r.status), ["success", "success"]);
      assert.equal(receipts[0].blockNumber, receipts[1].blockNumber, "one block took both");
    } finally {
      await rpc({ method: "evm_setAutomine", params: [true] });
    }
    assert.equal((await readCommittee(contextOf(f, f.outsider), committeeId)).status, "Active");
  });

  it("decrypt a result: shares posted and read back, a late one refused in one line, the silent member slashed, credit and stakes withdrawn", async () => {
    const f = await load();
    const { members, committeeId } = await setUp(f);
    for (const [i, m] of members.entries()) await commitKeyShare(contextOf(f, m), committeeId, b32(`share file ${i}`));
    for (const m of members) await confirmKeys(contextOf(f, m), committeeId, KEY_ID, KEYS_ROOT);
    const { taskId, d } = await fheResult(f, KEY_ID);
    const reader = contextOf(f, f.outsider);
    assert.equal(await readTaskKeyId(reader, taskId), KEY_ID);
    const { taskId: flTask } = await createTask(f, await flParams(f));
    assert.equal(await readTaskKeyId(reader, flTask), undefined);
    assert.equal(await readShares(reader, flTask, 0), undefined, "an FL task has no committee");

    await checkPostShare(contextOf(f, members[0]), taskId, b32("share 0"));
    await postShare(contextOf(f, members[0]), taskId, b32("share 0"));
    await postShare(contextOf(f, members[1]), taskId, b32("why not"), { declined: true });
    const read = await readShares(reader, taskId, 0);
    assert.deepEqual(read, {
      committeeId, count: 2,
      shares: [
        { address: getAddress(members[0].account.address), member: 0, root: b32("share 0"), declined: false },
        { address: getAddress(members[1].account.address), member: 1, root: b32("why not"), declined: true },
        { address: getAddress(members[2].account.address), member: 2, root: undefined, declined: false },
      ],
    });

    await goTo(f, d.reveal + 1n); // a block past the deadline: the actions simulate on the latest block
    const late = `post the decryption share of task ${taskId}: the contract refused it: FheCommitteesShareClosed(${taskId}, ${d.reveal}): the share window of task ${taskId} closed at ${new Date(Number(d.reveal) * 1000).toISOString()}`;
    await assert.rejects(postShare(contextOf(f, members[2]), taskId, b32("share 2")), (err: Error) => err instanceof ChainError && err.message === late);

    await slashMissingShare(contextOf(f, f.outsider), taskId, getAddress(members[2].account.address));
    const view = await readCommittee(reader, committeeId);
    assert.equal(view.status, "Broken");
    assert.equal(view.members[2].slashed, true);
    assert.equal(view.unbondsAt, view.endedAt + BigInt(UNBONDING));

    const before = await f.token.read.balanceOf([f.creator.account.address]);
    await withdrawCredit(contextOf(f, f.creator), f.token.address);
    assert.equal(await f.token.read.balanceOf([f.creator.account.address]), before + STAKE);

    await assert.rejects(withdrawCommitteeStake(contextOf(f, members[0]), committeeId), /FheCommitteesStakeLocked\(1, \d+\): the stakes of committee 1 unbond until/);
    await goTo(f, view.unbondsAt!);
    await withdrawCommitteeStake(contextOf(f, members[0]), committeeId);
    assert.equal((await readCommittee(reader, committeeId)).members[0].stakeWithdrawn, true);
  });

  it("retire an Active committee; fail a setup that missed its deadline", async () => {
    const f = await load();
    const first = await setUp(f);
    for (const [i, m] of first.members.entries()) await commitKeyShare(contextOf(f, m), first.committeeId, b32(`share file ${i}`));
    for (const m of first.members) await confirmKeys(contextOf(f, m), first.committeeId, KEY_ID, KEYS_ROOT);
    await retireCommittee(contextOf(f, f.creator2), first.committeeId);
    const retired = await readCommittee(contextOf(f, f.outsider), first.committeeId);
    assert.equal(retired.status, "Retired");
    assert.equal(retired.unbondsAt, retired.endedAt + BigInt(UNBONDING));

    const second = await setUp(f);
    await assert.rejects(failSetup(contextOf(f, f.outsider), second.committeeId), /FheCommitteesSetupOpen\(2, \d+\): the setup of committee 2 runs until/);
    await goTo(f, second.params.setupDeadline + 1n);
    await failSetup(contextOf(f, f.outsider), second.committeeId);
    const failed = await readCommittee(contextOf(f, f.outsider), second.committeeId);
    assert.equal(failed.status, "Failed");
    assert.equal(failed.unbondsAt, failed.endedAt);
  });
});
