// Models from encrypted sufficient statistics, with real node-seal: three contributors encrypt, the compute node
// adds without keys, the key holder (or a 3-member committee, by shares) decrypts the pooled statistics, and the
// model fitted from them equals the one fitted on the plaintext union.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  COMMITTEE_FHE_PARAMS,
  FheError,
  FheKeyMismatchError,
  addStatistics,
  assertMinContributors,
  combineStatisticsShares,
  createFheContext,
  decryptStatistics,
  encryptStatistics,
  generateKeys,
  openStatistics,
  readCommitteeKeys,
  shareStatisticsDecryption,
  writeMemberState,
} from "../../../src/fhe/index.ts";
import type { FheContext, FheKeys } from "../../../src/fhe/index.ts";
import { fitLda, fitRidge, localStatistics } from "../../../src/ml/index.ts";
import { makeCommittee } from "./multipartyHelpers.ts";
import {
  classificationLayout,
  loadPenguins,
  loadSeattleWeather,
  modelRelDiff,
  regressionLayout,
  regressionTable,
} from "../ml/datasets.ts";

const penguins = loadPenguins(); // nodes = islands: Biscoe, Dream, Torgersen
const penguinLayout = classificationLayout(penguins);
const contributions = penguins.nodes.map((node) => localStatistics(node, penguinLayout));
const islands = penguins.nodeNames;

describe("models from encrypted sufficient statistics (fhe/sufficientStats)", () => {
  let ctx: FheContext;
  let keys: FheKeys;
  let uploads: Uint8Array[];
  let pooled: Uint8Array;

  before(async () => {
    ctx = await createFheContext();
    keys = generateKeys(ctx);
    uploads = contributions.map((statistics, i) =>
      encryptStatistics(ctx, { statistics, layout: penguinLayout, keys, contributor: islands[i] }),
    );
    pooled = addStatistics(ctx, uploads);
  });
  after(() => ctx?.dispose());

  it("LDA from 3 encrypted contributions (penguins by island) equals LDA on the plaintext union to 1e-6", () => {
    const { statistics, contributors } = decryptStatistics(ctx, pooled, keys, { minContributors: 3 });
    assert.deepEqual(contributors, islands);
    const union = fitLda(localStatistics(penguins.train, penguinLayout), penguinLayout);
    const diff = modelRelDiff(fitLda(statistics, penguinLayout), union);
    assert.ok(diff <= 1e-6, `relative difference ${diff}`);
    // one ciphertext per contribution; the sum is deterministic, so a committee member can recompute it from the uploads
    assert.equal(openStatistics(uploads[0]).container.count, 1);
    assert.deepEqual(addStatistics(ctx, uploads), pooled);
  });

  it("ridge from 3 encrypted contributions (seattle-weather temp_max by year) equals ridge on the plaintext union to 1e-6", () => {
    const weather = loadSeattleWeather(); // nodes 2012 / 2013 / 2014–15
    const layout = regressionLayout(weather);
    const files = weather.nodes.map((node, i) =>
      encryptStatistics(ctx, { statistics: localStatistics(regressionTable(node), layout), layout, keys, contributor: `year-${i}` }),
    );
    // added in two steps: a sum of sums is a sum
    const sum = addStatistics(ctx, [addStatistics(ctx, files.slice(0, 2)), files[2]]);
    const { statistics } = decryptStatistics(ctx, sum, keys, { minContributors: 3 });
    const union = fitRidge(localStatistics(regressionTable(weather.train), layout), layout, { lambda: 1 });
    const diff = modelRelDiff(fitRidge(statistics, layout, { lambda: 1 }), union);
    assert.ok(diff <= 1e-6, `relative difference ${diff}`);
  });

  it("nothing is decrypted below the call's minimum of distinct contributors (>= 3)", () => {
    const two = addStatistics(ctx, uploads.slice(0, 2));
    assert.throws(() => decryptStatistics(ctx, two, keys, { minContributors: 3 }), /2 distinct contributor\(s\), the call needs 3/);
    assert.throws(() => decryptStatistics(ctx, pooled, keys, { minContributors: 2 }), /must be an integer >= 3/);
    assert.throws(() => decryptStatistics(ctx, pooled, keys, { minContributors: 4 }), /3 distinct contributor\(s\), the call needs 4/);
    // the same contributor twice does not count twice
    assert.throws(() => addStatistics(ctx, [two, uploads[0]]), /Contributor Biscoe is in two of the files/);
    assert.doesNotThrow(() => assertMinContributors(["a", "b", "c", "a"], 3));
    assert.throws(() => assertMinContributors(["a", "b", "a"], 3), FheError);
  });

  it("refuses files of another layout or key, and a key that does not decrypt them", () => {
    const otherLayout = { ...penguinLayout, maxRows: 20_000 };
    const other = encryptStatistics(ctx, { statistics: contributions[0], layout: otherLayout, keys, contributor: "x" });
    assert.throws(() => addStatistics(ctx, [uploads[1], other]), /another layout/);
    const otherKeys = generateKeys(ctx);
    const foreign = encryptStatistics(ctx, { statistics: contributions[0], layout: penguinLayout, keys: otherKeys, contributor: "y" });
    assert.throws(() => addStatistics(ctx, [uploads[1], foreign]), (e: unknown) => e instanceof FheKeyMismatchError && /under key/.test((e as Error).message));
    assert.throws(() => decryptStatistics(ctx, pooled, otherKeys, { minContributors: 3 }), FheKeyMismatchError);
    // a secret key mislabelled with the file's key id decrypts to noise, which the range checks refuse
    assert.throws(
      () => decryptStatistics(ctx, pooled, { keyId: keys.keyId, secretKey: otherKeys.secretKey }, { minContributors: 3 }),
      /cannot be right/,
    );
  });

  it("a statistic out of its declared bound is refused before encryption", () => {
    const tampered = contributions[0].slice();
    tampered[1] = penguinLayout.maxRows * penguinLayout.featureBound * 1.01; // class 0 Σx[0]
    assert.throws(
      () => encryptStatistics(ctx, { statistics: tampered, layout: penguinLayout, keys, contributor: "z" }),
      /entry 1 \(class 0 Σx\[0\]\) is .* its bound 100000/,
    );
    const negativeCount = contributions[0].slice();
    negativeCount[0] = -1;
    assert.throws(() => encryptStatistics(ctx, { statistics: negativeCount, layout: penguinLayout, keys, contributor: "z" }), /class 0 n/);
  });
});

