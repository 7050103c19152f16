// Shared fixture and helpers for the contract tests (node:test + viem on an in-process Hardhat chain).
// Every test file calls `network.create()` once (a fresh chain) and `loadFixture(<named fixture>)` per test, so each
// test starts from an EVM snapshot instead of redeploying.
import assert from "node:assert/strict";
import { getAddress, getContract, keccak256, toHex, zeroAddress, zeroHash, type Abi, type Address, type Hex } from "viem";
import { artifacts } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { PublicClient, WalletClient } from "@nomicfoundation/hardhat-viem/types";
import { datasetIndexAbi, fheCommitteesAbi, rewardTokenAbi, trainingTasksAbi } from "../../src/chain/abis.ts";
import { COMMITTEE_STATUS, ENCRYPTION, PARAM as PARAM_NAMES, TASK_KIND, TASK_STATUS, TERM as TERM_NAMES } from "../../src/chain/constants.ts";
import { LOCAL_COMMITTEE_LIMITS, PUBLIC_TERM_LIMITS } from "../../src/chain/termLimits.ts";

/** The contracts' enums as name → value maps, from the generated constants (so tests never retype them). */
type ValuesOf<names extends readonly string[]> = {
  readonly [i in keyof names as i extends `${number}` ? names[i] & string : never]: i extends `${infer value extends number}` ? value : never;
};
const valuesOf = <const names extends readonly string[]>(names: names) => Object.fromEntries(names.map((name, value) => [name, value])) as ValuesOf<names>;
export const STATUS = valuesOf(TASK_STATUS);
export const KIND = valuesOf(TASK_KIND);
export const ENC = valuesOf(ENCRYPTION);
export const COMMITTEE = valuesOf(COMMITTEE_STATUS);
/** ITrainingTasks.Param: what TrainingTasksInvalidParam names. */
export const PARAM = valuesOf(PARAM_NAMES);
/** ITrainingTasks.Term: what TrainingTasksTermOutOfRange names. */
export const TERM = valuesOf(TERM_NAMES);

export const ZERO_HASH: Hex = zeroHash;
export const ZERO_ADDRESS: Address = zeroAddress;
export const UINT128_MAX = (1n << 128n) - 1n;

/** A deterministic non-zero bytes32 for a label (roots, keys, hashes in tests). */
export const b32 = (label: string): Hex => keccak256(toHex(label));

export const SCHEMA_HASH = b32("schema:penguins");
export const OTHER_SCHEMA_HASH = b32("schema:weather");
export const KEY_ID = b32("ckks public key");
export const E18 = 10n ** 18n;
export const INITIAL_BALANCE = 1_000_000n * E18;
export const BUDGET = 1_000n * E18;
export const STAKE = 100n * E18;
export const ROWS = 120n;

// Task timing (seconds): submit window, reveal window, aggregator window, challenge window.
export const ROUND_DURATION = 3_600;
export const REVEAL_DURATION = 600;
export const AGGREGATOR_WINDOW = 1_800;
export const CHALLENGE_WINDOW = 3_600;
export const CLAIM_PERIOD = 30 * 86_400;
export const JOIN_PERIOD = 86_400;

type Connection = NetworkConnection;

/** A typed viem contract handle (ABIs from src/chain/abis.ts, generated from the artifacts). */
export function typed<const TAbi extends Abi>(abi: TAbi, address: Address, publicClient: PublicClient, wallet: WalletClient) {
  return getContract({ abi, address, client: { public: publicClient, wallet } });
}

/**
 * Deploys a compiled contract by name — first the libraries it links (TrainingTasks' flow libraries, read from its
 * artifact's link references) — and returns a handle typed with `abi`.
 */
export async function deploy<const TAbi extends Abi>(connection: Connection, name: string, abi: TAbi, args: unknown[] = []) {
  const { viem } = connection;
  const libraries: Record<string, Address> = {};
  for (const names of Object.values((await artifacts.readArtifact(name)).linkReferences)) {
    for (const library of Object.keys(names)) libraries[library] = ((await viem.deployContract(library as never)) as { address: Address }).address;
  }
  const deployed = (await viem.deployContract(name as never, args as never, { libraries } as never)) as { address: Address };
  const [wallet] = await viem.getWalletClients();
  return typed(abi, deployed.address, await viem.getPublicClient(), wallet);
}

// The contract's parameter shapes, shared with the library (src/chain/tasks/).
import type { FheInput } from "../../src/chain/tasks/createTask.ts";
import type { TaskParams } from "../../src/chain/tasks/readTaskParams.ts";
export type { FheInput, TaskParams };

/** The committed values of a dataset registered by the fixture. */
export type DatasetRecord = { id: bigint; owner: Address; root: Hex; manifestRoot: Hex; rows: bigint; keyId: Hex };

export type Fixture = Awaited<ReturnType<typeof deployContracts>>;

