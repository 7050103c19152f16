// The Ponder indexer (PGlite) against a real local Hardhat node, indexing live: a scripted contract history sent
// while it runs (FHE committees included: setup, a task linked to its committee from either side, shares, a slash, a
// failed setup), exact GraphQL results, a differential-privacy task's ε, the docs/graphql.md examples verbatim, the response cache, and a SIGKILL +
// restart while events are being produced. PostgreSQL (and the backfill path): indexer.postgres.test.ts; chain
// resets: indexer.reset.test.ts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import type { Hex } from "viem";
import { createTableRelationsHelpers, extractTablesRelationalConfig } from "drizzle-orm";
import * as ponderSchema from "../../indexer/ponder.schema.ts";
import { dpEpsilon } from "../../src/fl/dp/accountant.ts";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { waitFor } from "../helpers/processes.ts";
import {
  actor, assertCrashRecovered, crashWhileProducing, expectedExamples, expectedState, graphqlExamples, h, runScenario,
  startIndexer, stateQuery, type Indexer, type Scenario,
} from "../helpers/indexer.ts";

const docs = path.resolve(import.meta.dirname, "../../docs/graphql.md");

let chain: LocalChain;
let indexer: Indexer;
let first: Indexer; // owns the temp PGlite directory
let scenario: Scenario;

before(async () => {
  chain = await startLocalChain();
  indexer = first = await startIndexer({ chain });
});
after(async () => {
  await indexer?.stop();
  await first?.cleanup();
  await chain?.stop();
});

test("no relation shadows a column in GraphQL (Ponder silently lets the relation win)", () => {
  const { tables } = extractTablesRelationalConfig(ponderSchema, createTableRelationsHelpers);
  const clashes = Object.entries(tables).flatMap(([name, t]) => Object.keys(t.relations).filter((r) => r in t.columns).map((r) => `${name}.${r}`));
  assert.deepEqual(clashes, []);
  assert.equal(Object.keys(tables).length, 20);
});

test("indexes schemas, datasets, tasks, rounds, members, settlements, claims, slashes and FHE committees exactly (live)", async () => {
  scenario = await runScenario(chain);
  await indexer.waitForBlock(scenario.headBlock);
  assert.deepEqual(await indexer.query(stateQuery), expectedState(scenario));
  // Chain times: the broken committee's stakes unbond one unbonding period after the slash; a failed setup's at once.
  const { committees } = await indexer.query(`{ committees(orderBy: "id") { items { endedAt unbondsAt unbondingPeriod } } }`);
  const [broken, failed] = committees.items.map((c: Record<string, string | number>) => ({ ended: BigInt(c.endedAt!), unbonds: BigInt(c.unbondsAt!), period: BigInt(c.unbondingPeriod!) }));
  assert.equal(broken.unbonds - broken.ended, broken.period);
  assert.equal(failed.unbonds, failed.ended);
});

test("every example query of docs/graphql.md returns the documented data", async () => {
  const examples = graphqlExamples(docs);
  const expected = expectedExamples(scenario);
  assert.deepEqual(examples.map((e) => e.name).sort(), Object.keys(expected).sort(), "docs and tests name the same queries");
  for (const example of examples) {
    assert.deepEqual(await indexer.query(example.query, example.variables), expected[example.name], example.name);
  }
});