describe("encrypted statistics under a committee's key (3 members)", () => {
  let ctx: FheContext;
  let dir: string;

  before(async () => {
    ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
    dir = await mkdtemp(join(tmpdir(), "2pm-suffstats-"));
  });
  after(async () => {
    ctx?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("members share only a sum with enough contributors; combined, LDA equals the plaintext union's to 1e-6", async () => {
    const trio = makeCommittee(ctx, 3);
    const states = trio.members.map((_, m) => join(dir, `member-${m}.state`));
    await Promise.all(trio.members.map((member, m) => writeMemberState(states[m], member.state)));
    const { evaluationKeys } = readCommitteeKeys(ctx, trio.committeeKeys);
    const uploads = contributions.map((statistics, i) =>
      encryptStatistics(ctx, { statistics, layout: penguinLayout, keys: evaluationKeys, contributor: islands[i] }),
    );
    const committeeKeys = trio.committeeKeys;
    await assert.rejects(
      shareStatisticsDecryption(ctx, { statePath: states[0], committeeKeys, statistics: addStatistics(ctx, uploads.slice(0, 2)), minContributors: 3 }),
      /2 distinct contributor\(s\)/,
    );
    const pooled = addStatistics(ctx, uploads);
    const shares: Uint8Array[] = [];
    for (const statePath of states) shares.push(await shareStatisticsDecryption(ctx, { statePath, committeeKeys, statistics: pooled, minContributors: 3 }));
    assert.throws(() => combineStatisticsShares(ctx, { statistics: pooled, committeeKeys, shares: shares.slice(0, 2), minContributors: 3 }), /Missing decryption shares of member\(s\) 2/);
    const { statistics } = combineStatisticsShares(ctx, { statistics: pooled, committeeKeys, shares: [shares[2], shares[0], shares[1]], minContributors: 3 });
    const union = fitLda(localStatistics(penguins.train, penguinLayout), penguinLayout);
    const diff = modelRelDiff(fitLda(statistics, penguinLayout), union);
    assert.ok(diff <= 1e-6, `relative difference ${diff}`);
    // a member shares a ciphertext once
    await assert.rejects(
      shareStatisticsDecryption(ctx, { statePath: states[0], committeeKeys, statistics: pooled, minContributors: 3 }),
      /already shared ciphertext 0/,
    );
  });
});