/**
 * Deploys DatasetIndex, TrainingTasks, RewardToken and FheCommittees (local committee limits), registers two
 * schemas, mints INITIAL_BALANCE to every account, approves TrainingTasks and FheCommittees for all of it, and
 * registers one plaintext dataset of schema 1 per node.
 * Accounts: 0 deployer (token owner), 1 creator, 2 aggregator, 3..7 nodes, 8 outsider, 9 second creator, 10 resolver.
 */
export async function deployContracts(connection: Connection) {
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [deployer, creator, aggregator, n1, n2, n3, n4, n5, outsider, creator2, resolver] = wallets;
  const nodes = [n1, n2, n3, n4, n5];
  const datasetIndex = await deploy(connection, "DatasetIndex", datasetIndexAbi);
  const tasks = await deploy(connection, "TrainingTasks", trainingTasksAbi, [datasetIndex.address, PUBLIC_TERM_LIMITS]);
  const token = await deploy(connection, "RewardToken", rewardTokenAbi, [deployer.account.address]);
  // Deployed last, so the other contracts keep the addresses (and the gas snapshot its figures) they had before.
  const committees = await deploy(connection, "FheCommittees", fheCommitteesAbi, [tasks.address, LOCAL_COMMITTEE_LIMITS]);

  await datasetIndex.write.registerSchema([SCHEMA_HASH, "0g://schema-penguins"]);
  await datasetIndex.write.registerSchema([OTHER_SCHEMA_HASH, "0g://schema-weather"]);
  for (const w of wallets.slice(0, 10)) {
    await token.write.mint([w.account.address, INITIAL_BALANCE]);
    await token.write.approve([tasks.address, INITIAL_BALANCE], { account: w.account });
    await token.write.approve([committees.address, INITIAL_BALANCE], { account: w.account });
  }
  const datasets: DatasetRecord[] = [];
  for (const [i, node] of nodes.entries()) {
    const record = {
      id: BigInt(i + 1),
      owner: getAddress(node.account.address),
      root: b32(`data:${i}`),
      manifestRoot: b32(`manifest:${i}`),
      rows: ROWS + BigInt(i),
      keyId: ZERO_HASH,
    };
    await datasetIndex.write.registerDataset([1n, record.root, record.manifestRoot, record.rows, ENC.None, ZERO_HASH, `0g://m${i}`], {
      account: node.account,
    });
    datasets.push(record);
  }
  return { viem, networkHelpers, publicClient, wallets, deployer, creator, aggregator, nodes, outsider, creator2, resolver, datasetIndex, tasks, token, committees, datasets };
}

/** FL task parameters with sensible defaults (2 rounds, 3..4 nodes), join deadline one day from the chain's now. */
export async function flParams(f: Fixture, overrides: Partial<TaskParams> = {}): Promise<TaskParams> {
  const now = BigInt(await f.networkHelpers.time.latest());
  return {
    kind: KIND.FL,
    schemaId: 1,
    modelRoot: b32("model spec"),
    rounds: 2,
    minNodes: 3,
    maxNodes: 4,
    stake: STAKE,
    rewardToken: getAddress(f.token.address),
    budget: BUDGET,
    joinDeadline: now + BigInt(JOIN_PERIOD),
    roundDuration: ROUND_DURATION,
    revealDuration: REVEAL_DURATION,
    aggregatorWindow: AGGREGATOR_WINDOW,
    challengeWindow: CHALLENGE_WINDOW,
    claimPeriod: CLAIM_PERIOD,
    aggregator: getAddress(f.aggregator.account.address),
    resolver: getAddress(f.resolver.account.address),
    dataShareBps: 3000,
    computeDecayBps: 9500,
    dataDecayBps: 7000,
    ...overrides,
  };
}

/** Creates a task (by `creator`, default the fixture's creator) and returns its id and parameters. */
export async function createTask(
  f: Fixture,
  params: TaskParams,
  opts: { creator?: WalletClient; fheInputs?: FheInput[]; keyId?: Hex } = {},
): Promise<{ taskId: bigint; params: TaskParams; hash: Hex }> {
  const creator = opts.creator ?? f.creator;
  const hash = await f.tasks.write.createTask([params, opts.fheInputs ?? [], opts.keyId ?? ZERO_HASH], { account: creator.account });
  return { taskId: await f.tasks.read.taskCount(), params, hash };
}

/** Creates an FL task with `flParams` defaults and `overrides`. */
export async function createFlTask(f: Fixture, overrides: Partial<TaskParams> = {}) {
  return createTask(f, await flParams(f, overrides));
}

/** saPublicKey a node publishes when joining (any bytes32 works on chain). */
export const saKey = (node: WalletClient): Hex => b32(`sa:${node.account.address.toLowerCase()}`);

