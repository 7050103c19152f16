// The Ponder indexer as a real process for e2e tests and benchmarks: a free port, PGlite in a temp dir (or
// memory://, or Postgres), a unique --schema; waits until it is ready and caught up with the chain head.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { createPublicClient, createWalletClient, http, keccak256, toHex, zeroHash, type Address, type Hash, type Hex } from "viem";
import { hardhat } from "viem/chains";
import { datasetIndexAbi, fheCommitteesAbi, rewardTokenAbi, trainingTasksAbi } from "../../src/chain/abis.ts";
import type { LocalChain } from "./localChain.ts";
import { freePort, spawnGroup, waitFor, type Spawned } from "./processes.ts";

/**
 * Upper bound for Ponder to start or catch up. Measured: ~6 s idle, over 60 s on this 2-core machine under a load
 * average of 16 (a 60 s bound failed there); only a failing run waits this long.
 */
const SLOW_START_MS = 180_000;

export const indexerDir = path.resolve(import.meta.dirname, "../../indexer");
const ponderBin = path.resolve(import.meta.dirname, "../../node_modules/ponder/dist/esm/bin/ponder.js");

export type IndexerDatabase =
  | { kind: "pglite"; /** Default: a new temp dir (removed by stop({ cleanup: true })). */ directory?: string }
  | { kind: "postgres"; url: string };

export type StartIndexerOptions = {
  /** The chain to index: its rpcUrl and the environment naming its deployments (TWOPM_ROOT). */
  chain: { rpcUrl: string; env: Record<string, string> };
  database?: IndexerDatabase;
  /** Ponder's database schema; default a unique name. */
  schema?: string;
  /** Overrides the RPC URL the indexer uses (e.g. a proxy in front of the node). */
  rpcUrl?: string;
  /** Extra environment (INDEXER_ON_CHAIN_RESET, PONDER_LOG_LEVEL…). */
  env?: Record<string, string>;
  /** Wait until /status reaches the chain head (default true). */
  waitUntilSynced?: boolean;
  timeoutMs?: number;
};

export type GraphQLResult<T> = { data?: T; errors?: { message: string }[] };

export type Indexer = {
  url: string;
  port: number;
  schema: string;
  database: IndexerDatabase & { kind: "pglite"; directory: string } | { kind: "postgres"; url: string };
  process: Spawned;
  /** Posts a GraphQL query; throws on GraphQL errors. */
  query: <T = any>(query: string, variables?: Record<string, unknown>) => Promise<T>;
  /** The indexed block number (from /status), or undefined before the first block. */
  indexedBlock: () => Promise<number | undefined>;
  /** Waits until the indexer has indexed block `n` (default: the chain head now). */
  waitForBlock: (n?: number | bigint, timeoutMs?: number) => Promise<void>;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  output: () => string;
  /** SIGINT (graceful: Ponder releases its lock) unless another signal is given. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** Removes the temp PGlite directory this helper created. */
  cleanup: () => Promise<void>;
};

let counter = 0;

/** A database schema name unique to this process and call. */
export function uniqueSchema(prefix = "t"): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

/**
 * Starts `ponder start` (cwd indexer/) and waits for /ready and, by default, for the chain head.
 * @example const indexer = await startIndexer({ chain }); await indexer.query("{ datasets { totalCount } }")
 */
export async function startIndexer(options: StartIndexerOptions, attempt = 1): Promise<Indexer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const schema = options.schema ?? uniqueSchema();
  const requested = options.database ?? { kind: "pglite" };
  let ownDir: string | undefined;
  const database: Indexer["database"] = requested.kind === "postgres"
    ? requested
    : { kind: "pglite", directory: requested.directory ?? (ownDir = path.join(await mkdtemp(path.join(tmpdir(), "2pm-indexer-")), "pglite")) };
  const rpcUrl = options.rpcUrl ?? options.chain.rpcUrl;
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...options.chain.env, LOCALHOST_RPC_URL: rpcUrl, ...options.env };
  delete env.DATABASE_URL;
  delete env.DATABASE_PRIVATE_URL;
  if (database.kind === "postgres") env.DATABASE_URL = database.url;
  else env.PONDER_PGLITE_DIR = database.directory;
  // Ponder needs Node 22: run it with the node that runs the tests (the project's pinned one).
  const child = spawnGroup(process.execPath, [ponderBin, "start", "--schema", schema, "--port", String(port), "--log-format", "pretty"], { cwd: indexerDir, env });
  const exited = new Promise<number | null>((resolve) => {
    if (child.child.exitCode !== null) resolve(child.child.exitCode);
    child.child.once("exit", (code) => resolve(code));
  });
  let ended = false;
  void exited.then(() => (ended = true));

  const query = async <T,>(q: string, variables?: Record<string, unknown>): Promise<T> => {
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: q, variables }),
    });
    const body = (await response.json()) as GraphQLResult<T>;
    if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join("; ")}`);
    return body.data as T;
  };
  const indexedBlock = async () => {
    const response = await fetch(`${url}/status`);
    if (!response.ok) return undefined;
    const status = (await response.json()) as Record<string, { block?: { number: number } }>;
    return Object.values(status)[0]?.block?.number;
  };
  const client = createPublicClient({ transport: http(options.chain.rpcUrl) });
  const exitedError = () => new Error(`the indexer exited (code ${child.child.exitCode}):\n${child.output().slice(-4000)}`);
  // Polls `check` until it is true; fails at once when the process exits (its output says why).
  const poll = async (what: string, check: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (ended) throw exitedError();
      try {
        if (await check()) return;
      } catch (err) {
        lastError = err;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}${lastError ? ` (${String(lastError)})` : ""}:\n${child.output().slice(-4000)}`);
  };
  const waitForBlock = async (n?: number | bigint, timeoutMs = SLOW_START_MS) => {
    // cacheTime 0: viem would otherwise answer from a block number cached for 4 s.
    const target = Number(n ?? (await client.getBlockNumber({ cacheTime: 0 })));
    await poll(`the indexer to reach block ${target}`, async () => ((await indexedBlock()) ?? -1) >= target, timeoutMs);
  };

  const indexer: Indexer = {
    url, port, schema, database, process: child, query, indexedBlock, waitForBlock, exited,
    output: child.output,
    stop: (signal: NodeJS.Signals = "SIGINT") => child.stop(signal),
    cleanup: async () => {
      if (ownDir) await rm(path.dirname(ownDir), { recursive: true, force: true });
    },
  };
  // Another process can take the port between freePort() and Ponder's listen; Ponder then moves to the next port
  // ("Port in use") and /ready on ours would be someone else's answer: wait for this process's own server line.
  const portTaken = () => child.output().includes("Port in use");
  try {
    await poll("the indexer to be ready", async () =>
      portTaken() || (child.output().includes("Created HTTP server") && (await fetch(`${url}/ready`)).ok), options.timeoutMs ?? SLOW_START_MS);
    if (portTaken()) {
      await child.stop("SIGINT");
      await indexer.cleanup();
      if (attempt < 3) return startIndexer(options, attempt + 1);
      throw new Error(`port ${port} was taken while the indexer started (3 attempts):\n${child.output().slice(-2000)}`);
    }
    if (options.waitUntilSynced ?? true) await waitForBlock(undefined, options.timeoutMs ?? SLOW_START_MS);
  } catch (err) {
    await child.stop("SIGKILL");
    await indexer.cleanup();
    throw err;
  }
  return indexer;
}

/**
 * The ```graphql blocks of a markdown file with their variables (from a `# variables: {...}` comment line, which
 * GraphQL ignores, so a block is sent verbatim).
 * @example const examples = graphqlExamples("docs/graphql.md")
 */
