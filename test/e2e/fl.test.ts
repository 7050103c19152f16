// The node operator pathway end to end on a real local chain: `2pm task create`, `2pm node run` (one OS process per
// node) and `2pm aggregate` (one process) sharing one --home (one local store). Penguins split by Island; the
// federated model is compared with a centralized one; a node SIGKILLed mid-task is recovered by seed reveals
// and slashed; bad input is refused before any transaction; stored masked updates leak nothing; a DP task adds
// noise before masking (checked on the unmasked sum) and reports ε.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, stat, writeFile, rm } from "node:fs/promises";
import path from "node:path";
import { hexToBytes, type Address, type ContractEventArgs, type ContractEventName, type Hex } from "viem";
import { rewardTokenAbi, trainingTasksAbi } from "../../src/chain/abis.ts";
import { connect, type ChainContext } from "../../src/chain/client.ts";
import { write } from "../../src/chain/write.ts";
import { getEvents } from "../../src/chain/getEvents.ts";
import { readDataset } from "../../src/chain/datasets/readDataset.ts";
import { registerDataset } from "../../src/chain/datasets/registerDataset.ts";
import { retireDataset } from "../../src/chain/datasets/retireDataset.ts";
import { updateDataset } from "../../src/chain/datasets/updateDataset.ts";
import { joinTask } from "../../src/chain/tasks/joinTask.ts";
import { readRound } from "../../src/chain/tasks/readRound.ts";
import { createDpTask } from "../../src/chain/tasks/dpTerms.ts";
import { readTask } from "../../src/chain/tasks/readTask.ts";
import { readTaskParams } from "../../src/chain/tasks/readTaskParams.ts";
import { taskWrite } from "../../src/chain/tasks/taskWrite.ts";
import { buildManifest, fitStandardizer, loadRows, loadSchema, splitBy, standardize, standardizedCsv, trainTestSplit, validateRows } from "../../src/data/index.ts";
import type { RawRow, Schema, StandardizationStats } from "../../src/data/index.ts";
import {
  applyServerUpdate, decodeReveal, decodeRoundModel, decodeUpdate, dpEpsilon, evaluate, evaluationRows, fedAvg, initParams, INT32_SUM_LIMIT, LOSS_CAP,
  LOSS_SCALE, maskStream, modelDelta, nodeNoiseSigma, parseModelSpec, predictProba, quantizeUpdate, sampleCapacity, splitUpdateVector, sumUpdates,
  trainLocal, type ModelSpec,
} from "../../src/fl/index.ts";
import { toE6, uncachedContext } from "../../src/fl/runner/chainView.ts";
import { nodeDir } from "../../src/fl/runner/runNode.ts";
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
// Submit and reveal windows in chain seconds. Block timestamps follow the wall clock, so a window must outlast
// what the nodes (and the test, before it tampers) do in it on a loaded machine; the tests never wait for one to
// pass: they move chain time with increaseTime(ROUND_S + 1).
const ROUND_S = 120;

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
function taskArgs(schemaRef = "1") {
  return ["--schema", schemaRef, "--budget", "1000", "--stake", "10", "--round-duration", String(ROUND_S), "--reveal-duration", String(ROUND_S),
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

const events = <eventName extends ContractEventName<typeof trainingTasksAbi>>(eventName: eventName, args: ContractEventArgs<typeof trainingTasksAbi, eventName>) =>
  getEvents(reader, { address: chain.addresses.trainingTasks, abi: trainingTasksAbi, eventName, args });

async function createTask(rounds: number, maxNodes: number, specFile = "specs/penguins-logreg.json", schemaRef = "1"): Promise<bigint> {
  const r = expectExit(await cli("--json", "task", "create", "--spec", specFile, "--rounds", String(rounds), "--min-nodes", "3",
    "--max-nodes", String(maxNodes), ...taskArgs(schemaRef), "-a", String(CREATOR)));
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
    // The schema given as the file (looked up on chain by its hash) instead of its id.
    const taskId = await createTask(3, 3, "specs/penguins-logreg.json", "schemas/penguins.schema.json");
    const shown = jsonOf<{ status: string; params: { rounds: number; schemaId: string } }>(expectExit(await cli("--json", "task", "show", "--task", String(taskId))));
    assert.equal(shown.status, "Open");
    assert.equal(Number(shown.params.schemaId), 1);

    const nodes = NODES.map((i) => start(nodeArgs(taskId, i)));
    const restarted = NODES[2];
    let aggregator: ReturnType<typeof start> | undefined;
    const logs = () => [...(aggregator ? [aggregator] : []), ...nodes].map((p) => p.output().slice(-3000)).join("\n---\n");

    // SIGKILL one node once its round-1 update is on chain and reported, and start it again: it resumes from its key
    // and state files (no second join, no second submission) and takes part in the remaining rounds. The aggregator
    // starts after the kill, so round 1 cannot end (and the node cannot move on to round 2) before it; the kill waits
    // for the node's line, which it prints after the update is on chain.
    const roundLine = /^round 1 attempt 0: received model [0-9.]+% on \d+ local held-out rows; trained on \d+ rows, .*; submitted 0x[0-9a-f]{64}$/m;
    await waitFor("the third node's round 1 update and line", async () =>
      ((await events("UpdateSubmitted", { taskId, round: 1, node: addr(restarted) })).length > 0 && roundLine.test(nodes[2].output())) || undefined, 60_000, 100)
      .catch((err) => assert.fail(`${err}\n${logs()}`));
    await nodes[2].stop("SIGKILL");
    const first = nodes[2].output();
    nodes[2] = start(nodeArgs(taskId, restarted));
    aggregator = start(["aggregate", "--task", String(taskId), "-a", String(AGGREGATOR)]);
    const codes = await withTimeout("the 3-node task", Promise.all([aggregator.exited, ...nodes.map((n) => n.exited)]), 90_000, logs);
    assert.deepEqual(codes, [0, 0, 0, 0], logs());
    assert.match(first, /joined task/);
    assert.match(nodes[2].output(), new RegExp(`resuming task ${taskId}`));
    assert.doesNotMatch(nodes[2].output(), /joined task|AlreadySubmitted|AlreadyMember/);
    assert.equal((await events("MemberJoined", { taskId, node: addr(restarted) })).length, 1);
    const updates = await events("UpdateSubmitted", { taskId });
    assert.equal(updates.length, 9, "one update per node and round");
    assert.ok(updates.every((u) => Number(u.args.attempt) === 0));

    // One progress line per round from the aggregator and from every node (the restarted one across its two runs).
    const aggLines = aggregator.output().split("\n").filter((l) =>
      /^round (\d) attempt 0: 3 submissions, \d+ samples; (initial model|round \d model) on \d+ held-out rows: loss [0-9.]+, accuracy [0-9.]+% \(local models [0-9.]+%\); model 0x/.test(l));
    assert.deepEqual(aggLines.map((l) => / (initial model|round \d model) on /.exec(l)![1]), ["initial model", "round 1 model", "round 2 model"], aggregator.output());
    const trainedLines = (out: string) => out.split("\n").filter((l) =>
      /^round \d attempt 0: received model [0-9.]+% on \d+ local held-out rows; trained on \d+ rows, .*validation loss .*; submitted 0x[0-9a-f]{64}$/.test(l)).length;
    for (const n of nodes.slice(0, 2)) assert.equal(trainedLines(n.output()), 3, n.output());
    assert.equal(trainedLines(first) + trainedLines(nodes[2].output()), 3, `${first}\n---\n${nodes[2].output()}`);

    // The node's secure-aggregation key (0600, written before joining) is the one on chain; state.json records
    // every submission.
    const dir = nodeDir(home, taskId, addr(restarted));
    assert.equal((await stat(path.join(dir, "sa-key.json"))).mode & 0o777, 0o600);
    const key = JSON.parse(await readFile(path.join(dir, "sa-key.json"), "utf8")) as { publicKey: string };
    const [joined] = await events("MemberJoined", { taskId, node: addr(restarted) });
    assert.equal(joined.args.saPublicKey, key.publicKey);
    const state = JSON.parse(await readFile(path.join(dir, "state.json"), "utf8")) as { joined: boolean; submitted: Record<string, string> };
    assert.equal(state.joined, true);
    assert.deepEqual(Object.keys(state.submitted).sort(), ["1/0", "2/0", "3/0"]);

    const task = await readTask(ctx(0), taskId);
    assert.equal(task.status, "Finished");
    const finalized = await events("RoundFinalized", { taskId });
    assert.deepEqual(finalized.map((l) => Number(l.args.round)), [1, 2, 3]);
    assert.ok(finalized.every((l) => Number(l.args.submissions) === 3));
    // What the chain reports for round r is the global model that entered it (round r−1's, fetched from storage;
    // the initial model in round 1) on the union of the nodes' held-out rows, recomputed here from their data.
    for (const [k, event] of finalized.entries()) {
      const entering = k === 0 ? initParams(spec) : decodeRoundModel(await store.get(finalized[k - 1].args.modelRoot as Hex)).params;
      await assertRoundFigures(spec, event, entering, NODES);
    }
    assert.ok(finalized.slice(1).every((l) => Number(l.args.accuracyE6) > 800_000), "the trained models' accuracy");

    // Held-out accuracy of the federated model vs logistic regression trained centrally on the union.
    const model = decodeRoundModel(await store.get(finalized[2].args.modelRoot as Hex));
    const test = selectFeatures(spec, standardize(validateRows(testRows, schema), schema, stats));
    const union = selectFeatures(spec, standardize(validateRows(trainRows, schema), schema, stats));
    const central = trainLocal({ ...spec, epochs: spec.epochs * 3 }, initParams(spec), union);
    const fedAcc = evaluate(spec, model.params, test).accuracy;
    const centralAcc = evaluate(spec, central.params, test).accuracy;
    assert.ok(Math.abs(fedAcc - centralAcc) <= 0.01 + 1e-12, `federated ${fedAcc} vs centralized ${centralAcc}`);
    assert.ok(fedAcc > 0.95, `federated accuracy ${fedAcc}`);

    // Adversarial view: what the aggregator can read (the stored masked updates + the chain) vs the true updates
    // (recomputed here from the nodes' private data). Σ masked = Σ plain exactly; no single update is recoverable.
    const masked: number[] = [];
    const plain: number[] = [];
    for (const round of [1, 2, 3]) {
      const global = round === 1 ? initParams(spec) : decodeRoundModel(await store.get(finalized[round - 2].args.modelRoot as Hex)).params;
      const ys: Int32Array[] = [];
      const xs: Int32Array[] = [];
      for (const u of await events("UpdateSubmitted", { taskId, round })) {
        const i = NODES.find((k) => addr(k).toLowerCase() === (u.args.node as string).toLowerCase())!;
        const x = plainUpdate(spec, global, rowsOf.get(i)!, round, task.members.find((m) => m.node === addr(i))!.joinIndex);
        const y = decodeUpdate(await store.get(u.args.updateRoot as Hex));
        assert.equal(y.header.masked, true);
        assertHidden(paramsOf(spec, y.vector), x, `round ${round} node ${i}`);
        ys.push(y.vector);
        xs.push(x);
        masked.push(...paramsOf(spec, y.vector));
        plain.push(...x);
      }
      // The masks cancel in the sum of whole vectors; its params block is Σ plain (its evaluation block: above).
      assert.deepEqual(paramsOf(spec, sumUpdates(ys)), sumUpdates(xs), `round ${round}: Σ masked ≠ Σ plain`);
    }
    const r = correlation(masked, plain);
    assert.ok(Math.abs(r) < 5 / Math.sqrt(masked.length), `corr(masked, plain) = ${r} over ${masked.length} values`);

    // task show: every round with its attempt, submissions and metrics.
    const human = expectExit(await cli("task", "show", "--task", String(taskId)));
    assert.match(human.stdout, new RegExp(`^task ${taskId}: Finished, federated, round 3/3`));
    assert.match(human.stdout, /logreg on 6 features → Species/);
    assert.equal(human.stdout.split("\n").filter((l) =>
      /^ {4}round \d attempt 0: 3\/3 updates, 0 reveals; finalized: \d+ samples; (initial model|round \d model) on the nodes' held-out rows: loss [0-9.]+, accuracy [0-9.]+%; model 0x/.test(l)).length, 3, human.stdout);
    assert.match(human.stdout, new RegExp(`round 3 attempt 0: .*round 2 model on the nodes' held-out rows: loss [0-9.]+, accuracy ${(Number(finalized[2].args.accuracyE6) / 1e4).toFixed(1)}%`));

    // Running the command again after the end: resumes, sends nothing, exits at once.
    const nonce = await chain.publicClient.getTransactionCount({ address: addr(NODES[0]) });
    const again = expectExit(await cli(...nodeArgs(taskId, NODES[0])));
    assert.match(again.stdout, /resuming task \d+/);
    assert.match(again.stdout, /task is Finished: node done/);
    assert.equal(await chain.publicClient.getTransactionCount({ address: addr(NODES[0]) }), nonce);
  });

  test("differential privacy: the spec's DP terms go on chain, 3 nodes add noise before masking, task show reports ε; a node refuses other terms", async () => {
    const taskId = await createTask(2, 3, "specs/penguins-logreg-dp.json");
    const dpSpec = parseModelSpec(await readFile(path.join(projectRoot, "specs/penguins-logreg-dp.json")));
    const [terms] = await events("DpTermsSet", { taskId });
    assert.deepEqual([terms?.args.noiseMultiplierE6, terms?.args.deltaE18], [1_000_000, 10n ** 13n]);
    const nodes = NODES.map((i) => start(nodeArgs(taskId, i)));
    const aggregator = start(["aggregate", "--task", String(taskId), "-a", String(AGGREGATOR)]);
    const logs = () => [aggregator, ...nodes].map((p) => p.output().slice(-3000)).join("\n---\n");
    const codes = await withTimeout("the DP task", Promise.all([aggregator.exited, ...nodes.map((n) => n.exited)]), 90_000, logs);
    assert.deepEqual(codes, [0, 0, 0, 0], logs());
    const finalized = await events("RoundFinalized", { taskId });
    assert.deepEqual(finalized.map((l) => Number(l.args.submissions)), [3, 3]);

    // The unmasked sum (Σ of the stored masked updates) minus Σ of the noiseless updates recomputed from the nodes'
    // data is the summed noise: chi-square against 3·σ_node² (a noiseless sum gives 0); the round model is exactly
    // global + Σ/(3·scale), the plain mean of the noisy updates.
    const task = await readTask(ctx(0), taskId);
    let chi2 = 0;
    let count = 0;
    for (const round of [1, 2]) {
      const global = round === 1 ? initParams(dpSpec) : decodeRoundModel(await store.get(finalized[0]!.args.modelRoot as Hex)).params;
      const ys: Int32Array[] = [];
      const xs: Int32Array[] = [];
      for (const u of await events("UpdateSubmitted", { taskId, round })) {
        const i = NODES.find((k) => addr(k).toLowerCase() === (u.args.node as string).toLowerCase())!;
        ys.push(paramsOf(dpSpec, decodeUpdate(await store.get(u.args.updateRoot as Hex)).vector));
        xs.push(plainUpdate(dpSpec, global, rowsOf.get(i)!, round, task.members.find((m) => m.node === addr(i))!.joinIndex));
      }
      const sum = sumUpdates(ys);
      const sigma2 = 3 * nodeNoiseSigma(dpSpec, sum.length, 3) ** 2;
      sumUpdates(xs).forEach((x, k) => ((chi2 += (sum[k]! - x) ** 2 / sigma2), count++));
      const model = decodeRoundModel(await store.get(finalized[round - 1]!.args.modelRoot as Hex)).params;
      assert.deepEqual(model, global.map((g, k) => g + sum[k]! / (3 * dpSpec.fixedPointScale)), `round ${round} model`);
    }
    assert.ok(Math.abs(chi2 - count) < 6 * Math.sqrt(2 * count), `χ² ${chi2} over ${count} values`);

    // ε from the chain: the terms, minNodes and each round's submissions.
    const expected = dpEpsilon({ noiseMultiplier: 1, delta: 1e-5, minSurvivors: 3, survivors: [3, 3] });
    const shown = jsonOf<{ privacy: unknown }>(expectExit(await cli("--json", "task", "show", "--task", String(taskId))));
    const sums = [1, 2].map((round, i) => ({ round, survivors: 3, epsilon: expected.perRound[i] }));
    assert.deepEqual(shown.privacy, { noiseMultiplier: 1, delta: 1e-5, epsilon: expected.total, sums });
    const human = expectExit(await cli("task", "show", "--task", String(taskId))).stdout;
    assert.match(human, new RegExp(`differential privacy: noise multiplier 1, δ 0.00001; ε ${expected.total.toFixed(2)} after 2 round\\(s\\)`), human);
    assert.match(human, new RegExp(`round 2 attempt 0: 3/3 updates, 0 reveals; finalized: .*; ε ${expected.total.toFixed(2)} so far; model 0x`), human);

    // A task whose terms on chain differ from its spec's: the node refuses before joining.
    const now = (await chain.publicClient.getBlock()).timestamp;
    const params = { ...(await readTaskParams(ctx(CREATOR), taskId)), joinDeadline: now + 3600n };
    const { taskId: other } = await createDpTask(ctx(CREATOR), params, { noiseMultiplierE6: 2_000_000, deltaE18: 10n ** 13n });
    const refused = await cli(...nodeArgs(other, NODES[0]));
    assert.notEqual(refused.code, 0);
    assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
    assert.match(refused.stderr, /differ from the chain's \(2, 0\.00001\)/);
    assert.equal((await events("MemberJoined", { taskId: other })).length, 0);
  });

  test("bad input: wrong-schema data, a foreign dataset, another schema's dataset, a bad spec — one line, no transaction", async () => {
    const taskId = await createTask(1, 3);
    // A dataset of another schema (seattle-weather), owned by its own account.
    expectExit(await cli("schema", "register", "schemas/seattle-weather.schema.json", "-a", String(OTHER_SCHEMA_OWNER)));
    const { datasetId: weatherDataset } = await registerDataset(ctx(OTHER_SCHEMA_OWNER), {
      schemaId: 2n, root: `0x${"77".repeat(32)}`, manifestRoot: `0x${"78".repeat(32)}`, rows: 10n, encryption: "none", uri: "weather",
    });
    const nonce = (i: number) => chain.publicClient.getTransactionCount({ address: addr(i) });
    const before = [await nonce(NODES[0]), await nonce(OTHER_SCHEMA_OWNER)];
    const wrong = path.join(dataDir, "iris.json");
    await writeFile(wrong, JSON.stringify([{ sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2, species: "setosa" }]));
    const run = (data: string, dataset: bigint, account: number) =>
      cli("node", "run", "--task", String(taskId), "--data", data, "--dataset", String(dataset), "-a", String(account));
    const cases: [Promise<CliResult>, RegExp][] = [
      [run(wrong, datasetOf.get(NODES[0])!, NODES[0]), /^error: .*column '.+' is missing from the data/],
      [run(dataFileOf.get(NODES[1])!, datasetOf.get(NODES[1])!, NODES[0]), /^error: Dataset \d+ belongs to 0x[0-9a-fA-F]{40}, not to /],
      [run(dataFileOf.get(NODES[1])!, datasetOf.get(NODES[0])!, NODES[0]), /^error: .* is not the data registered as dataset \d+/],
      [run(dataFileOf.get(NODES[0])!, weatherDataset, OTHER_SCHEMA_OWNER), new RegExp(`^error: Dataset ${weatherDataset} uses schema 2 but task ${taskId} needs schema 1`)],
    ];
    for (const [pending, message] of cases) {
      const res = await pending;
      assert.equal(res.code, 1, `${res.args.join(" ")}\n${res.stdout}\n${res.stderr}`);
      assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
      assert.match(res.stderr, message);
    }
    assert.deepEqual([await nonce(NODES[0]), await nonce(OTHER_SCHEMA_OWNER)], before);
    assert.equal((await readTask(ctx(0), taskId)).members.length, 0);

    // A spec that does not fit the schema, or a schema file that is not registered: refused before any transaction.
    const creatorNonce = await nonce(CREATOR);
    const badSpec = path.join(dataDir, "bad-spec.json");
    await writeFile(badSpec, JSON.stringify({ ...spec, features: [...spec.features, "Island=Biscoe"] }));
    const unregistered = path.join(dataDir, "penguins-v2.schema.json");
    await writeFile(unregistered, JSON.stringify({ ...schema, version: "2.0.0" }));
    const refusals: [string[], RegExp][] = [
      [[...taskArgs(), "--spec", badSpec], /^error: Features not among schema 1's standardized columns: Island=Biscoe/],
      [[...taskArgs(unregistered), "--spec", "specs/penguins-logreg.json"], /^error: Schema .*penguins-v2\.schema\.json \(0x[0-9a-f]{64}\) is not registered on localhost/],
    ];
    for (const [args, message] of refusals) {
      const refused = await cli("task", "create", "--rounds", "1", "--max-nodes", "3", ...args, "-a", String(CREATOR));
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, message);
      assert.equal(refused.stderr.trim().split("\n").length, 1);
    }
    assert.equal(await nonce(CREATOR), creatorNonce);
  });

  test("capacity: task create refuses a spec too small for the schema's datasets; node run refuses to stake past it or on more rows than it commits", async () => {
    // Datasets that cannot bring their rows count for nothing: a retired one, and one whose current version has 1 row.
    const fake = (tag: string, rows: bigint) =>
      ({ schemaId: 1n, root: `0x${tag.repeat(32)}` as Hex, manifestRoot: `0x${tag.repeat(32)}` as Hex, rows, encryption: "none" as const, uri: `fake:${tag}` });
    const { datasetId: retired } = await registerDataset(ctx(8), fake("a1", 1_000_000n));
    await retireDataset(ctx(8), retired);
    const { datasetId: shrunk } = await registerDataset(ctx(8), fake("a2", 1_000_000n));
    await updateDataset(ctx(8), shrunk, fake("a3", 1n));
    // The three largest penguin datasets under schema 1 (one per island + the first 80 rows), as registered.
    const registered = await Promise.all([...NODES, FOURTH].map(async (i) => (await readDataset(reader, datasetOf.get(i)!)).rows));
    const largest = registered.sort((a, b) => (a > b ? -1 : 1)).slice(0, 3).reduce((a, b) => a + b, 0n);
    const rows = Number(largest);
    // Specs sized to those rows: a capacity just below them, and one that holds them.
    const sized = async (name: string, capacityFor: number) => {
      const file = path.join(dataDir, `${name}.json`);
      const s = { ...spec, clipNorm: 1, fixedPointScale: INT32_SUM_LIMIT / capacityFor - 0.5 };
      await writeFile(file, JSON.stringify(s));
      return { file, capacity: sampleCapacity(s) };
    };
    const short = await sized("short-spec", rows - 1);
    const roomy = await sized("roomy-spec", rows + 1);
    assert.ok(short.capacity < rows && roomy.capacity >= rows, `capacities ${short.capacity} / ${roomy.capacity} around ${rows} rows`);

    const nonce = (i: number) => chain.publicClient.getTransactionCount({ address: addr(i) });
    const creatorNonce = await nonce(CREATOR);
    const tasksBefore = (await events("TaskCreated", {})).length;
    const refused = await cli("task", "create", "--spec", short.file, "--rounds", "1", "--max-nodes", "3", ...taskArgs(), "-a", String(CREATOR));
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`^error: The model spec holds at most ${short.capacity.toLocaleString("en-US")} samples but the 3 largest datasets under schema 1 have ${rows.toLocaleString("en-US")} rows, .*lower fixedPointScale .*or lower --max-nodes`));
    assert.equal(await nonce(CREATOR), creatorNonce, "task create sent a transaction (approve or create)");
    assert.equal((await events("TaskCreated", {})).length, tasksBefore);

    // Capacity for exactly these rows: created, and the capacity is printed (and in --json).
    const created = jsonOf<{ taskId: string; sampleCapacity: { capacity: number; possibleRows: number } }>(expectExit(await cli(
      "--json", "task", "create", "--spec", roomy.file, "--rounds", "1", "--max-nodes", "3", ...taskArgs(), "-a", String(CREATOR))));
    assert.deepEqual(created.sampleCapacity.capacity, roomy.capacity);
    assert.deepEqual(created.sampleCapacity.possibleRows, rows);
    const taskId = BigInt(created.taskId);
    const human = expectExit(await cli("task", "create", "--spec", roomy.file, "--rounds", "1", "--max-nodes", "3", ...taskArgs(), "-a", String(CREATOR)));
    assert.match(human.stdout, new RegExp(`^  sample capacity ${roomy.capacity.toLocaleString("en-US")}: the 3 largest datasets under schema 1 hold ${rows.toLocaleString("en-US")} rows$`, "m"));

    // The largest island joins. Then a data owner registers every training row as one new dataset: with it the task's
    // rows would pass the capacity, so its node refuses before the key, the approval and the stake.
    const rowsOfDataset = async (i: number) => Number((await readDataset(reader, datasetOf.get(i)!)).rows);
    const islandRows = await Promise.all(NODES.map(rowsOfDataset));
    const biggest = NODES[islandRows.indexOf(Math.max(...islandRows))];
    await joinTask(ctx(biggest), taskId, datasetOf.get(biggest)!, `0x${"ab".repeat(32)}`);
    const big = OTHER_SCHEMA_OWNER;
    await registerNodeData(big, trainRows, "all-training-rows");
    const [joined, bigRows] = [Math.max(...islandRows), await rowsOfDataset(big)];
    assert.ok(joined + bigRows > roomy.capacity);
    // A dataset committing fewer rows than its data has: the node would report more samples than it commits.
    const liar = 8;
    await write(ctx(0), { address: chain.addresses.rewardToken, abi: rewardTokenAbi, functionName: "mint", args: [addr(liar), 1_000n * E18] }, "mint");
    const liarTable = standardize(validateRows(rowsOf.get(FOURTH)!, schema), schema, stats);
    const liarRoot = await store.put(new TextEncoder().encode(standardizedCsv(liarTable)));
    const liarManifest = await putJson(store, buildManifest({ schema, table: liarTable, standardization: stats, contentRoot: liarRoot }));
    const { datasetId: liarDataset } = await registerDataset(ctx(liar), { schemaId: 1n, root: liarRoot, manifestRoot: liarManifest, rows: 10n, encryption: "none", uri: "penguins:liar" });

    const balance = (i: number) => chain.publicClient.readContract({ address: chain.addresses.rewardToken, abi: rewardTokenAbi, functionName: "balanceOf", args: [addr(i)] });
    const before = await Promise.all([big, liar].map(async (i) => [await nonce(i), await balance(i)]));
    const cases: [Promise<CliResult>, RegExp][] = [
      [cli(...nodeArgs(taskId, big)), new RegExp(`^error: Not joining task ${taskId} \\(nothing staked\\): the rows of its 1 joined members \\(${joined}\\) plus dataset ${datasetOf.get(big)}'s \\(${bigRows}\\) make ${(joined + bigRows).toLocaleString("en-US")}, over the model spec's capacity of ${roomy.capacity.toLocaleString("en-US")} samples`)],
      [cli("node", "run", "--task", String(taskId), "--data", dataFileOf.get(FOURTH)!, "--dataset", String(liarDataset), "-a", String(liar)),
        new RegExp(`^error: The data has ${liarTable.features.rows} rows but dataset ${liarDataset} commits 10`)],
    ];
    for (const [pending, message] of cases) {
      const res = await pending;
      assert.equal(res.code, 1, `${res.args.join(" ")}\n${res.stdout}\n${res.stderr}`);
      assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
      assert.match(res.stderr, message);
    }
    assert.deepEqual(await Promise.all([big, liar].map(async (i) => [await nonce(i), await balance(i)])), before, "a refused node sent a transaction or moved tokens");
    for (const i of [big, liar]) {
      assert.equal((await events("MemberJoined", { taskId, node: addr(i) })).length, 0);
      await assert.rejects(stat(path.join(nodeDir(home, taskId, addr(i)), "sa-key.json")), { code: "ENOENT" }, "a refused node wrote its key");
    }
    assert.equal((await readTask(ctx(0), taskId)).members.length, 1);
  });

  test("4 nodes (MLP), one SIGKILLed after round 1: round 2 finalizes through seed reveals, drops and slashes the dead node, and round 3 waits for nobody", async () => {
    const mlp = parseModelSpec(await readFile(path.join(projectRoot, "specs/penguins-mlp.json")));
    const taskId = await createTask(3, 4, "specs/penguins-mlp.json");
    const all = [...NODES, FOURTH];
    const nodes = new Map(all.map((i) => [i, start(nodeArgs(taskId, i))]));
    let aggregator: ReturnType<typeof start> | undefined;
    const logs = () => [...(aggregator ? [aggregator] : []), ...nodes.values()].map((p) => p.output().slice(-3000)).join("\n---\n");

    // Kill the fourth node once its round-1 update is on chain. The aggregator starts after the kill: round 1
    // cannot end before it, so the node cannot have reached round 2.
    await waitFor("the fourth node's round 1 update", async () =>
      (await events("UpdateSubmitted", { taskId, round: 1, node: addr(FOURTH) })).length > 0 || undefined, 60_000, 100)
      .catch((err) => assert.fail(`${err}\n${logs()}`));
    await nodes.get(FOURTH)!.stop("SIGKILL");
    aggregator = start(["aggregate", "--task", String(taskId), "-a", String(AGGREGATOR)]);
    await waitFor("round 2 with 3 updates", async () => {
      const t = await readTask(ctx(0), taskId);
      if (t.currentRound !== 2) return undefined;
      return (await readRound(ctx(0), taskId, 2)).submissions === 3 || undefined;
    }, 60_000, 200).catch((err) => assert.fail(`${err}\n${logs()}`));
    assert.equal((await events("UpdateSubmitted", { taskId, round: 2, node: addr(FOURTH) })).length, 0, "the killed node submitted round 2");

    // Submissions the contract would refuse are refused in simulation: nothing is sent (the nonce stays).
    const fourthNonce = await chain.publicClient.getTransactionCount({ address: addr(FOURTH) });
    const root: Hex = `0x${"11".repeat(32)}`;
    await assert.rejects(taskWrite(ctx(FOURTH), "submitUpdate", [taskId, 3, root, 10n], "submit"), /TrainingTasksWrongRound/);
    // Only waiting for the submit deadline: move chain time instead of sleeping.
    await chain.increaseTime(ROUND_S + 1);
    await assert.rejects(taskWrite(ctx(FOURTH), "submitUpdate", [taskId, 2, root, 10n], "submit"), /TrainingTasksRoundClosed/);
    assert.equal(await chain.publicClient.getTransactionCount({ address: addr(FOURTH) }), fourthNonce);

    const survivors = NODES.map((i) => nodes.get(i)!);
    const codes = await withTimeout("the dropout task", Promise.all([aggregator.exited, ...survivors.map((n) => n.exited)]), 90_000, logs);
    assert.deepEqual(codes, [0, 0, 0, 0], logs());

    const reveals = await events("SeedsRevealed", { taskId, round: 2 });
    assert.equal(reveals.length, 3);
    const [final] = await events("RoundFinalized", { taskId, round: 2 });
    assert.equal(Number(final.args.submissions), 3);
    // Round 1 (all four nodes) and round 2 (the three survivors, via reveals) report the model that entered them on
    // exactly the submitters' pooled held-out rows.
    const [final1] = await events("RoundFinalized", { taskId, round: 1 });
    await assertRoundFigures(mlp, final1, initParams(mlp), all);
    await assertRoundFigures(mlp, final, decodeRoundModel(await store.get(final1.args.modelRoot as Hex)).params, NODES);
    for (const n of survivors) assert.match(n.output(), new RegExp(`round 2 attempt 0: revealed seeds toward ${addr(FOURTH).toLowerCase()}`));

    // The aggregator's view of round 2: the survivors' masked updates and their reveals (seeds toward the dead node
    // only). Removing every revealed mask from one update still leaves it hidden by its masks with the other
    // survivors; only the sum comes out, exactly.
    const task = await readTask(ctx(0), taskId);
    const global = decodeRoundModel(await store.get((await events("RoundFinalized", { taskId, round: 1 }))[0].args.modelRoot as Hex)).params;
    const ordered = task.members.map((m) => m.node.toLowerCase()).sort();
    const dead = ordered.indexOf(addr(FOURTH).toLowerCase());
    const stripped: Int32Array[] = [];
    const truth: Int32Array[] = [];
    for (const u of await events("UpdateSubmitted", { taskId, round: 2 })) {
      const node = (u.args.node as string).toLowerCase();
      const i = NODES.find((k) => addr(k).toLowerCase() === node)!;
      const y = Int32Array.from(decodeUpdate(await store.get(u.args.updateRoot as Hex)).vector);
      const reveal = decodeReveal(await store.get(reveals.find((r) => (r.args.node as string).toLowerCase() === node)!.args.revealRoot as Hex));
      assert.deepEqual(reveal.reveals.map((r) => r.to), [addr(FOURTH).toLowerCase()], "a survivor revealed a seed toward a submitter");
      const mask = maskStream(hexToBytes(reveal.reveals[0].seed), y.length);
      const sign = dead > ordered.indexOf(node) ? -1 : 1; // y carries +PRG toward higher addresses: take it out
      for (let k = 0; k < y.length; k++) y[k] = (y[k] + sign * mask[k]) | 0;
      const x = plainUpdate(mlp, global, rowsOf.get(i)!, 2, task.members.find((m) => m.node === addr(i))!.joinIndex);
      assertHidden(paramsOf(mlp, y), x, `round 2 node ${i} after removing its revealed mask`);
      stripped.push(y);
      truth.push(x);
    }
    assert.deepEqual(paramsOf(mlp, sumUpdates(stripped)), sumUpdates(truth), "Σ (masked − revealed masks) ≠ Σ plain");
    const r = correlation(stripped.flatMap((v) => [...paramsOf(mlp, v)]), truth.flatMap((v) => [...v]));
    assert.ok(Math.abs(r) < 5 / Math.sqrt(3 * stripped[0].length), `corr = ${r}`);

    // The dead node missed round 2 (no update on chain): the aggregator's finalization dropped and slashed it, so
    // nobody has to send a transaction per node, and nobody can slash it twice.
    const [slashed] = await events("MemberSlashed", { taskId, node: addr(FOURTH) });
    assert.equal(Number(slashed.args.round), 2);
    assert.equal((slashed.args.slasher as string).toLowerCase(), addr(AGGREGATOR).toLowerCase());
    await assert.rejects(taskWrite(ctx(8), "slash", [taskId, addr(FOURTH), 2], "slash"), /TrainingTasksNotMember/);
    // Round 3 counted only the three live members, so it was finalized as soon as they submitted ("every member
    // submitted": no dropout, no reveals), without waiting out its window for the dead node.
    const [started3] = await events("RoundStarted", { taskId, round: 3 });
    assert.equal(Number(started3.args.members), 3);
    const [final3] = await events("RoundFinalized", { taskId, round: 3 });
    assert.equal(Number(final3.args.submissions), 3);
    assert.equal((await events("SeedsRevealed", { taskId, round: 3 })).length, 0, "round 3 went through the dropout path");
    const show = expectExit(await cli("task", "show", "--task", String(taskId)));
    assert.match(show.stdout, new RegExp(`${addr(FOURTH)} dataset \\d+ \\(slashed for round 2\\)`));
    assert.match(show.stdout, /round 2 attempt 0: 3\/4 updates, 3 reveals; finalized/);
    assert.match(show.stdout, /round 3 attempt 0: 3\/3 updates, 0 reveals; finalized/);
  });

  // A dead fourth node keeps round 2 open past its submit deadline (otherwise the aggregator would finalize as soon as
  // everyone submitted), which leaves time to tamper with a stored update before the aggregator reads it.
  test("a corrupted stored update is excluded, the round is re-run with fresh seeds and the task completes", async () => {
    const taskId = await createTask(2, 4);
    const nodes = new Map([...NODES, FOURTH].map((i) => [i, start(nodeArgs(taskId, i))]));
    let aggregator: ReturnType<typeof start> | undefined;
    const logs = () => [...(aggregator ? [aggregator] : []), ...nodes.values()].map((p) => p.output().slice(-3000)).join("\n---\n");
    // As above: the aggregator starts after the kill, so the fourth node cannot reach round 2.
    await waitFor("the fourth node's round 1 update", async () =>
      (await events("UpdateSubmitted", { taskId, round: 1, node: addr(FOURTH) })).length > 0 || undefined, 60_000, 100)
      .catch((err) => assert.fail(`${err}\n${logs()}`));
    await nodes.get(FOURTH)!.stop("SIGKILL");
    aggregator = start(["aggregate", "--task", String(taskId), "-a", String(AGGREGATOR)]);
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
    assert.match(aggregator.output(), new RegExp(`^round 2 attempt 0: 3 submissions, not finalizable .*; excluded ${addr(NODES[0]).toLowerCase()}: stored bytes for 0x[0-9a-f]{64} do not match their root`, "m"));
    // Nothing on chain shows the corruption (the node submitted and revealed): it is not slashable.
    await assert.rejects(taskWrite(ctx(8), "slash", [taskId, addr(NODES[0]), 2], "slash"), /TrainingTasksNotSlashable/);
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
    // The restart dropped (and slashed) the dead fourth node: the re-run waited for nobody.
    assert.match(aggregator.output(), new RegExp(`^round 2: restarted as attempt 1; dropped and slashed \\(missed the round\\): ${addr(FOURTH)}$`, "mi"));
    const [slashed] = await events("MemberSlashed", { taskId, node: addr(FOURTH) });
    assert.equal(Number(slashed.args.round), 2);
    assert.equal((slashed.args.slasher as string).toLowerCase(), addr(AGGREGATOR).toLowerCase());
    // In the re-run everyone submitted again, the excluded node included, with a fresh (attempt-1) update.
    const again = (await events("UpdateSubmitted", { taskId, round: 2, node: addr(NODES[0]) })).filter((u) => Number(u.args.attempt) === 1);
    assert.equal(again.length, 1);
    assert.notEqual(again[0].args.updateRoot, victim.args.updateRoot);
    const model = decodeRoundModel(await store.get(final.args.modelRoot as Hex));
    assert.equal(model.attempt, 1);
    assert.deepEqual(model.nodes, NODES.map((i) => addr(i).toLowerCase()).sort());
  });

  test("FedAdam task: each round model carries the server state; the aggregator, killed after round 1 and restarted, continues from it", async () => {
    const fedAdam = parseModelSpec({ ...spec, serverOptimizer: { type: "fedadam", learningRate: 1, beta1: 0.9, beta2: 0.99, tau: 0.001 } });
    const specFile = path.join(dataDir, "penguins-fedadam.json");
    await writeFile(specFile, JSON.stringify(fedAdam));
    const taskId = await createTask(3, 3, specFile);
    const nodes = new Map(NODES.map((i) => [i, start(nodeArgs(taskId, i))]));
    const held = NODES[2];
    let aggregator: ReturnType<typeof start> | undefined;
    const logs = () => [...(aggregator ? [aggregator] : []), ...nodes.values()].map((p) => p.output().slice(-3000)).join("\n---\n");

    // Hold the third node back after its round-1 update (killed once it is on chain and recorded), so round 2 cannot
    // be finalized before the aggregator is killed after round 1 and started again.
    const roundLine = /^round 1 attempt 0: received model .*; trained on \d+ rows, .*; submitted 0x[0-9a-f]{64}$/m;
    await waitFor("the third node's round 1 update and line", async () =>
      ((await events("UpdateSubmitted", { taskId, round: 1, node: addr(held) })).length > 0 && roundLine.test(nodes.get(held)!.output())) || undefined, 60_000, 100)
      .catch((err) => assert.fail(`${err}\n${logs()}`));
    await nodes.get(held)!.stop("SIGKILL");
    aggregator = start(["aggregate", "--task", String(taskId), "-a", String(AGGREGATOR)]);
    // Its line comes after the finalizing transaction's receipt: wait for both, or the kill can beat the line.
    const firstAggregator = aggregator;
    await waitFor("round 1 finalized and reported", async () =>
      ((await events("RoundFinalized", { taskId, round: 1 })).length > 0 && /^round 1 attempt 0: 3 submissions/m.test(firstAggregator.output())) || undefined, 60_000, 100)
      .catch((err) => assert.fail(`${err}\n${logs()}`));
    await aggregator.stop("SIGKILL");
    const firstRun = aggregator.output();
    assert.equal((await events("RoundFinalized", { taskId, round: 2 })).length, 0, "round 2 finalized before the restart");
    nodes.set(held, start(nodeArgs(taskId, held)));
    aggregator = start(["aggregate", "--task", String(taskId), "-a", String(AGGREGATOR)]);
    const codes = await withTimeout("the FedAdam task", Promise.all([aggregator.exited, ...[...nodes.values()].map((n) => n.exited)]), 90_000, logs);
    assert.deepEqual(codes, [0, 0, 0, 0], logs());
    assert.match(firstRun, /^round 1 attempt 0: 3 submissions/m);

    // Anyone can re-check every round from the published files: the stored masked updates sum to the plain sum (no
    // dropout), FedAvg gives Δ, and FedAdam's step from the previous model and ITS STORED STATE gives the next model.
    const finalized = await events("RoundFinalized", { taskId });
    assert.deepEqual(finalized.map((l) => Number(l.args.round)), [1, 2, 3]);
    const models = await Promise.all(finalized.map(async (l) => decodeRoundModel(await store.get(l.args.modelRoot as Hex))));
    for (const round of [1, 2, 3]) {
      const previous = round === 1 ? { params: initParams(fedAdam), serverState: undefined } : models[round - 2];
      const submitted = await events("UpdateSubmitted", { taskId, round });
      const sum = sumUpdates(await Promise.all(submitted.map(async (u) => paramsOf(fedAdam, decodeUpdate(await store.get(u.args.updateRoot as Hex)).vector))));
      const samples = submitted.reduce((n, u) => n + Number(u.args.samples), 0);
      const delta = fedAvg(sum, samples, fedAdam.fixedPointScale);
      const next = applyServerUpdate(fedAdam, previous.params, delta, previous.serverState);
      assert.deepEqual(models[round - 1].params, next.params, `round ${round} model`);
      assert.deepEqual(models[round - 1].serverState, next.state, `round ${round} server state`);
      // The state matters: a restart that kept only the parameters would have produced another model.
      if (round > 1) assert.notDeepEqual(applyServerUpdate(fedAdam, previous.params, delta).params, next.params);
    }
  });
});