/** Node `i` joins `taskId` with its fixture dataset. */
export async function join(f: Fixture, taskId: bigint, i: number): Promise<Hex> {
  const node = f.nodes[i];
  return f.tasks.write.joinTask([taskId, f.datasets[i].id, saKey(node)], { account: node.account });
}

/** Creates an FL task and lets `joined` nodes (0..joined-1) join; with joined == maxNodes it is Running. */
export async function runningFlTask(f: Fixture, overrides: Partial<TaskParams> = {}, joined?: number) {
  const created = await createFlTask(f, overrides);
  const count = joined ?? created.params.maxNodes;
  for (let i = 0; i < count; i++) await join(f, created.taskId, i);
  return created;
}

export const updateRoot = (taskId: bigint, round: number, attempt: number, i: number): Hex => b32(`update:${taskId}:${round}:${attempt}:${i}`);
export const revealRoot = (taskId: bigint, round: number, attempt: number, i: number): Hex => b32(`reveal:${taskId}:${round}:${attempt}:${i}`);
export const modelRoot = (taskId: bigint, round: number): Hex => b32(`model:${taskId}:${round}`);
export const samplesOf = (i: number): bigint => 100n + BigInt(i) * 10n;

/** Nodes with the given indices submit their update for `round` (current attempt). */
export async function submit(f: Fixture, taskId: bigint, round: number, indices: number[]): Promise<void> {
  const { attempt } = await f.tasks.read.getRound([taskId, round]);
  for (const i of indices) {
    await f.tasks.write.submitUpdate([taskId, round, updateRoot(taskId, round, attempt, i), samplesOf(i)], { account: f.nodes[i].account });
  }
}

/** Runs every remaining round with the given nodes submitting (all members by default) until the task is Finished. */
export async function finishRounds(f: Fixture, taskId: bigint, indices?: number[]): Promise<void> {
  const { maxNodes } = await f.tasks.read.getTaskParams([taskId]);
  const who = indices ?? Array.from({ length: maxNodes }, (_, i) => i);
  for (;;) {
    const [, status, round] = await f.tasks.read.getTaskState([taskId]);
    if (status !== STATUS.Running) return;
    await submit(f, taskId, round, who);
    await f.tasks.write.finalizeRound([taskId, round, modelRoot(taskId, round), 500_000, 800_000, []], { account: f.aggregator.account });
  }
}

/** Block timestamp of a mined transaction. */
export async function txTime(f: Fixture, hash: Hex): Promise<bigint> {
  const receipt = await f.publicClient.getTransactionReceipt({ hash });
  return (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
}

/** Deadlines of the current attempt of a round. */
export async function roundDeadlines(f: Fixture, taskId: bigint, round: number) {
  const state = await f.tasks.read.getRound([taskId, round]);
  const p = await f.tasks.read.getTaskParams([taskId]);
  const submit = state.start + BigInt(p.roundDuration);
  const reveal = submit + BigInt(p.revealDuration);
  return { start: state.start, submit, reveal, finalize: reveal + BigInt(p.aggregatorWindow) };
}

/** Sets the next block's timestamp (the next transaction runs at exactly `t`). */
export async function at(f: Fixture, t: bigint): Promise<void> {
  await f.networkHelpers.time.setNextBlockTimestamp(t);
}

/** Moves the chain to `t` (mines a block at `t`). */
export async function goTo(f: Fixture, t: bigint): Promise<void> {
  await f.networkHelpers.time.increaseTo(t);
}

export type Funds = { budget: bigint; staked: bigint; slashed: bigint; stakesWithdrawn: bigint; payoutTotal: bigint; claimed: bigint; refunded: bigint };

export async function funds(f: Fixture, taskId: bigint): Promise<Funds> {
  const [budget, staked, slashed, stakesWithdrawn, payoutTotal, claimed, refunded] = await f.tasks.read.getTaskFunds([taskId]);
  return { budget, staked, slashed, stakesWithdrawn, payoutTotal, claimed, refunded };
}

/** The money invariant: the contract's token balance equals Σ over tasks (budget + staked − claimed − refunded − stakesWithdrawn). */
export async function assertMoneyInvariant(f: Fixture, token: Address = f.token.address): Promise<bigint> {
  const count = await f.tasks.read.taskCount();
  let expected = 0n;
  for (let id = 1n; id <= count; id++) {
    const p = await f.tasks.read.getTaskParams([id]);
    if (p.rewardToken.toLowerCase() !== token.toLowerCase()) continue;
    const x = await funds(f, id);
    expected += x.budget + x.staked - x.claimed - x.refunded - x.stakesWithdrawn;
  }
  const balance = await f.publicClient.readContract({
    address: token,
    abi: f.token.abi,
    functionName: "balanceOf",
    args: [f.tasks.address],
  });
  assert.equal(balance, expected, "token.balanceOf(TrainingTasks) != Σ(budget + staked − claimed − refunded − stakesWithdrawn)");
  return balance;
}