export function graphqlExamples(file: string): { name: string; query: string; variables?: Record<string, unknown> }[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/```graphql\n([\s\S]*?)```/g)].map(([, body]) => {
    const name = /^\s*query\s+(\w+)/m.exec(body!)?.[1];
    if (!name) throw new Error(`${file}: every graphql example needs a named query: ${body!.slice(0, 60)}`);
    const vars = /^#\s*variables:\s*(\{.*\})\s*$/m.exec(body!)?.[1];
    return { name, query: body!, variables: vars ? JSON.parse(vars) : undefined };
  });
}

// ─── A scripted history for the indexer tests: schemas, datasets, two FL tasks, a settlement, claims, a slash ──

export type ScenarioChain = Pick<LocalChain, "rpcUrl" | "addresses" | "account" | "increaseTime" | "publicClient">;

/** Sends transactions as development account `i` and waits for each receipt. */
export function actor(chain: ScenarioChain, i: number) {
  const account = chain.account(i);
  const wallet = createWalletClient({ account, chain: { ...hardhat, rpcUrls: { default: { http: [chain.rpcUrl] } } }, transport: http(chain.rpcUrl) });
  const { datasetIndex, trainingTasks, rewardToken, fheCommittees } = chain.addresses;
  const send = async (hash: Hash) => {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return receipt;
  };
  return {
    address: account.address.toLowerCase() as Address,
    registerSchema: (hash: Hex, uri: string) => wallet.writeContract({ address: datasetIndex, abi: datasetIndexAbi, functionName: "registerSchema", args: [hash, uri] }).then(send),
    registerDataset: (a: { schemaId: bigint; root: Hex; manifestRoot: Hex; rows: bigint; encryption?: number; keyId?: Hex; uri: string }) =>
      wallet.writeContract({ address: datasetIndex, abi: datasetIndexAbi, functionName: "registerDataset", args: [a.schemaId, a.root, a.manifestRoot, a.rows, a.encryption ?? 0, a.keyId ?? zeroHash, a.uri] }).then(send),
    updateDataset: (id: bigint, root: Hex, manifestRoot: Hex, rows: bigint, uri: string) =>
      wallet.writeContract({ address: datasetIndex, abi: datasetIndexAbi, functionName: "updateDataset", args: [id, root, manifestRoot, rows, zeroHash, uri] }).then(send),
    retireDataset: (id: bigint) => wallet.writeContract({ address: datasetIndex, abi: datasetIndexAbi, functionName: "retireDataset", args: [id] }).then(send),
    mint: (to: Address, amount: bigint) => wallet.writeContract({ address: rewardToken, abi: rewardTokenAbi, functionName: "mint", args: [to, amount] }).then(send),
    approve: (amount: bigint) => wallet.writeContract({ address: rewardToken, abi: rewardTokenAbi, functionName: "approve", args: [trainingTasks, amount] }).then(send),
    createTask: (params: TaskParams, fheInputs: FheInput[] = [], keyId: Hex = zeroHash) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "createTask", args: [params, fheInputs, keyId] }).then(send),
    createDpTask: (params: TaskParams, dp: { noiseMultiplierE6: number; deltaE18: bigint }) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "createDpTask", args: [params, dp] }).then(send),
    cancelTask: (taskId: bigint) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "cancelTask", args: [taskId] }).then(send),
    withdrawRefund: (taskId: bigint) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "withdrawRefund", args: [taskId] }).then(send),
    reveal: (taskId: bigint, round: number, revealRoot: Hex) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "revealSeeds", args: [taskId, round, revealRoot] }).then(send),
    restartRound: (taskId: bigint, dropped: Address[] = []) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "restartRound", args: [taskId, dropped] }).then(send),
    dispute: (taskId: bigint, proposedRoot: Hex, proposedTotal: bigint) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "dispute", args: [taskId, proposedRoot, proposedTotal] }).then(send),
    resolve: (taskId: bigint, payoutRoot: Hex, total: bigint) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "resolve", args: [taskId, payoutRoot, total] }).then(send),
    join: (taskId: bigint, datasetId: bigint, saPublicKey: Hex) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "joinTask", args: [taskId, datasetId, saPublicKey] }).then(send),
    startTask: (taskId: bigint) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "startTask", args: [taskId] }).then(send),
    submit: (taskId: bigint, round: number, updateRoot: Hex, samples: bigint) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "submitUpdate", args: [taskId, round, updateRoot, samples] }).then(send),
    finalize: (taskId: bigint, round: number, modelRoot: Hex, lossE6: number, accuracyE6: number, dropped: Address[] = []) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "finalizeRound", args: [taskId, round, modelRoot, lossE6, accuracyE6, dropped] }).then(send),
    settle: (taskId: bigint, payoutRoot: Hex, total: bigint) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "settle", args: [taskId, payoutRoot, total] }).then(send),
    claim: (taskId: bigint, index: bigint, account: Address, amount: bigint, proof: Hex[]) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "claim", args: [taskId, index, account, amount, proof] }).then(send),
    withdrawStake: (taskId: bigint) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "withdrawStake", args: [taskId] }).then(send),
    slash: (taskId: bigint, node: Address, round: number) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "slash", args: [taskId, node, round] }).then(send),
    abandonTask: (taskId: bigint) => wallet.writeContract({ address: trainingTasks, abi: trainingTasksAbi, functionName: "abandonTask", args: [taskId] }).then(send),
    committees: {
      approve: (amount: bigint) => wallet.writeContract({ address: rewardToken, abi: rewardTokenAbi, functionName: "approve", args: [fheCommittees, amount] }).then(send),
      create: (members: Address[], params: CommitteeParams) => wallet.writeContract({ address: fheCommittees, abi: fheCommitteesAbi, functionName: "createCommittee", args: [members, params] }).then(send),
      commitKeyShare: (id: bigint, root: Hex) => wallet.writeContract({ address: fheCommittees, abi: fheCommitteesAbi, functionName: "commitKeyShare", args: [id, root] }).then(send),
      confirmKeys: (id: bigint, keyId: Hex, keysRoot: Hex) => wallet.writeContract({ address: fheCommittees, abi: fheCommitteesAbi, functionName: "confirmKeys", args: [id, keyId, keysRoot] }).then(send),
      failSetup: (id: bigint) => wallet.writeContract({ address: fheCommittees, abi: fheCommitteesAbi, functionName: "failSetup", args: [id] }).then(send),
      postShare: (taskId: bigint, root: Hex, declined = false) => wallet.writeContract({ address: fheCommittees, abi: fheCommitteesAbi, functionName: "postShare", args: [taskId, root, declined] }).then(send),
      slashMissingShare: (taskId: bigint, member: Address) => wallet.writeContract({ address: fheCommittees, abi: fheCommitteesAbi, functionName: "slashMissingShare", args: [taskId, member] }).then(send),
      withdrawStake: (id: bigint) => wallet.writeContract({ address: fheCommittees, abi: fheCommitteesAbi, functionName: "withdrawStake", args: [id] }).then(send),
      withdrawCredit: () => wallet.writeContract({ address: fheCommittees, abi: fheCommitteesAbi, functionName: "withdrawCredit", args: [rewardToken] }).then(send),
    },
  };
}

type CommitteeParams = { stakeToken: Address; stake: bigint; setupDeadline: bigint; unbondingPeriod: number; threshold: number };

type FheInput = { datasetId: bigint; root: Hex; manifestRoot: Hex; rows: bigint };