/**
 * A node's true (unmasked) round update, recomputed from its private rows as `2pm node run` builds it: the params
 * block (checked separately from the evaluation counts, which assertRoundFigures checks through their sum).
 */
function plainUpdate(spec: ModelSpec, global: Float64Array, rows: RawRow[], round: number, joinIndex: number): Int32Array {
  const table = selectFeatures(spec, standardize(validateRows(rows, schema), schema, stats));
  const trained = trainLocal(spec, global, table, { round, node: joinIndex });
  // With DP every update weighs 1 (src/fl/buildUpdate.ts) and the noise comes on top.
  const samples = spec.dp ? 1 : trained.samples;
  return quantizeUpdate(spec, { delta: modelDelta(trained.params, global), samples, maxTotalSamples: spec.dp ? 1 : 1000 });
}

/** The params block of a (masked) update vector. */
const paramsOf = (spec: ModelSpec, vector: Int32Array) => splitUpdateVector(spec, vector).params;

/**
 * A finalized round's figures on chain and in its stored round model equal those of `entering` (the model the round
 * started from) on the union of `nodes`' held-out rows, recomputed here from their private rows: accuracy exactly,
 * the (per-row capped) loss within the fixed-point rounding, and the per-class counts.
 */
async function assertRoundFigures(spec: ModelSpec, event: { args: { round?: number; accuracyE6?: number; lossE6?: number; modelRoot?: Hex } }, entering: Float64Array, nodes: number[]): Promise<void> {
  let rows = 0, correct = 0, loss = 0;
  const classRows = spec.classes.map(() => 0);
  const classCorrect = spec.classes.map(() => 0);
  for (const i of nodes) {
    const table = selectFeatures(spec, standardize(validateRows(rowsOf.get(i)!, schema), schema, stats));
    const proba = predictProba(spec, entering, table.features);
    for (const r of evaluationRows(spec, table.features.rows)) {
      const p = proba.data.subarray(r * proba.cols, (r + 1) * proba.cols);
      const y = table.labels[r];
      const hit = p.indexOf(Math.max(...p)) === y;
      rows++;
      classRows[y]++;
      if (hit) { correct++; classCorrect[y]++; }
      loss += Math.min(-Math.log(Math.max(p[y], 1e-15)), LOSS_CAP);
    }
  }
  const round = Number(event.args.round);
  assert.equal(Number(event.args.accuracyE6), toE6(correct / rows), `round ${round}: chain accuracy vs the entering model's on ${rows} held-out rows`);
  assert.ok(Math.abs(Number(event.args.lossE6) / 1e6 - loss / rows) <= nodes.length / (2 * LOSS_SCALE * rows) + 1e-6, `round ${round}: loss ${Number(event.args.lossE6) / 1e6} vs ${loss / rows}`);
  const model = decodeRoundModel(await store.get(event.args.modelRoot as Hex));
  assert.equal(model.metrics?.evaluatedModel, round - 1);
  assert.equal(model.metrics?.rows, rows);
  assert.deepEqual(model.metrics?.classes.map((c) => [c.rows, c.correct]), classRows.map((n, c) => [n, classCorrect[c]]));
}

/**
 * What the aggregator holds of one node does not give its update away: the masked values differ from the true ones
 * almost everywhere and spread over the whole int32 range (a uniform mask), while true updates stay small.
 */
function assertHidden(y: Int32Array, x: Int32Array, what: string): void {
  assert.equal(y.length, x.length);
  const same = y.filter((v, k) => v === x[k]).length;
  assert.ok(same <= 1, `${what}: ${same} of ${y.length} masked values equal the true ones`);
  const maxX = Math.max(...Array.from(x, Math.abs));
  const maxY = Math.max(...Array.from(y, Math.abs));
  assert.ok(maxX < 2 ** 28, `${what}: a true update reaches ${maxX}`);
  assert.ok(maxY > 2 ** 30, `${what}: masked values stay within ±${maxY}: not masked by a uniform stream`);
}

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