test("a repeated query is answered from the response cache until the indexed data changes", async () => {
  const body = JSON.stringify({ query: `{ schema(id: "2") { datasetCount } }` });
  const post = () => fetch(`${indexer.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const firstAnswer = await (await post()).json();
  assert.deepEqual(firstAnswer, { data: { schema: { datasetCount: 2 } } });
  const again = await post();
  assert.equal(again.headers.get("x-cache"), "hit");
  assert.deepEqual(await again.json(), firstAnswer);
  const receipt = await actor(chain, 6).registerDataset({ schemaId: 2n, root: h("root:cache"), manifestRoot: h("manifest:cache"), rows: 1n, uri: "0g://cache" });
  await indexer.waitForBlock(receipt.blockNumber);
  // The checkpoint is re-read at most every 25 ms: poll (no sleep) until the answer changes; a cache that kept the
  // stale answer never does.
  const fresh = await waitFor("the cached answer to follow the new dataset", async () => {
    const answer = await (await post()).json();
    return answer.data?.schema?.datasetCount === 3 ? answer : undefined;
  }, 10_000, 10);
  assert.deepEqual(fresh, { data: { schema: { datasetCount: 3 } } });
});

test("a SIGKILLed indexer restarted while events are produced loses and duplicates nothing", async () => {
  const run = await crashWhileProducing(chain, indexer);
  indexer = run.indexer;
  await assertCrashRecovered(run, scenario);
});

test("a DP task (createDpTask): GraphQL reports its terms and ε per round and in total, from minNodes and the survivors of every released sum", async () => {
  // Self-contained (its own schema, datasets and accounts), so it runs alone or after the scenario.
  const [deployer, creator, ...nodes] = [0, 10, 11, 12, 13, 14].map((i) => actor(chain, i));
  const firstTopic = (receipt: { logs: { topics: readonly Hex[] }[] }) => BigInt(receipt.logs[0]!.topics[1]!); // the first indexed id
  const schemaId = firstTopic(await deployer.registerSchema(h("schema:dp"), "0g://schema-dp"));
  for (const a of [creator, ...nodes]) await deployer.mint(a.address, 10_000n);
  for (const a of [creator, ...nodes]) await a.approve(10_000n);
  const datasetIds: bigint[] = [];
  for (const [i, n] of nodes.entries()) {
    const receipt = await n.registerDataset({ schemaId, root: h(`root:dp${i}`), manifestRoot: h(`manifest:dp${i}`), rows: 20n, uri: `0g://dp${i}` });
    datasetIds.push(firstTopic(receipt));
  }
  const now = (await chain.publicClient.getBlock()).timestamp;
  const taskId = firstTopic(await creator.createDpTask({
    kind: 0, schemaId: Number(schemaId), modelRoot: h("model:dp"), rounds: 2, minNodes: 3, maxNodes: 4, stake: 10n,
    rewardToken: chain.addresses.rewardToken, budget: 100n, joinDeadline: now + 3600n, roundDuration: 600, revealDuration: 300,
    aggregatorWindow: 3600, challengeWindow: 60, claimPeriod: 86_400, aggregator: creator.address, resolver: deployer.address,
    dataShareBps: 3000, computeDecayBps: 9500, dataDecayBps: 7000,
  }, { noiseMultiplierE6: 1_500_000, deltaE18: 10n ** 13n })); // TaskCreated comes first
  for (const [i, n] of nodes.entries()) await n.join(taskId, datasetIds[i]!, h(`sa-dp:${i}`)); // 4 = maxNodes: starts
  // Round 1 attempt 0: all 4 submit, yet the aggregator re-runs it (no proof needed): it may have unmasked that sum,
  // so ε counts it too (dpCountsAttempt).
  for (const n of nodes) await n.submit(taskId, 1, h(`update-dp:1:0:${n.address}`), 20n);
  await chain.increaseTime(901);
  await creator.restartRound(taskId);
  let head = 0n;
  for (const round of [1, 2]) {
    for (const n of nodes) await n.submit(taskId, round, h(`update-dp:${round}:${n.address}`), 20n);
    head = (await creator.finalize(taskId, round, h(`model-dp:${round}`), 500_000, 900_000)).blockNumber;
  }
  await indexer.waitForBlock(head);
  const { task } = await indexer.query(`{ task(id: "${taskId}") { dpNoiseMultiplierE6 dpDeltaE18 epsilon rounds(orderBy: "round") { items { round submissions epsilon epsilonTotal } } } }`);
  // 4 survivors of shares sized for minNodes 3: each sum costs 3/4 of one at n = m; round 1 released two.
  const expected = dpEpsilon({ noiseMultiplier: 1.5, delta: 1e-5, minSurvivors: 3, survivors: [4, 4, 4] });
  const round1 = dpEpsilon({ noiseMultiplier: 1.5, delta: 1e-5, minSurvivors: 3, survivors: [4, 4] }).total;
  assert.equal(task.dpNoiseMultiplierE6, 1_500_000);
  assert.equal(task.dpDeltaE18, String(10n ** 13n));
  assert.ok(Math.abs(task.epsilon - expected.total) < 1e-12, `${task.epsilon} vs ${expected.total}`);
  assert.deepEqual(task.rounds.items.map((r: { round: number; submissions: number }) => [r.round, r.submissions]), [[1, 4], [2, 4]]);
  const [r1, r2] = task.rounds.items as { epsilon: number; epsilonTotal: number }[];
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;
  assert.ok(close(r1!.epsilon, round1) && close(r1!.epsilonTotal, expected.cumulative[1]!), JSON.stringify(r1));
  assert.ok(close(r2!.epsilon, expected.perRound[2]!) && close(r2!.epsilonTotal, expected.total), JSON.stringify(r2));
  assert.ok(expected.total < dpEpsilon({ noiseMultiplier: 1.5, delta: 1e-5, minSurvivors: 3, survivors: [3, 3, 3] }).total);
  // Tasks created without DP (the scenario's) have no terms and no ε.
  const { tasks } = await indexer.query(`{ tasks(limit: 100) { items { id dpNoiseMultiplierE6 epsilon rounds { items { epsilon } } } } }`);
  for (const t of tasks.items.filter((t: { id: string }) => t.id !== String(taskId)))
    assert.deepEqual([t.dpNoiseMultiplierE6, t.epsilon, ...t.rounds.items.map((r: { epsilon: null }) => r.epsilon)].filter((v) => v !== null), [], `task ${t.id}`);
});