type TaskParams = {
  kind: number; schemaId: number; modelRoot: Hex; rounds: number; minNodes: number; maxNodes: number; stake: bigint;
  rewardToken: Address; budget: bigint; joinDeadline: bigint; roundDuration: number; revealDuration: number;
  aggregatorWindow: number; challengeWindow: number; claimPeriod: number; aggregator: Address; resolver: Address; dataShareBps: number;
  computeDecayBps: number; dataDecayBps: number;
};

/** A deterministic 32-byte value for a label ("root:d1" …). */
export const h = (label: string): Hex => keccak256(toHex(label));

export type Scenario = Awaited<ReturnType<typeof runScenario>>;

/**
 * Runs the reference history: 2 schemas; datasets d1..d5 (d1 updated to v2, d5 retired, d4 CKKS); task 1 (FL,
 * 3 members, 1 round finalized, settled with a StandardMerkleTree payout root, 3 of 4 leaves claimed, one stake
 * withdrawn); task 2 (FL, started with 3 members, one misses round 1 and is slashed); task 3 (FHE on d4, cancelled,
 * budget refunded); task 4 (FL, 4 members: attempt 0 is restarted although all submitted, in attempt 1 one member
 * drops, the survivors reveal and the finalization drops and slashes it; settled, disputed by a member proposing
 * another payout, which the resolver picks). Dataset d6 belongs to account 7. The resolver is account 0. Then the FHE
 * committees of `runCommitteeScenario`.
 */
export async function runScenario(chain: ScenarioChain) {
  const [deployer, creator, n2, n3, n4] = [0, 1, 2, 3, 4].map((i) => actor(chain, i));
  await deployer.registerSchema(h("schema:iris"), "0g://schema-iris");
  await deployer.registerSchema(h("schema:penguins"), "0g://schema-penguins");
  await n2.registerDataset({ schemaId: 1n, root: h("root:d1"), manifestRoot: h("manifest:d1"), rows: 50n, uri: "0g://d1" });
  await n3.registerDataset({ schemaId: 1n, root: h("root:d2"), manifestRoot: h("manifest:d2"), rows: 60n, uri: "0g://d2" });
  await n4.registerDataset({ schemaId: 1n, root: h("root:d3"), manifestRoot: h("manifest:d3"), rows: 40n, uri: "0g://d3" });
  await n2.registerDataset({ schemaId: 2n, root: h("root:d4"), manifestRoot: h("manifest:d4"), rows: 70n, encryption: 1, keyId: h("key:k1"), uri: "0g://d4" });
  await n3.registerDataset({ schemaId: 1n, root: h("root:d5"), manifestRoot: h("manifest:d5"), rows: 10n, uri: "0g://d5" });
  await n2.updateDataset(1n, h("root:d1v2"), h("manifest:d1v2"), 55n, "0g://d1v2");
  await n3.retireDataset(5n);

  for (const a of [creator, n2, n3, n4]) await deployer.mint(a.address, 10_000n);
  for (const a of [creator, n2, n3, n4]) await a.approve(10_000n);
  const now = (await chain.publicClient.getBlock()).timestamp;
  const params = (o: Partial<TaskParams>): TaskParams => ({
    kind: 0, schemaId: 1, modelRoot: h("model:logreg"), rounds: 1, minNodes: 3, maxNodes: 3, stake: 100n,
    rewardToken: chain.addresses.rewardToken, budget: 1000n, joinDeadline: now + 3600n, roundDuration: 600, revealDuration: 300,
    aggregatorWindow: 3600, challengeWindow: 60, claimPeriod: 86_400, aggregator: creator.address, resolver: deployer.address,
    dataShareBps: 3000, computeDecayBps: 9500, dataDecayBps: 7000, ...o,
  });

  // Task 1: full life cycle.
  await creator.createTask(params({}));
  await n2.join(1n, 1n, h("sa:n2"));
  await n3.join(1n, 2n, h("sa:n3"));
  await n4.join(1n, 3n, h("sa:n4")); // full: round 1 starts
  await n2.submit(1n, 1, h("update:1:n2"), 55n);
  await n3.submit(1n, 1, h("update:1:n3"), 60n);
  await n4.submit(1n, 1, h("update:1:n4"), 40n);
  await creator.finalize(1n, 1, h("model:1:1"), 523_000, 912_345);
  const leaves: [bigint, Address, bigint][] = [[0n, n2.address, 300n], [1n, n3.address, 350n], [2n, n4.address, 250n], [3n, creator.address, 100n]];
  const tree = StandardMerkleTree.of(leaves, ["uint256", "address", "uint256"]);
  await creator.settle(1n, tree.root as Hex, 1000n);
  await chain.increaseTime(61);
  const claimBlocks: bigint[] = [];
  for (const [i, a] of [n2, n3, n4].entries()) {
    const [index, account, amount] = leaves[i]!;
    claimBlocks.push((await a.claim(1n, index, account, amount, tree.getProof(i) as Hex[])).blockNumber);
  }
  await n2.withdrawStake(1n);

  // Task 2: n4 misses round 1 and is slashed.
  await creator.createTask(params({ rounds: 2, maxNodes: 4, stake: 50n, budget: 500n }));
  await n2.join(2n, 1n, h("sa2:n2"));
  await n3.join(2n, 2n, h("sa2:n3"));
  await n4.join(2n, 3n, h("sa2:n4"));
  await creator.startTask(2n);
  await n2.submit(2n, 1, h("update:2:n2"), 55n);
  await n3.submit(2n, 1, h("update:2:n3"), 60n);
  await chain.increaseTime(601);
  await deployer.slash(2n, n4.address, 1);

  // Task 3: an FHE task on the CKKS dataset d4, cancelled before anyone joined; the creator takes the budget back.
  await creator.createTask(params({ kind: 1, schemaId: 2, minNodes: 1, maxNodes: 1, stake: 10n, budget: 500n }), [{ datasetId: 4n, root: h("root:d4"), manifestRoot: h("manifest:d4"), rows: 70n }], h("key:k1"));
  await creator.cancelTask(3n);
  await creator.withdrawRefund(3n);

  // Task 4: a restarted round, a dropout dropped at finalization, a dispute resolved to the member's proposal.
  const n7 = actor(chain, 7);
  await deployer.mint(n7.address, 10_000n);
  await n7.approve(10_000n);
  await n7.registerDataset({ schemaId: 1n, root: h("root:d6"), manifestRoot: h("manifest:d6"), rows: 30n, uri: "0g://d6" });
  await creator.createTask(params({ maxNodes: 4, stake: 10n, budget: 100n }));
  await n2.join(4n, 1n, h("sa4:n2"));
  await n3.join(4n, 2n, h("sa4:n3"));
  await n4.join(4n, 3n, h("sa4:n4"));
  await n7.join(4n, 6n, h("sa4:n7")); // full: round 1 starts
  await n2.submit(4n, 1, h("update:4:0:n2"), 55n);
  await n3.submit(4n, 1, h("update:4:0:n3"), 60n);
  await n4.submit(4n, 1, h("update:4:0:n4"), 40n);
  await n7.submit(4n, 1, h("update:4:0:n7"), 30n);
  await chain.increaseTime(901); // an update the aggregator could not use: re-run after the reveal deadline
  await creator.restartRound(4n);
  await n2.submit(4n, 1, h("update:4:1:n2"), 55n);
  await n3.submit(4n, 1, h("update:4:1:n3"), 60n);
  await n4.submit(4n, 1, h("update:4:1:n4"), 40n);
  await chain.increaseTime(601); // n7 dropped: the survivors reveal their seeds with it
  for (const [a, label] of [[n2, "n2"], [n3, "n3"], [n4, "n4"]] as const) await a.reveal(4n, 1, h(`reveal:4:${label}`));
  await creator.finalize(4n, 1, h("model:4:1"), 400_000, 800_000, [n7.address]);
  const payout = (amounts: bigint[]) => StandardMerkleTree.of(amounts.map((a, i) => [BigInt(i), [n2, n3, n4, n7][i]!.address, a]), ["uint256", "address", "uint256"]);
  const disputedRoot = payout([40n, 30n, 20n, 10n]).root as Hex;
  const finalRoot = payout([50n, 30n, 10n, 10n]).root as Hex;
  await creator.settle(4n, disputedRoot, 100n);
  await n2.dispute(4n, finalRoot, 100n);
  await chain.increaseTime(61); // the challenge window is over: the resolver picks
  await deployer.resolve(4n, finalRoot, 100n);
  const committees = await runCommitteeScenario(chain, { deployer, creator, n2, n3, n4, n7 });
  return {
    deployer, creator, n2, n3, n4, n7, payoutRoot: tree.root.toLowerCase() as Hex, claimBlocks,
    task4Roots: { disputed: disputedRoot.toLowerCase() as Hex, final: finalRoot.toLowerCase() as Hex },
    rewardToken: chain.addresses.rewardToken.toLowerCase() as Address, headBlock: committees.headBlock, committees,
  };
}

