// The node operator pathway end to end on a real local chain: `2pm task create`, `2pm node run` (one OS process per
// node) and `2pm aggregate` (one process) sharing one --home (one local store). Penguins split by Island; the
// federated model is compared with a centralized one; a node SIGKILLed mid-task is recovered by seed reveals
// and slashed; bad input is refused before any transaction; stored masked updates leak nothing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Address, Hex } from "viem";
import { rewardTokenAbi, trainingTasksAbi } from "../../src/chain/abis.ts";
import { connect, write, type ChainContext } from "../../src/chain/client.ts";
import { getEvents } from "../../src/chain/events.ts";
import { readRound, readTask, registerDataset, taskWrite } from "../../src/chain/tasks.ts";
import { buildManifest, fitStandardizer, loadRows, loadSchema, splitBy, standardize, standardizedCsv, trainTestSplit, validateRows } from "../../src/data/index.ts";
import type { RawRow, Schema, StandardizationStats } from "../../src/data/index.ts";
import {
  decodeRoundModel, decodeUpdate, evaluate, initParams, modelDelta, parseModelSpec, quantizeUpdate, sumUpdates, trainLocal, type ModelSpec,
} from "../../src/fl/index.ts";
import { uncachedContext } from "../../src/fl/runner/chainView.ts";
import { selectFeatures } from "../../src/fl/runner/prepareNode.ts";
import { localStore, putJson, type LocalStore } from "../../src/storage/index.ts";
import { cliPath, cliRunner, expectExit, jsonOf, tempHome, type CliResult } from "../helpers/cli.ts";
import { projectRoot, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { spawnGroup, waitFor, type Spawned } from "../helpers/processes.ts";

const E18 = 10n ** 18n;
const CREATOR = 1;
const AGGREGATOR = 2;
const NODES = [3, 4, 5];
const FOURTH = 6;
const OTHER_SCHEMA_OWNER = 7;
const ROUND_S = 15;

let chain: LocalChain;
let home: string;
let dataDir: string;
let store: LocalStore;
let cli: (...args: string[]) => Promise<CliResult>;
let schema: Schema;
let spec: ModelSpec;
let stats: StandardizationStats;
let testRows: RawRow[];
let trainRows: RawRow[];
const contexts = new Map<number, ChainContext>();
const datasetOf = new Map<number, bigint>();
const dataFileOf = new Map<number, string>();
const rowsOf = new Map<number, RawRow[]>();
const processes: Spawned[] = [];

const ctx = (i: number) => contexts.get(i)!;
// Event reads right after a state change must not use a cached block number.
let reader: ChainContext;
const addr = (i: number): Address => chain.account(i).address;
function taskArgs() {
  return ["--schema", "1", "--budget", "1000", "--stake", "10", "--round-duration", String(ROUND_S), "--reveal-duration", String(ROUND_S),
    "--aggregator-window", "600", "--challenge-window", "60", "--aggregator", addr(AGGREGATOR)];
}

/** Starts `2pm <args>` as a long-running process in its own group (so the test can SIGKILL it). */
function start(args: string[]): Spawned & { exited: Promise<number | null> } {
  const p = spawnGroup(process.execPath, [cliPath, "--home", home, ...args], { cwd: projectRoot, env: { ...process.env, ...chain.env, NO_COLOR: "1" } });
  processes.push(p);
  const exited = new Promise<number | null>((resolve) => p.child.once("exit", (code) => resolve(code)));
  return { ...p, exited };
}

async function withTimeout<T>(what: string, p: Promise<T>, ms: number, logs: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out\n${logs()}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function registerNodeData(owner: number, rows: RawRow[], label: string): Promise<bigint> {
  const table = standardize(validateRows(rows, schema), schema, stats);
  const contentRoot = await store.put(new TextEncoder().encode(standardizedCsv(table)));
  const manifestRoot = await putJson(store, buildManifest({ schema, table, standardization: stats, contentRoot }));
  const { datasetId } = await registerDataset(ctx(owner), { schemaId: 1n, root: contentRoot, manifestRoot, rows: BigInt(table.features.rows), encryption: "none", uri: `penguins:${label}` });
  const file = path.join(dataDir, `${label}.json`);
  await writeFile(file, JSON.stringify(rows));
  datasetOf.set(owner, datasetId);
  dataFileOf.set(owner, file);
  rowsOf.set(owner, rows);
  return datasetId;
}

const events = (eventName: string, args: Record<string, unknown>) =>
  getEvents(reader, { address: chain.addresses.trainingTasks, abi: trainingTasksAbi, eventName, args });

async function createTask(rounds: number, maxNodes: number, specFile = "specs/penguins-logreg.json"): Promise<bigint> {
  const r = expectExit(await cli("--json", "task", "create", "--spec", specFile, "--rounds", String(rounds), "--min-nodes", "3",
    "--max-nodes", String(maxNodes), ...taskArgs(), "-a", String(CREATOR)));
  return BigInt(jsonOf<{ taskId: string }>(r).taskId);
}

const nodeArgs = (taskId: bigint, i: number) =>
  ["node", "run", "--task", String(taskId), "--data", dataFileOf.get(i)!, "--dataset", String(datasetOf.get(i)!), "-a", String(i)];

before(async () => {
  chain = await startLocalChain();
  home = await tempHome("2pm-fl-");
  dataDir = await tempHome("2pm-fl-data-");
  store = localStore(path.join(home, "store"));
  cli = cliRunner({ env: chain.env, home });
  process.env.LOCALHOST_RPC_URL = chain.rpcUrl;
  for (let i = 0; i < 9; i++) contexts.set(i, await connect({ network: "localhost", root: chain.root, accountIndex: i }));

  reader = uncachedContext(ctx(0));
  schema = await loadSchema(path.join(projectRoot, "schemas/penguins.schema.json"));
  spec = parseModelSpec(await (await import("node:fs/promises")).readFile(path.join(projectRoot, "specs/penguins-logreg.json")));
  const reg = expectExit(await cli("--json", "schema", "register", "schemas/penguins.schema.json", "-a", String(CREATOR)));
  assert.equal(jsonOf<{ schemaId: string }>(reg).schemaId, "1");

  // A deterministic held-out test set; the training rows are split by Island into the three nodes' private data.
  const penguins = await loadRows(path.join(projectRoot, "node_modules/vega-datasets/data/penguins.json"));
  ({ train: trainRows, test: testRows } = trainTestSplit(penguins, { testFraction: 0.25, seed: 2024 }));
  // The task's shared standardization (published in every manifest): fitted on the union of the training rows.
  stats = fitStandardizer(validateRows(trainRows, schema), schema);
  const islands = [...splitBy(trainRows, "Island").entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [n, [island, rows]] of islands.entries()) await registerNodeData(NODES[n], rows, island);
  await registerNodeData(FOURTH, trainRows.slice(0, 80), "first-80");

  const mint = (to: number, amount: bigint) =>
    write(ctx(0), { address: chain.addresses.rewardToken, abi: rewardTokenAbi, functionName: "mint", args: [addr(to), amount] }, "mint");
  await mint(CREATOR, 10_000n * E18);
  for (const i of [...NODES, FOURTH, OTHER_SCHEMA_OWNER]) await mint(i, 1_000n * E18);
});

after(async () => {
  for (const p of processes) await p.stop("SIGKILL");
  await chain?.stop();
  for (const dir of [home, dataDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("federated learning end to end", () => {
  test("3 nodes (one island each) train 3 rounds with secure aggregation; the model matches centralized training", async () => {
    const taskId = await createTask(3, 3);
    const shown = jsonOf<{ status: string; params: { rounds: number } }>(expectExit(await cli("--json", "task", "show", "--task", String(taskId))));
    assert.equal(shown.status, "Open");

    const aggregator = start(["aggregate", "--task", String(taskId), "-a", String(AGGREGATOR)]);
    const nodes = NODES.map((i) => start(nodeArgs(taskId, i)));
    const logs = () => [aggregator, ...nodes].map((p) => p.output().slice(-3000)).join("\n---\n");
    const codes = await withTimeout("the 3-node task", Promise.all([aggregator.exited, ...nodes.map((n) => n.exited)]), 90_000, logs);
    assert.deepEqual(codes, [0, 0, 0, 0], logs());

    // One progress line per round from the aggregator and from every node.
    const aggLines = aggregator.output().split("\n").filter((l) => /^round \d attempt 0: 3 submissions/.test(l));
    assert.equal(aggLines.length, 3, aggregator.output());
    for (const n of nodes) assert.equal(n.output().split("\n").filter((l) => /^round \d attempt 0: trained on/.test(l)).length, 3, n.output());

    const task = await readTask(ctx(0), taskId);
    assert.equal(task.status, "Finished");
    const finalized = await events("RoundFinalized", { taskId });
    assert.deepEqual(finalized.map((l) => Number(l.args.round)), [1, 2, 3]);
    assert.ok(finalized.every((l) => Number(l.args.submissions) === 3 && Number(l.args.accuracyE6) > 800_000));

    // Held-out accuracy of the federated model vs logistic regression trained centrally on the union.
    const model = decodeRoundModel(await store.get(finalized[2].args.modelRoot as Hex));
    const test = selectFeatures(spec, standardize(validateRows(testRows, schema), schema, stats));
    const union = selectFeatures(spec, standardize(validateRows(trainRows, schema), schema, stats));
    const central = trainLocal({ ...spec, epochs: spec.epochs * 3 }, initParams(spec), union);
    const fedAcc = evaluate(spec, model.params, test).accuracy;
    const centralAcc = evaluate(spec, central.params, test).accuracy;
    assert.ok(Math.abs(fedAcc - centralAcc) <= 0.01 + 1e-12, `federated ${fedAcc} vs centralized ${centralAcc}`);
    assert.ok(fedAcc > 0.95, `federated accuracy ${fedAcc}`);

    // Adversarial view: the stored masked updates vs the true updates (recomputed here from the nodes' data).
    const masked: number[] = [];
    const plain: number[] = [];
    for (const round of [1, 2, 3]) {
      const global = round === 1 ? initParams(spec) : decodeRoundModel(await store.get(finalized[round - 2].args.modelRoot as Hex)).params;
      const ups = await events("UpdateSubmitted", { taskId, round });
      const ys: Int32Array[] = [];
      const xs: Int32Array[] = [];
      for (const u of ups) {
        const i = NODES.find((k) => addr(k).toLowerCase() === (u.args.node as string).toLowerCase())!;
        const member = task.members.find((m) => m.node === addr(i))!;
        const table = selectFeatures(spec, standardize(validateRows(rowsOf.get(i)!, schema), schema, stats));
        const trained = trainLocal(spec, global, table, { round, node: member.joinIndex });
        const x = quantizeUpdate(spec, { delta: modelDelta(trained.params, global), samples: trained.samples, maxTotalSamples: 400 });
        const y = decodeUpdate(await store.get(u.args.updateRoot as Hex));
        assert.equal(y.header.masked, true);
        ys.push(y.vector);
        xs.push(x);
        masked.push(...y.vector);
        plain.push(...x);
      }
      assert.deepEqual(sumUpdates(ys), sumUpdates(xs), `round ${round}: Σ masked ≠ Σ plain`);
    }
    const r = correlation(masked, plain);
    assert.ok(Math.abs(r) < 0.25, `corr(masked, plain) = ${r} over ${masked.length} values`);

    // A restarted node resumes from its key and state files: no second join, nothing sent, exits at once.
    const nonce = await chain.publicClient.getTransactionCount({ address: addr(NODES[0]) });
    const [again, human] = (await Promise.all([cli(...nodeArgs(taskId, NODES[0])), cli("task", "show", "--task", String(taskId))])).map((x) => expectExit(x));
    assert.match(human.stdout, new RegExp(`^task ${taskId}: Finished, federated, round 3/3`));
    assert.match(human.stdout, /logreg on 6 features → Species/);
    assert.match(again.stdout, /resuming task \d+/);
    assert.match(again.stdout, /task is Finished: node done/);
    assert.equal(await chain.publicClient.getTransactionCount({ address: addr(NODES[0]) }), nonce);
  });

  test("bad input: wrong-schema data, a dataset that is not the caller's — refused with one line and no transaction", async () => {
    const taskId = await createTask(1, 3);
    const nonce = () => chain.publicClient.getTransactionCount({ address: addr(NODES[0]) });
    const before = await nonce();
    const wrong = path.join(dataDir, "iris.json");
    await writeFile(wrong, JSON.stringify([{ sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2, species: "setosa" }]));
    const results = await Promise.all([
      cli("node", "run", "--task", String(taskId), "--data", wrong, "--dataset", String(datasetOf.get(NODES[0])), "-a", String(NODES[0])),
      cli("node", "run", "--task", String(taskId), "--data", dataFileOf.get(NODES[1])!, "--dataset", String(datasetOf.get(NODES[1])), "-a", String(NODES[0])),
      cli("node", "run", "--task", String(taskId), "--data", dataFileOf.get(NODES[1])!, "--dataset", String(datasetOf.get(NODES[0])), "-a", String(NODES[0])),
    ]);
    for (const res of results) {
      assert.equal(res.code, 1, `${res.args.join(" ")}\n${res.stdout}\n${res.stderr}`);
      assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
      assert.match(res.stderr, /^error: /);
    }
    assert.match(results[1].stderr, /belongs to/);
    assert.match(results[2].stderr, /not the data registered/);
    assert.equal(await nonce(), before);

    // A spec that does not fit the schema is refused before anything is stored on chain.
    const creatorNonce = await chain.publicClient.getTransactionCount({ address: addr(CREATOR) });
    const badSpec = path.join(dataDir, "bad-spec.json");
    await writeFile(badSpec, JSON.stringify({ ...spec, features: [...spec.features, "Island=Biscoe"] }));
    const refused = await cli("task", "create", "--spec", badSpec, "--rounds", "1", "--max-nodes", "3", ...taskArgs(), "-a", String(CREATOR));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error: Features not among schema 1's standardized columns: Island=Biscoe/);
    assert.equal(refused.stderr.trim().split("\n").length, 1);
    assert.equal(await chain.publicClient.getTransactionCount({ address: addr(CREATOR) }), creatorNonce);
  });

  test("4 nodes, one SIGKILLed after round 1: round 2 finalizes through seed reveals and the dead node is slashed", async () => {
    const taskId = await createTask(2, 4);
    const aggregator = start(["aggregate", "--task", String(taskId), "-a", String(AGGREGATOR)]);
    const all = [...NODES, FOURTH];
    const nodes = new Map(all.map((i) => [i, start(nodeArgs(taskId, i))]));
    const logs = () => [aggregator, ...nodes.values()].map((p) => p.output().slice(-3000)).join("\n---\n");

    // Kill the fourth node as soon as its round-1 update is on chain.
    await waitFor("the fourth node's round 1 update", async () =>
      (await events("UpdateSubmitted", { taskId, round: 1, node: addr(FOURTH) })).length > 0 || undefined, 60_000, 100);
    await nodes.get(FOURTH)!.stop("SIGKILL");
    await waitFor("round 2 with 3 updates", async () => {
      const t = await readTask(ctx(0), taskId);
      if (t.currentRound !== 2) return undefined;
      return (await readRound(ctx(0), taskId, 2)).submissions === 3 || undefined;
    }, 60_000, 200).catch((err) => assert.fail(`${err}\n${logs()}`));
    assert.equal((await events("UpdateSubmitted", { taskId, round: 2, node: addr(FOURTH) })).length, 0, "the killed node submitted round 2");

    // A submission for a round that is not the current one is refused in simulation (nothing sent).
    await assert.rejects(taskWrite(ctx(NODES[0]), "submitUpdate", [taskId, 3, `0x${"11".repeat(32)}`, 10n], "submit"), /TrainingTasksWrongRound/);

    // Only waiting for the submit deadline: move chain time instead of sleeping.
    await chain.increaseTime(ROUND_S + 1);
    const survivors = NODES.map((i) => nodes.get(i)!);
    const codes = await withTimeout("the dropout task", Promise.all([aggregator.exited, ...survivors.map((n) => n.exited)]), 90_000, logs);
    assert.deepEqual(codes, [0, 0, 0, 0], logs());

    const reveals = await events("SeedsRevealed", { taskId, round: 2 });
    assert.equal(reveals.length, 3);
    const [final] = await events("RoundFinalized", { taskId, round: 2 });
    assert.equal(Number(final.args.submissions), 3);
    for (const n of survivors) assert.match(n.output(), new RegExp(`round 2 attempt 0: revealed seeds toward ${addr(FOURTH).toLowerCase()}`));
    await taskWrite(ctx(CREATOR), "slash", [taskId, addr(FOURTH), 2], "slash");
    const [slashed] = await events("MemberSlashed", { taskId, node: addr(FOURTH) });
    assert.equal(Number(slashed.args.round), 2);
  });

  // The contract refuses restartRound while a round is finalizable on chain (every submitter revealed), so an update
  // the aggregator cannot use makes the task stall: this needs restartRound to accept an aggregator's re-run of a
  // round it cannot aggregate (see docs/fl.md "Corrupt updates").
  test("a corrupted stored update is excluded, the round is re-run with fresh seeds and the task completes", async () => {
    const taskId = await createTask(2, 4);
    const aggregator = start(["aggregate", "--task", String(taskId), "-a", String(AGGREGATOR)]);
    const nodes = new Map([...NODES, FOURTH].map((i) => [i, start(nodeArgs(taskId, i))]));
    const logs = () => [aggregator, ...nodes.values()].map((p) => p.output().slice(-3000)).join("\n---\n");
    await waitFor("the fourth node's round 1 update", async () =>
      (await events("UpdateSubmitted", { taskId, round: 1, node: addr(FOURTH) })).length > 0 || undefined, 60_000, 100);
    await nodes.get(FOURTH)!.stop("SIGKILL");
    const threeIn = (attempt: number) => waitFor(`round 2 attempt ${attempt} with 3 updates`, async () => {
      const t = await readTask(ctx(0), taskId);
      if (t.currentRound !== 2) return undefined;
      const info = await readRound(ctx(0), taskId, 2);
      return (info.attempt === attempt && info.submissions === 3) || undefined;
    }, 60_000, 200);
    await threeIn(0);
    // Corrupt NODES[0]'s stored round-2 update (the local store verifies roots on read).
    const [victim] = await events("UpdateSubmitted", { taskId, round: 2, node: addr(NODES[0]) });
    await writeFile(store.pathOf(victim.args.updateRoot as Hex), new TextEncoder().encode("corrupted"));
    await chain.increaseTime(ROUND_S + 1);
    await waitFor("the aggregator's exclusion", async () => aggregator.output().includes(`excluded ${addr(NODES[0]).toLowerCase()}`) || undefined, 60_000, 200)
      .catch((err) => assert.fail(`${err}\n${logs()}`));
    assert.match(aggregator.output(), /root|tampered|corrupt/);
    await chain.increaseTime(ROUND_S + 1);
    const aggregatorDied = aggregator.exited.then((code) => Promise.reject(new Error(`the aggregator exited (${code}) instead of restarting the round`)));
    await Promise.race([
      waitFor("RoundRestarted", async () => (await events("RoundRestarted", { taskId, round: 2 })).length > 0 || undefined, 30_000, 200),
      aggregatorDied,
    ]).catch((err) => assert.fail(`${err}\n${logs()}`));
    aggregatorDied.catch(() => {});
    await threeIn(1);
    await chain.increaseTime(ROUND_S + 1);
    const survivors = NODES.map((i) => nodes.get(i)!);
    const codes = await withTimeout("the re-run task", Promise.all([aggregator.exited, ...survivors.map((n) => n.exited)]), 60_000, logs);
    assert.deepEqual(codes, [0, 0, 0, 0], logs());
    const [final] = await events("RoundFinalized", { taskId, round: 2 });
    assert.equal(Number(final.args.attempt), 1);
  });
});

function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let k = 0; k < n; k++) {
    sab += (a[k] - ma) * (b[k] - mb);
    saa += (a[k] - ma) ** 2;
    sbb += (b[k] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