/** The FHE key of committee 1 in the scenario, and the storage root of its keys file. */
export const COMMITTEE_KEY = h("key:committee");
const COMMITTEE_KEYS_ROOT = h("keys:committee");

/**
 * FHE committees on top of the reference history (FheCommittees with fake storage roots: the contract never reads
 * them). Committee 1 = (n2, n3, n4), stake 20: the creator registers d7 under its key (K) and creates FHE task 5 on
 * it before the key exists on chain; the members commit and confirm K (Active: task 5 is linked); task 6 on d7
 * (linked at creation) is cancelled; n7 computes task 5's result; n2 posts its share, n3 declines, n4 stays silent
 * and is slashed after the reveal deadline (committee Broken, 20 credited to the creator, who withdraws it); task 5
 * is abandoned after the finalize deadline. Committee 2 = (n3, n7), stake 5: only n3 commits, the setup fails, n3
 * withdraws its stake.
 */
async function runCommitteeScenario(chain: ScenarioChain, a: Record<"deployer" | "creator" | "n2" | "n3" | "n4" | "n7", ReturnType<typeof actor>>) {
  const { deployer, creator, n2, n3, n4, n7 } = a;
  const { fheCommittees, rewardToken } = chain.addresses;
  const limits = await chain.publicClient.readContract({ address: fheCommittees, abi: fheCommitteesAbi, functionName: "committeeLimits" });
  const now = (await chain.publicClient.getBlock()).timestamp;
  const terms = (stake: bigint, setup: number, threshold: number): CommitteeParams => ({
    stakeToken: rewardToken, stake, setupDeadline: now + BigInt(Math.min(setup, limits.maxSetupPeriod)), unbondingPeriod: limits.minUnbondingPeriod, threshold,
  });
  for (const m of [n2, n3, n4]) await m.committees.approve(10_000n);
  await creator.committees.create([n2.address, n3.address, n4.address], terms(20n, 1800, 3));
  await creator.committees.create([n3.address, n7.address], terms(5n, 600, 2));
  await creator.registerDataset({ schemaId: 2n, root: h("root:d7"), manifestRoot: h("manifest:d7"), rows: 80n, encryption: 1, keyId: COMMITTEE_KEY, uri: "0g://d7" });
  const fheTask = (): TaskParams => ({
    kind: 1, schemaId: 2, modelRoot: h("model:logreg"), rounds: 1, minNodes: 1, maxNodes: 1, stake: 10n, rewardToken, budget: 100n,
    joinDeadline: now + 3600n, roundDuration: 600, revealDuration: 300, aggregatorWindow: 3600, challengeWindow: 60, claimPeriod: 86_400,
    aggregator: creator.address, resolver: deployer.address, dataShareBps: 3000, computeDecayBps: 9500, dataDecayBps: 7000,
  });
  const inputs = [{ datasetId: 7n, root: h("root:d7"), manifestRoot: h("manifest:d7"), rows: 80n }];
  await creator.createTask(fheTask(), inputs, COMMITTEE_KEY); // task 5: the key is not a committee's yet
  for (const [m, label] of [[n2, "n2"], [n3, "n3"], [n4, "n4"]] as const) await m.committees.commitKeyShare(1n, h(`keyshare:1:${label}`));
  await n3.committees.commitKeyShare(2n, h("keyshare:2:n3"));
  for (const m of [n2, n3, n4]) await m.committees.confirmKeys(1n, COMMITTEE_KEY, COMMITTEE_KEYS_ROOT);
  await creator.createTask(fheTask(), inputs, COMMITTEE_KEY); // task 6: under an Active committee's key at creation
  await creator.cancelTask(6n);
  await n7.join(5n, 0n, h("sa5:n7")); // full: round 1 (the computation) starts
  await n7.submit(5n, 1, h("result:5"), 80n);
  await n2.committees.postShare(5n, h("share:5:n2"));
  await n3.committees.postShare(5n, h("decline:5:n3"), true);
  await chain.increaseTime(901); // past task 5's reveal deadline and committee 2's setup deadline
  await deployer.committees.slashMissingShare(5n, n4.address);
  await deployer.committees.failSetup(2n);
  await n3.committees.withdrawStake(2n);
  await creator.committees.withdrawCredit();
  await chain.increaseTime(3601); // past the finalize deadline: the task cannot be decrypted, anyone abandons it
  const last = await deployer.abandonTask(5n);
  const seeds = await Promise.all([1n, 2n].map(async (id) =>
    ((await chain.publicClient.readContract({ address: fheCommittees, abi: fheCommitteesAbi, functionName: "getCommittee", args: [id] })).seed).toLowerCase() as Hex));
  return { seeds, unbondingPeriod: limits.minUnbondingPeriod, headBlock: last.blockNumber };
}

export type RpcProxy = { url: string; setTarget: (rpcUrl: string) => void; stop: () => Promise<void> };

/**
 * An HTTP JSON-RPC proxy with a switchable upstream: lets a test replace the node behind one RPC URL (a chain
 * reset as a running indexer sees it). Answers 502 while the upstream is down.
 * @example const proxy = await startRpcProxy(chainA.rpcUrl); proxy.setTarget(chainB.rpcUrl)
 */
export async function startRpcProxy(target: string): Promise<RpcProxy> {
  let upstream = target;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      const response = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) });
      res.writeHead(response.status, { "content-type": "application/json" });
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    setTarget: (rpcUrl) => (upstream = rpcUrl),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// ─── What the indexer must return for the scenario ────────────────────────────────────────────────────────────

/** Every table of the indexer, as the scenario leaves them (volatile fields — times, tx hashes — left out). */
export const stateQuery = `{
  schemas(orderBy: "id") { totalCount items { id hash registrant uri datasetCount taskCount } }
  datasets(orderBy: "id") { totalCount items { id owner schemaId version root manifestRoot rows encryption keyId uri retired taskCount } }
  datasetVersions(orderBy: "id") { totalCount items { id datasetId version rows root uri } }
  tasks(orderBy: "id") { totalCount items {
    id creator kind status schemaId modelRoot totalRounds minNodes maxNodes stake rewardToken budget roundDuration
    revealDuration aggregatorWindow challengeWindow claimPeriod aggregator resolver dataShareBps computeDecayBps
    dataDecayBps fheKeyId currentRound activeMembers memberCount staked slashed stakesWithdrawn pool payoutRoot
    payoutTotal claimed claimCount refunded settlementCount disputeCount committeeId shareCount } }
  members(orderBy: "id") { totalCount items { id taskId node datasetId joinIndex saPublicKey stake status updateCount samples slashedRound } }
  rounds(orderBy: "id") { totalCount items { id taskId round attempt attemptCount members submissions revealCount samples finalized modelRoot lossE6 accuracyE6 loss accuracy } }
  roundAttempts(orderBy: "id") { totalCount items { id roundId attempt members submissions revealCount samples finalized restarted } }
  updates(orderBy: "id") { totalCount items { id taskId roundId attemptId memberId round attempt node updateRoot samples } }
  reveals(orderBy: "id") { totalCount items { id attemptId node revealRoot } }
  settlements(orderBy: "id") { totalCount items { taskId index settler payoutRoot total disputedBy resolvedRoot resolvedTotal } }
  disputes(orderBy: "id") { totalCount items { id taskId member proposedRoot proposedTotal } }
  claims(orderBy: "id") { totalCount items { id taskId account leafIndex amount } }
  slashings { totalCount items { id taskId memberId node round amount slasher } }
  refunds { totalCount items { taskId creator amount } }
  fheInputs { totalCount items { id taskId datasetId position keyId } }
  accounts(orderBy: "id") { totalCount items {
    id earned claimCount staked slashed stakesWithdrawn budgeted refunded datasetCount taskCount membershipCount updateCount
    committeeSeats committeeStaked committeeSlashed credited creditsWithdrawn } }
  committees(orderBy: "id") { totalCount items {
    id creator seed status memberCount threshold commits confirmations stakeToken stake staked slashed stakesWithdrawn
    unbondingPeriod keyId keysRoot shareCount taskCount } }
  committeeMembers(orderBy: "id") { totalCount items { id committeeId account index committed keyShareRoot stake confirmed slashed slashedTaskId slashedTo withdrawn shareCount } }
  fheKeys(orderBy: "id") { totalCount items { id committeeId taskIds } }
  decryptionShares(orderBy: "id") { totalCount items { id taskId attempt attemptId committeeId committeeMemberId member root declined } }
}`;

const page = <T,>(items: T[]) => ({ totalCount: items.length, items });
const sortBy = <T,>(items: T[], key: (t: T) => string) => [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** The exact result of `stateQuery` after `runScenario`. */
export function expectedState(s: Scenario) {
  const { deployer, creator, n2, n3, n4, n7, payoutRoot, task4Roots } = s;
  const zero = zeroHash;
  const ds = (id: number, owner: Address, schemaId: number, version: number, label: string, rows: number, o: { enc?: string; keyId?: Hex; retired?: boolean; tasks?: number } = {}) =>
    ({ id: String(id), owner, schemaId: String(schemaId), version, root: h(`root:${label}`), manifestRoot: h(`manifest:${label}`), rows: String(rows), encryption: o.enc ?? "None", keyId: o.keyId ?? zero, uri: `0g://${label}`, retired: o.retired ?? false, taskCount: o.tasks ?? 0 });
  const taskBase = { creator: creator.address, kind: "FL", schemaId: "1", modelRoot: h("model:logreg"), minNodes: 3, rewardToken: "", roundDuration: 600, revealDuration: 300, aggregatorWindow: 3600, challengeWindow: 60, claimPeriod: 86_400, aggregator: creator.address, resolver: deployer.address, dataShareBps: 3000, computeDecayBps: 9500, dataDecayBps: 7000, fheKeyId: null, disputeCount: 0 };
  const fheBase = {
    ...taskBase, kind: "FHE", schemaId: "2", fheKeyId: COMMITTEE_KEY, committeeId: "1", totalRounds: 1, minNodes: 1, maxNodes: 1, stake: "10", budget: "100",
    slashed: "0", stakesWithdrawn: "0", pool: "100", payoutRoot: null, payoutTotal: null, claimed: "0", claimCount: 0, refunded: "0", settlementCount: 0,
  };
  const member = (task: number, a: { address: Address }, datasetId: number, joinIndex: number, sa: string, stake: number, status: string, updates: number, samples: number, slashedRound: number | null = null) =>
    ({ id: `${task}-${a.address}`, taskId: String(task), node: a.address, datasetId: String(datasetId), joinIndex, saPublicKey: h(sa), stake: String(stake), status, updateCount: updates, samples: String(samples), slashedRound });
  const upd = (task: number, a: { address: Address }, label: string, samples: number, attempt = 0) =>
    ({ id: `${task}-1-${attempt}-${a.address}`, taskId: String(task), roundId: `${task}-1`, attemptId: `${task}-1-${attempt}`, memberId: `${task}-${a.address}`, round: 1, attempt, node: a.address, updateRoot: h(label), samples: String(samples) });
  type Amounts = "earned" | "staked" | "slashed" | "stakesWithdrawn" | "budgeted" | "refunded" | "committeeStaked" | "committeeSlashed" | "credited" | "creditsWithdrawn";
  type Counts = "claimCount" | "datasetCount" | "taskCount" | "membershipCount" | "updateCount" | "committeeSeats";
  const acct = (a: { address: Address }, o: Partial<Record<Amounts | Counts, number>>) => ({
    id: a.address, earned: String(o.earned ?? 0), claimCount: o.claimCount ?? 0, staked: String(o.staked ?? 0), slashed: String(o.slashed ?? 0),
    stakesWithdrawn: String(o.stakesWithdrawn ?? 0), budgeted: String(o.budgeted ?? 0), refunded: String(o.refunded ?? 0), datasetCount: o.datasetCount ?? 0,
    taskCount: o.taskCount ?? 0, membershipCount: o.membershipCount ?? 0, updateCount: o.updateCount ?? 0,
    committeeSeats: o.committeeSeats ?? 0, committeeStaked: String(o.committeeStaked ?? 0), committeeSlashed: String(o.committeeSlashed ?? 0),
    credited: String(o.credited ?? 0), creditsWithdrawn: String(o.creditsWithdrawn ?? 0),
  });
  const seat = (committee: number, a: { address: Address }, index: number, keyShare: string | null, stake: number,
    o: { committed?: boolean; confirmed?: boolean; slashed?: boolean; slashedTaskId?: string; slashedTo?: Address; withdrawn?: boolean; shareCount?: number } = {}) => ({
    id: `${committee}-${a.address}`, committeeId: String(committee), account: a.address, index, committed: o.committed ?? true,
    keyShareRoot: keyShare === null ? null : h(keyShare), stake: String(stake), confirmed: o.confirmed ?? false, slashed: o.slashed ?? false,
    slashedTaskId: o.slashedTaskId ?? null, slashedTo: o.slashedTo ?? null, withdrawn: o.withdrawn ?? false, shareCount: o.shareCount ?? 0,
  });
  return {
    schemas: page([
      { id: "1", hash: h("schema:iris"), registrant: deployer.address, uri: "0g://schema-iris", datasetCount: 5, taskCount: 3 },
      { id: "2", hash: h("schema:penguins"), registrant: deployer.address, uri: "0g://schema-penguins", datasetCount: 2, taskCount: 3 },
    ]),
    datasets: page([
      ds(1, n2.address, 1, 2, "d1v2", 55, { tasks: 3 }),
      ds(2, n3.address, 1, 1, "d2", 60, { tasks: 3 }),
      ds(3, n4.address, 1, 1, "d3", 40, { tasks: 3 }),
      ds(4, n2.address, 2, 1, "d4", 70, { enc: "CKKS", keyId: h("key:k1"), tasks: 1 }),
      ds(5, n3.address, 1, 1, "d5", 10, { retired: true }),
      ds(6, n7.address, 1, 1, "d6", 30, { tasks: 1 }),
      ds(7, creator.address, 2, 1, "d7", 80, { enc: "CKKS", keyId: COMMITTEE_KEY, tasks: 2 }),
    ]),
    datasetVersions: page([
      ["1-1", 1, 1, 50, "d1"], ["1-2", 1, 2, 55, "d1v2"], ["2-1", 2, 1, 60, "d2"], ["3-1", 3, 1, 40, "d3"], ["4-1", 4, 1, 70, "d4"], ["5-1", 5, 1, 10, "d5"], ["6-1", 6, 1, 30, "d6"], ["7-1", 7, 1, 80, "d7"],
    ].map(([id, datasetId, version, rows, label]) => ({ id, datasetId: String(datasetId), version, rows: String(rows), root: h(`root:${label}`), uri: `0g://${label}` }))),
    tasks: page([
      { id: "1", ...taskBase, status: "Settled", totalRounds: 1, maxNodes: 3, stake: "100", budget: "1000", currentRound: 1, activeMembers: 3, memberCount: 3, staked: "300", slashed: "0", stakesWithdrawn: "100", pool: "1000", payoutRoot, payoutTotal: "1000", claimed: "900", claimCount: 3, refunded: "0", settlementCount: 1 },
      { id: "2", ...taskBase, status: "Running", totalRounds: 2, maxNodes: 4, stake: "50", budget: "500", currentRound: 1, activeMembers: 2, memberCount: 3, staked: "150", slashed: "50", stakesWithdrawn: "0", pool: "550", payoutRoot: null, payoutTotal: null, claimed: "0", claimCount: 0, refunded: "0", settlementCount: 0 },
      { id: "3", ...taskBase, kind: "FHE", schemaId: "2", fheKeyId: h("key:k1"), status: "Cancelled", totalRounds: 1, minNodes: 1, maxNodes: 1, stake: "10", budget: "500", currentRound: 0, activeMembers: 0, memberCount: 0, staked: "0", slashed: "0", stakesWithdrawn: "0", pool: "500", payoutRoot: null, payoutTotal: null, claimed: "0", claimCount: 0, refunded: "500", settlementCount: 0 },
      { id: "4", ...taskBase, status: "Settled", totalRounds: 1, maxNodes: 4, stake: "10", budget: "100", currentRound: 1, activeMembers: 3, memberCount: 4, staked: "40", slashed: "10", stakesWithdrawn: "0", pool: "110", payoutRoot: task4Roots.final, payoutTotal: "100", claimed: "0", claimCount: 0, refunded: "0", settlementCount: 1, disputeCount: 1 },
      { id: "5", ...fheBase, status: "Abandoned", currentRound: 1, activeMembers: 1, memberCount: 1, staked: "10", shareCount: 2 },
      { id: "6", ...fheBase, status: "Cancelled", currentRound: 0, activeMembers: 0, memberCount: 0, staked: "0", shareCount: 0 },
    ].map((t) => ({ committeeId: null, shareCount: 0, ...t, rewardToken: s.rewardToken }))),
    members: page(sortBy([
      member(1, n2, 1, 1, "sa:n2", 100, "Withdrawn", 1, 55), member(1, n3, 2, 2, "sa:n3", 100, "Active", 1, 60), member(1, n4, 3, 3, "sa:n4", 100, "Active", 1, 40),
      member(2, n2, 1, 1, "sa2:n2", 50, "Active", 1, 55), member(2, n3, 2, 2, "sa2:n3", 50, "Active", 1, 60), member(2, n4, 3, 3, "sa2:n4", 50, "Slashed", 0, 0, 1),
      member(4, n2, 1, 1, "sa4:n2", 10, "Active", 2, 110), member(4, n3, 2, 2, "sa4:n3", 10, "Active", 2, 120), member(4, n4, 3, 3, "sa4:n4", 10, "Active", 2, 80),
      member(4, n7, 6, 4, "sa4:n7", 10, "Slashed", 1, 30, 1), member(5, n7, 0, 1, "sa5:n7", 10, "Active", 1, 80),
    ], (m) => m.id)),
    rounds: page([
      { id: "1-1", taskId: "1", round: 1, attempt: 0, attemptCount: 1, members: 3, submissions: 3, revealCount: 0, samples: "155", finalized: true, modelRoot: h("model:1:1"), lossE6: "523000", accuracyE6: "912345", loss: 0.523, accuracy: 0.912345 },
      { id: "2-1", taskId: "2", round: 1, attempt: 0, attemptCount: 1, members: 3, submissions: 2, revealCount: 0, samples: "115", finalized: false, modelRoot: null, lossE6: null, accuracyE6: null, loss: null, accuracy: null },
      { id: "4-1", taskId: "4", round: 1, attempt: 1, attemptCount: 2, members: 4, submissions: 3, revealCount: 3, samples: "155", finalized: true, modelRoot: h("model:4:1"), lossE6: "400000", accuracyE6: "800000", loss: 0.4, accuracy: 0.8 },
      { id: "5-1", taskId: "5", round: 1, attempt: 0, attemptCount: 1, members: 1, submissions: 1, revealCount: 0, samples: "80", finalized: false, modelRoot: null, lossE6: null, accuracyE6: null, loss: null, accuracy: null },
    ]),
    roundAttempts: page([
      { id: "1-1-0", roundId: "1-1", attempt: 0, members: 3, submissions: 3, revealCount: 0, samples: "155", finalized: true, restarted: false },
      { id: "2-1-0", roundId: "2-1", attempt: 0, members: 3, submissions: 2, revealCount: 0, samples: "115", finalized: false, restarted: false },
      { id: "4-1-0", roundId: "4-1", attempt: 0, members: 4, submissions: 4, revealCount: 0, samples: "185", finalized: false, restarted: true },
      { id: "4-1-1", roundId: "4-1", attempt: 1, members: 4, submissions: 3, revealCount: 3, samples: "155", finalized: true, restarted: false },
      { id: "5-1-0", roundId: "5-1", attempt: 0, members: 1, submissions: 1, revealCount: 0, samples: "80", finalized: false, restarted: false },
    ]),
    updates: page(sortBy([
      upd(1, n2, "update:1:n2", 55), upd(1, n3, "update:1:n3", 60), upd(1, n4, "update:1:n4", 40), upd(2, n2, "update:2:n2", 55), upd(2, n3, "update:2:n3", 60),
      upd(4, n2, "update:4:0:n2", 55), upd(4, n3, "update:4:0:n3", 60), upd(4, n4, "update:4:0:n4", 40), upd(4, n7, "update:4:0:n7", 30),
      upd(4, n2, "update:4:1:n2", 55, 1), upd(4, n3, "update:4:1:n3", 60, 1), upd(4, n4, "update:4:1:n4", 40, 1),
      upd(5, n7, "result:5", 80),
    ], (u) => u.id)),
    reveals: page(sortBy(([[n2, "n2"], [n3, "n3"], [n4, "n4"]] as const).map(([a, label]) => ({ id: `4-1-1-${a.address}`, attemptId: "4-1-1", node: a.address, revealRoot: h(`reveal:4:${label}`) })), (r) => r.id)),
    settlements: page([
      { taskId: "1", index: 1, settler: creator.address, payoutRoot, total: "1000", disputedBy: null, resolvedRoot: null, resolvedTotal: null },
      { taskId: "4", index: 1, settler: creator.address, payoutRoot: task4Roots.disputed, total: "100", disputedBy: n2.address, resolvedRoot: task4Roots.final, resolvedTotal: "100" },
    ]),
    disputes: page([{ id: `4-${n2.address}`, taskId: "4", member: n2.address, proposedRoot: task4Roots.final, proposedTotal: "100" }]),
    claims: page([
      { id: "1-0", taskId: "1", account: n2.address, leafIndex: "0", amount: "300" },
      { id: "1-1", taskId: "1", account: n3.address, leafIndex: "1", amount: "350" },
      { id: "1-2", taskId: "1", account: n4.address, leafIndex: "2", amount: "250" },
    ]),
    slashings: page(sortBy([
      { id: `2-${n4.address}`, taskId: "2", memberId: `2-${n4.address}`, node: n4.address, round: 1, amount: "50", slasher: deployer.address },
      { id: `4-${n7.address}`, taskId: "4", memberId: `4-${n7.address}`, node: n7.address, round: 1, amount: "10", slasher: creator.address },
    ], (x) => x.id)),
    refunds: page([{ taskId: "3", creator: creator.address, amount: "500" }]),
    fheInputs: page([
      { id: "3-4", taskId: "3", datasetId: "4", position: 0, keyId: h("key:k1") },
      { id: "5-7", taskId: "5", datasetId: "7", position: 0, keyId: COMMITTEE_KEY },
      { id: "6-7", taskId: "6", datasetId: "7", position: 0, keyId: COMMITTEE_KEY },
    ]),
    accounts: page(sortBy([
      acct(creator, { taskCount: 6, budgeted: 2300, refunded: 500, datasetCount: 1, credited: 20, creditsWithdrawn: 20 }),
      acct(n2, { earned: 300, claimCount: 1, staked: 160, stakesWithdrawn: 100, datasetCount: 2, membershipCount: 3, updateCount: 4, committeeSeats: 1, committeeStaked: 20 }),
      acct(n3, { earned: 350, claimCount: 1, staked: 160, datasetCount: 2, membershipCount: 3, updateCount: 4, committeeSeats: 2, committeeStaked: 25 }),
      acct(n4, { earned: 250, claimCount: 1, staked: 160, slashed: 50, datasetCount: 1, membershipCount: 3, updateCount: 3, committeeSeats: 1, committeeStaked: 20, committeeSlashed: 20 }),
      acct(n7, { staked: 20, slashed: 10, datasetCount: 1, membershipCount: 2, updateCount: 2, committeeSeats: 1 }),
    ], (a) => a.id)),
    committees: page([
      { id: "1", creator: creator.address, seed: s.committees.seeds[0], status: "Broken", memberCount: 3, threshold: 3, commits: 3, confirmations: 3, stakeToken: s.rewardToken,
        stake: "20", staked: "60", slashed: "20", stakesWithdrawn: "0", keyId: COMMITTEE_KEY, keysRoot: COMMITTEE_KEYS_ROOT, shareCount: 2, taskCount: 2 },
      { id: "2", creator: creator.address, seed: s.committees.seeds[1], status: "Failed", memberCount: 2, threshold: 2, commits: 1, confirmations: 0, stakeToken: s.rewardToken,
        stake: "5", staked: "5", slashed: "0", stakesWithdrawn: "5", keyId: null, keysRoot: null, shareCount: 0, taskCount: 0 },
    ].map((c) => ({ ...c, unbondingPeriod: s.committees.unbondingPeriod }))),
    committeeMembers: page(sortBy([
      seat(1, n2, 1, "keyshare:1:n2", 20, { confirmed: true, shareCount: 1 }),
      seat(1, n3, 2, "keyshare:1:n3", 20, { confirmed: true, shareCount: 1 }),
      seat(1, n4, 3, "keyshare:1:n4", 20, { confirmed: true, slashed: true, slashedTaskId: "5", slashedTo: creator.address }),
      seat(2, n3, 1, "keyshare:2:n3", 5, { withdrawn: true }),
      seat(2, n7, 2, null, 0, { committed: false }),
    ], (m) => m.id)),
    fheKeys: page(sortBy([{ id: h("key:k1"), committeeId: null, taskIds: ["3"] }, { id: COMMITTEE_KEY, committeeId: "1", taskIds: ["5", "6"] }], (k) => k.id)),
    decryptionShares: page(sortBy([
      { id: `5-0-${n2.address}`, taskId: "5", attempt: 0, attemptId: "5-1-0", committeeId: "1", committeeMemberId: `1-${n2.address}`, member: n2.address, root: h("share:5:n2"), declined: false },
      { id: `5-0-${n3.address}`, taskId: "5", attempt: 0, attemptId: "5-1-0", committeeId: "1", committeeMemberId: `1-${n3.address}`, member: n3.address, root: h("decline:5:n3"), declined: true },
    ], (d) => d.id)),
  };
}

/** The exact result of each example of docs/graphql.md after `runScenario`, by operation name. */
export function expectedExamples(s: Scenario): Record<string, unknown> {
  const { creator, n2, n3, n4, n7, payoutRoot } = s;
  return {
    DatasetsBySchemaAndOwner: {
      datasets: {
        totalCount: 1,
        items: [{
          id: "1", version: 2, rows: "55", encryption: "None", root: h("root:d1v2"), manifestRoot: h("manifest:d1v2"), uri: "0g://d1v2", taskCount: 3,
          versions: { items: [{ version: 1, rows: "50", uri: "0g://d1" }, { version: 2, rows: "55", uri: "0g://d1v2" }] },
        }],
      },
    },
    SchemaWithDatasets: {
      schema: {
        hash: h("schema:iris"), uri: "0g://schema-iris", datasetCount: 5, taskCount: 3,
        datasets: { items: [
          { id: "1", owner: n2.address, rows: "55", retired: false }, { id: "2", owner: n3.address, rows: "60", retired: false },
          { id: "3", owner: n4.address, rows: "40", retired: false }, { id: "5", owner: n3.address, rows: "10", retired: true },
          { id: "6", owner: n7.address, rows: "30", retired: false },
        ] },
      },
    },
    TaskDetail: {
      task: {
        id: "1", kind: "FL", status: "Settled", creator: creator.address, aggregator: creator.address, totalRounds: 1, currentRound: 1,
        stake: "100", budget: "1000", pool: "1000", payoutRoot, payoutTotal: "1000", claimed: "900", schema: { id: "1" },
        members: { items: [
          { node: n2.address, joinIndex: 1, status: "Withdrawn", samples: "55", dataset: { id: "1", rows: "55", version: 2 } },
          { node: n3.address, joinIndex: 2, status: "Active", samples: "60", dataset: { id: "2", rows: "60", version: 1 } },
          { node: n4.address, joinIndex: 3, status: "Active", samples: "40", dataset: { id: "3", rows: "40", version: 1 } },
        ] },
        rounds: { items: [{
          round: 1, attempt: 0, submissions: 3, samples: "155", finalized: true, modelRoot: h("model:1:1"), loss: 0.523, accuracy: 0.912345,
          updates: { items: sortBy([
            { node: n2.address, updateRoot: h("update:1:n2"), samples: "55" },
            { node: n3.address, updateRoot: h("update:1:n3"), samples: "60" },
            { node: n4.address, updateRoot: h("update:1:n4"), samples: "40" },
          ], (u) => u.node) },
        }] },
        settlements: { items: [{ index: 1, payoutRoot, total: "1000", disputedBy: null }] },
      },
    },
    ActiveTasks: {
      tasks: { items: [{ id: "2", status: "Running", currentRound: 1, activeMembers: 2, memberCount: 3, slashed: "50", pool: "550", slashes: { items: [{ node: n4.address, round: 1, amount: "50" }] } }] },
    },
    AccountEarnings: {
      account: {
        earned: "300", claimCount: 1, staked: "160", slashed: "0", stakesWithdrawn: "100", datasetCount: 2, membershipCount: 3, updateCount: 4,
        claims: { items: [{ taskId: "1", leafIndex: "0", amount: "300", block: String(s.claimBlocks[0]) }] },
        memberships: { items: [{ taskId: "1", status: "Withdrawn", stake: "100" }, { taskId: "2", status: "Active", stake: "50" }, { taskId: "4", status: "Active", stake: "10" }] },
      },
    },
    CommitteeWithMembers: {
      committee: {
        status: "Broken", memberCount: 3, threshold: 3, keyId: COMMITTEE_KEY, keysRoot: COMMITTEE_KEYS_ROOT, stake: "20", slashed: "20", shareCount: 2,
        members: { items: [
          { index: 1, account: n2.address, committed: true, confirmed: true, slashed: false, slashedTaskId: null, shareCount: 1 },
          { index: 2, account: n3.address, committed: true, confirmed: true, slashed: false, slashedTaskId: null, shareCount: 1 },
          { index: 3, account: n4.address, committed: true, confirmed: true, slashed: true, slashedTaskId: "5", shareCount: 0 },
        ] },
        tasks: { items: [{ id: "5", status: "Abandoned" }, { id: "6", status: "Cancelled" }] },
      },
    },
    TaskDecryptionShares: {
      task: {
        kind: "FHE", status: "Abandoned", fheKeyId: COMMITTEE_KEY, committee: { id: "1", status: "Broken", threshold: 3 },
        shares: { items: sortBy([
          { member: n2.address, attempt: 0, root: h("share:5:n2"), declined: false },
          { member: n3.address, attempt: 0, root: h("decline:5:n3"), declined: true },
        ], (x) => x.member) },
      },
    },
    TopEarners: {
      accounts: { items: [{ id: n3.address, earned: "350", claimCount: 1 }, { id: n2.address, earned: "300", claimCount: 1 }, { id: n4.address, earned: "250", claimCount: 1 }] },
    },
  };
}

/**
 * Development account 5 registers datasets (schema 2) one block at a time; once the indexer has indexed 3 of
 * them it is SIGKILLed and restarted on the same database while the registrations go on, then 5 more are sent and
 * the restarted indexer is waited for until it reaches the chain head.
 */
export async function crashWhileProducing(chain: ScenarioChain & { env: Record<string, string> }, indexer: Indexer) {
  const producer = actor(chain, 5);
  const countAbi = [{ type: "function", name: "datasetCount", inputs: [], outputs: [{ type: "uint256" }], stateMutability: "view" }] as const;
  const firstId = Number(await chain.publicClient.readContract({ address: chain.addresses.datasetIndex, abi: countAbi, functionName: "datasetCount" })) + 1;
  const schemaDatasetsBefore = (await indexer.query<{ schema: { datasetCount: number } }>(`{ schema(id: "2") { datasetCount } }`)).schema.datasetCount;
  let produced = 0;
  let stopAt = Infinity;
  const production = (async () => {
    while (produced < stopAt) {
      const i = produced;
      await producer.registerDataset({ schemaId: 2n, root: h(`root:p${i}`), manifestRoot: h(`manifest:p${i}`), rows: BigInt(i + 1), uri: `0g://p${i}` });
      produced++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const indexedByProducer = async () =>
    (await indexer.query<{ datasets: { totalCount: number } }>(`{ datasets(where: { owner: "${producer.address}" }) { totalCount } }`)).datasets.totalCount;
  await waitFor("the indexer to index 3 of the producer's datasets", async () => (await indexedByProducer()) >= 3 || undefined, 60_000, 50);
  await indexer.stop("SIGKILL");
  const producedAtKill = produced;
  // At least one registration while the indexer is down, whatever the load (the producer is its own loop).
  await waitFor("a registration while the indexer is down", async () => produced > producedAtKill || undefined, 60_000, 20);
  const restarted = await startIndexer({ chain, database: indexer.database, schema: indexer.schema, waitUntilSynced: false });
  const producedAtRestart = produced;
  stopAt = produced + 5;
  try {
    await production;
    await restarted.waitForBlock();
  } catch (err) {
    await restarted.stop("SIGKILL");
    throw err;
  }
  return { indexer: restarted, producer, produced, producedAtKill, producedAtRestart, firstId, schemaDatasetsBefore };
}

/** Checks that the restarted indexer of `crashWhileProducing` has every produced row once and the scenario intact. */
export async function assertCrashRecovered(run: Awaited<ReturnType<typeof crashWhileProducing>>, scenario: Scenario): Promise<void> {
  const { indexer, producer, produced: n } = run;
  assert.ok(run.producedAtRestart > run.producedAtKill, "events were produced while the indexer was down");
  assert.match(indexer.output(), /released its lock/, "the crashed run's lock was released at once");
  const result = await indexer.query<any>(`{
    datasets(where: { owner: "${producer.address}" }, orderBy: "id", limit: 1000) { totalCount items { id rows version } }
    datasetVersions(where: { datasetId_gte: "${run.firstId}" }) { totalCount }
    account(id: "${producer.address}") { datasetCount }
    schema(id: "2") { datasetCount }
  }`);
  assert.equal(result.datasets.totalCount, n);
  assert.deepEqual(result.datasets.items, Array.from({ length: n }, (_, i) => ({ id: String(run.firstId + i), rows: String(i + 1), version: 1 })));
  assert.equal(result.datasetVersions.totalCount, n);
  assert.deepEqual(result.account, { datasetCount: n });
  assert.deepEqual(result.schema, { datasetCount: run.schemaDatasetsBefore + n });
  // What was indexed before the crash was not replayed into the totals.
  const state = await indexer.query<any>(stateQuery);
  const expected = expectedState(scenario);
  const scenarioAccounts = new Set(expected.accounts.items.map((a) => a.id));
  assert.deepEqual(state.accounts.items.filter((a: { id: string }) => scenarioAccounts.has(a.id as Address)), expected.accounts.items);
  assert.deepEqual(state.tasks, expected.tasks);
  assert.deepEqual(state.claims, expected.claims);
}

export type ServeReplicas = { url: string; port: number; process: Spawned; stop: () => Promise<void> };

/**
 * Starts `npm run indexer:serve`'s launcher (indexer/lib/replicas.ts) on a free port: `replicas` `ponder serve`
 * processes reading `schema` (a views schema or the schema of a `ponder start` instance) on PostgreSQL `url`, and
 * waits until all of them serve. Fails at once with the output when the launcher exits.
 * @example const reads = await startServeReplicas({ chain, url, schema: "views" }); await fetch(`${reads.url}/graphql`, …)
 */
export async function startServeReplicas(options: { chain: { env: Record<string, string> }; url: string; schema: string; replicas?: number; env?: Record<string, string>; timeoutMs?: number }): Promise<ServeReplicas> {
  const port = await freePort();
  const replicas = options.replicas ?? 2;
  const child = spawnGroup(process.execPath, [path.join(indexerDir, "lib/replicas.ts")], {
    cwd: indexerDir,
    env: { ...(process.env as Record<string, string>), ...options.chain.env, DATABASE_URL: options.url, PONDER_SCHEMA: options.schema, INDEXER_REPLICAS: String(replicas), PORT: String(port), ...options.env },
  });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const ready = new RegExp(`${replicas} ponder serve replicas on http://127\\.0\\.0\\.1:${port}`);
  while (!ready.test(child.output())) {
    if (child.child.exitCode !== null || Date.now() > deadline) {
      await child.stop("SIGKILL");
      throw new Error(`indexer:serve ${child.child.exitCode !== null ? `exited (code ${child.child.exitCode})` : "did not start in time"}:\n${child.output().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `http://127.0.0.1:${port}`, port, process: child, stop: () => child.stop("SIGINT") };
}
