// Committee decryption: shares, their combination, and what fewer or wrong shares give.
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FheError, FheKeyMismatchError, computeStats, createFheContext, encryptTable } from "../../../src/fhe/index.ts";
import type { FheContext, Matrix } from "../../../src/fhe/index.ts";
import { buildContainer, parseContainer } from "../../../src/fhe/container.ts";
import { loadCiphertext } from "../../../src/fhe/checks.ts";
import { unpackCiphertext } from "../../../src/fhe/ciphertextCodec.ts";
import { openFhed } from "../../../src/fhe/fhedHeader.ts";
import { openFher } from "../../../src/fhe/resultHeader.ts";
import { withScope } from "../../../src/fhe/seal.ts";
import {
  COMMITTEE_FHE_PARAMS,
  FRESH_NOISE_BOUND,
  combineDecryptionShares,
  noiseAmplification,
  readCommitteeKeys,
  readMemberState,
  shareDecryption,
  smudgingErrorBound,
  smudgingSigma,
  varianceFromSquares,
  writeMemberState,
} from "../../../src/fhe/multiparty/index.ts";
import { combinedCiphertext } from "../../../src/fhe/multiparty/combineDecryptionShares.ts";
import { decryptionShare } from "../../../src/fhe/multiparty/shareDecryption.ts";
import { SCHEMA_HASH, maxAbsDiff, penguins, plainScores, plainStats, standardize, synthetic } from "./helpers.ts";
import { committeeSecret, makeCommittee, resultNoise, secretOf } from "./multipartyHelpers.ts";
import type { Committee } from "./multipartyHelpers.ts";

/** The table with an x² column appended per column (committee mode has no relinearization key to square). */
function withSquares(m: Matrix, columns: string[]): { features: Matrix; columns: string[] } {
  const cols = 2 * m.cols;
  const data = new Float64Array(m.rows * cols);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const x = m.data[r * m.cols + c];
      data[r * cols + c] = x;
      data[r * cols + m.cols + c] = x * x;
    }
  }
  return { features: { rows: m.rows, cols, data }, columns: [...columns, ...columns.map((c) => `${c}²`)] };
}

/** Decodes (c0 + Σ d_i, 0) for ciphertext i of a result and the given share blobs, whatever they are. */
function decodeWith(ctx: FheContext, fher: Uint8Array, i: number, shareBlobs: Uint8Array[]): Float64Array {
  const { seal } = ctx;
  return withScope((scope) => {
    const ct = loadCiphertext(ctx, scope, openFher(fher).container.blob(i), "ciphertext", undefined);
    const combined = scope.add(new seal.Ciphertext());
    combined.loadFromArray(ctx.context, unpackCiphertext(combinedCiphertext(ctx, scope, ct, shareBlobs), "combined"));
    const anyKey = scope.add(scope.add(new seal.KeyGenerator(ctx.context)).secretKey());
    const plain = scope.add(new seal.Plaintext());
    scope.add(new seal.Decryptor(ctx.context, anyKey)).decrypt(combined, plain);
    return ctx.encoder.decodeFloat64(plain) as Float64Array;
  });
}

const shareBlobs = (share: Uint8Array, i: number) => parseContainer(share, "decryptionShare").blob(i);

describe("committee decryption (fhe/multiparty)", () => {
  let ctx: FheContext;
  let dir: string;
  let trio: Committee;
  let states: string[];
  const table = withSquares(standardize(penguins().features), ["beak", "depth", "flipper", "mass"]);
  const model = { weights: [0.8, -0.4, 1.1, 0.3, 0, 0, 0, 0], bias: -0.2 };
  let fher: Uint8Array;
  let shares: Uint8Array[];

  before(async () => {
    ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
    dir = await mkdtemp(join(tmpdir(), "2pm-committee-"));
    trio = makeCommittee(ctx, 3);
    states = trio.members.map((_, m) => join(dir, `trio-${m}.state`));
    await Promise.all(trio.members.map((member, m) => writeMemberState(states[m], member.state)));
    const { evaluationKeys } = readCommitteeKeys(ctx, trio.committeeKeys);
    // contributors need only the collective public key
    const fhed = await encryptTable(ctx, { ...table, keys: evaluationKeys, schemaHash: SCHEMA_HASH });
    fher = await computeStats(ctx, fhed, evaluationKeys, { ops: ["sum", "mean", "scores"], model });
    shares = [];
    for (const statePath of states) shares.push(await shareDecryption(ctx, { statePath, committeeKeys: trio.committeeKeys, result: fher }));
  });
  after(async () => {
    ctx?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("n = 3: all shares decrypt means, variances (from x² columns) and scores within the smudging bound", async () => {
    const result = await combineDecryptionShares(ctx, { result: fher, committeeKeys: trio.committeeKeys, shares: [shares[2], shares[0], shares[1]] });
    const { header } = openFher(fher);
    const rows = table.features.rows;
    const bound = (op: string) =>
      Math.max(...header.entries.flatMap((e, i) => (e.op === op ? [smudgingErrorBound(3, smudgingSigma(header, i), ctx.params.polyModulusDegree, ctx.params.scale)] : [])));
    const expected = plainStats(table.features);
    assert.ok(maxAbsDiff(result.means!, expected.means) <= bound("sum") / rows + 1e-8);
    const half = table.features.cols / 2;
    const variances = varianceFromSquares(result.means!.slice(0, half), result.means!.slice(half));
    const reference = plainStats(standardize(penguins().features)).variances;
    assert.ok(maxAbsDiff(variances, reference) <= 4 * (bound("sum") / rows) + 1e-8, `variances ${variances}`);
    const scores = plainScores(table.features, [model.weights], [model.bias]);
    const scoreError = maxAbsDiff(result.scores!.data, scores);
    assert.ok(scoreError <= bound("score") + 1e-8, `score error ${scoreError} > ${bound("score")}`);
    assert.ok(scoreError > 1e-6, `score error ${scoreError}: no smudging noise`); // CKKS alone is ~1e-10 at scale 2^50
  });

  it("two inputs packed in different blocks: one pooled sum per column, decrypted by the shares to the pooled means, noise within the estimate", async () => {
    const { evaluationKeys } = readCommitteeKeys(ctx, trio.committeeKeys);
    const rowsOf = (from: number, to: number): Matrix => ({ rows: to - from, cols: table.features.cols, data: table.features.data.slice(from * table.features.cols, to * table.features.cols) });
    const fhed = await Promise.all([rowsOf(0, 124), rowsOf(124, table.features.rows)].map((features) =>
      encryptTable(ctx, { features, columns: table.columns, keys: evaluationKeys, schemaHash: SCHEMA_HASH })));
    const pooled = await computeStats(ctx, fhed, evaluationKeys, { ops: ["sum", "mean"] });
    const { header } = openFher(pooled);
    assert.deepEqual(header.datasets.map((d) => d.blockSlots), [128, 256]);
    assert.deepEqual(header.entries.map((e) => [e.op, e.dataset]), table.columns.map(() => ["sum", "all"])); // not one per input
    const pooledShares = [];
    for (const statePath of states) pooledShares.push(await shareDecryption(ctx, { statePath, committeeKeys: trio.committeeKeys, result: pooled }));
    const result = await combineDecryptionShares(ctx, { result: pooled, committeeKeys: trio.committeeKeys, shares: pooledShares });
    const bound = Math.max(...header.entries.map((_, i) => smudgingErrorBound(3, smudgingSigma(header, i), ctx.params.polyModulusDegree, ctx.params.scale)));
    const expected = plainStats(table.features);
    assert.ok(maxAbsDiff(result.sums!, expected.sums) <= bound, `sums ${result.sums} vs ${expected.sums}`);
    assert.ok(maxAbsDiff(result.means!, expected.means) <= bound / table.features.rows + 1e-8);
    const half = table.features.cols / 2;
    const variances = varianceFromSquares(result.means!.slice(0, half), result.means!.slice(half));
    assert.ok(maxAbsDiff(variances, plainStats(standardize(penguins().features)).variances) <= 4 * (bound / table.features.rows) + 1e-8);
    // The masks' noise is in the static estimate the smudging is sized from: check it against the real noise.
    const noise = resultNoise(ctx, pooled, committeeSecret(ctx, trio.members.map((m) => m.state)), (i) => {
      const slots = new Float64Array(ctx.slots); // the pooled total in slot 0, the other slots 0
      slots[0] = expected.sums[(header.entries[i] as { column: number }).column];
      return slots;
    });
    noise.forEach((e, i) => assert.ok(e <= FRESH_NOISE_BOUND * noiseAmplification(header, i), `ciphertext ${i}: noise ${e} > ${FRESH_NOISE_BOUND * noiseAmplification(header, i)}`));
  });

  it("n − 1 shares are refused, and give noise rather than the data", async () => {
    await assert.rejects(
      combineDecryptionShares(ctx, { result: fher, committeeKeys: trio.committeeKeys, shares: shares.slice(0, 2) }),
      /Missing decryption shares of member\(s\) 2/,
    );
    const i = openFher(fher).header.entries.findIndex((e) => e.op === "score");
    const expected = plainScores(table.features, [model.weights], [model.bias]);
    const all = decodeWith(ctx, fher, i, shares.map((s) => shareBlobs(s, i)));
    assert.ok(maxAbsDiff(all.slice(0, table.features.rows), expected) < 1e-2); // the control: all shares work
    const partial = decodeWith(ctx, fher, i, shares.slice(0, 2).map((s) => shareBlobs(s, i)));
    assert.ok(maxAbsDiff(partial.slice(0, table.features.rows), expected) > 1e3, "two of three shares decrypted the scores");
  });

  it("a single member holding every public file and its own secret share decrypts contributions to noise", async () => {
    const { evaluationKeys } = readCommitteeKeys(ctx, trio.committeeKeys);
    const { features, columns } = synthetic(100, 2);
    const fhed = await encryptTable(ctx, { features, columns, keys: evaluationKeys, schemaHash: SCHEMA_HASH });
    const { seal } = ctx;
    const values = withScope((scope) => {
      const ct = loadCiphertext(ctx, scope, openFhed(fhed).container.blob(0), "ciphertext", undefined);
      const sk = scope.add(new seal.SecretKey());
      sk.loadFromArray(ctx.context, secretOf(trio.members[0].state));
      const plain = scope.add(new seal.Plaintext());
      scope.add(new seal.Decryptor(ctx.context, sk)).decrypt(ct, plain);
      return ctx.encoder.decodeFloat64(plain);
    });
    const column0 = Array.from({ length: 100 }, (_, r) => features.data[r * 2]);
    assert.ok(maxAbsDiff(values.slice(0, 100), column0) > 1e3);
  });

  it("shares of another result are refused, and combined anyway give noise", async () => {
    const { evaluationKeys } = readCommitteeKeys(ctx, trio.committeeKeys);
    const other = withSquares(standardize(synthetic(342, 4, 11).features), ["beak", "depth", "flipper", "mass"]);
    const fhed = await encryptTable(ctx, { ...other, keys: evaluationKeys, schemaHash: SCHEMA_HASH });
    const otherResult = await computeStats(ctx, fhed, evaluationKeys, { ops: ["sum", "mean", "scores"], model });
    const otherShares = [];
    for (const statePath of states) otherShares.push(await shareDecryption(ctx, { statePath, committeeKeys: trio.committeeKeys, result: otherResult }));
    await assert.rejects(
      combineDecryptionShares(ctx, { result: fher, committeeKeys: trio.committeeKeys, shares: otherShares }),
      /is of another result/,
    );
    const i = openFher(fher).header.entries.findIndex((e) => e.op === "score");
    const mixed = decodeWith(ctx, fher, i, otherShares.map((s) => shareBlobs(s, i)));
    const expected = plainScores(table.features, [model.weights], [model.bias]);
    assert.ok(maxAbsDiff(mixed.slice(0, table.features.rows), expected) > 1e3);
  });

  it("a member shares a ciphertext once: a second share is refused and the state records what was shared", async () => {
    await assert.rejects(
      shareDecryption(ctx, { statePath: states[0], committeeKeys: trio.committeeKeys, result: fher }),
      /already shared ciphertext 0 of this result/,
    );
    const { header } = await readMemberState(states[0]);
    const digests = parseContainer(shares[0], "decryptionShare").header as { ciphertexts: string[] };
    assert.ok(digests.ciphertexts.every((d) => header.shared.includes(d as `0x${string}`)));
    assert.equal((await stat(states[0])).mode & 0o777, 0o600);
  });

  it("a wrong share passes the header checks but fails the decryptor's range checks", async () => {
    const forged = parseContainer(shares[1], "decryptionShare");
    const { seal } = ctx;
    const blobs = withScope((scope) => {
      const stranger = scope.add(scope.add(new seal.KeyGenerator(ctx.context)).secretKey());
      const decryptor = scope.add(new seal.Decryptor(ctx.context, stranger));
      const { header, container } = openFher(fher);
      return header.entries.map((_, i) =>
        decryptionShare(ctx, scope, decryptor, loadCiphertext(ctx, scope, container.blob(i), "ct", undefined), smudgingSigma(header, i)),
      );
    });
    const wrong = buildContainer("decryptionShare", forged.header, blobs);
    await assert.rejects(
      combineDecryptionShares(ctx, { result: fher, committeeKeys: trio.committeeKeys, shares: [shares[0], wrong, shares[2]] }),
      (error: unknown) => error instanceof FheError && /cannot be right|gives noise/.test((error as Error).message),
    );
  });

  it("a share or a state of another committee's member is refused", async () => {
    const outsider = makeCommittee(ctx, 1, `0x${"0e".repeat(32)}`);
    const outsiderState = join(dir, "outsider.state");
    await writeMemberState(outsiderState, outsider.members[0].state);
    await assert.rejects(
      shareDecryption(ctx, { statePath: outsiderState, committeeKeys: trio.committeeKeys, result: fher }),
      FheKeyMismatchError,
    );
    const { evaluationKeys } = readCommitteeKeys(ctx, outsider.committeeKeys);
    const fhed = await encryptTable(ctx, { ...table, keys: evaluationKeys, schemaHash: SCHEMA_HASH });
    const outsiderResult = await computeStats(ctx, fhed, evaluationKeys, { ops: ["sum", "mean", "scores"], model });
    const outsiderShare = await shareDecryption(ctx, { statePath: outsiderState, committeeKeys: outsider.committeeKeys, result: outsiderResult });
    await assert.rejects(
      combineDecryptionShares(ctx, { result: fher, committeeKeys: trio.committeeKeys, shares: [shares[0], outsiderShare, shares[2]] }),
      (error: unknown) => error instanceof FheKeyMismatchError && /belongs to committee 0x0e/.test((error as Error).message),
    );
  });
});

describe("committee decryption, n = 5 (fhe/multiparty)", () => {
  let ctx: FheContext;
  let dir: string;
  before(async () => {
    ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
    dir = await mkdtemp(join(tmpdir(), "2pm-committee5-"));
  });
  after(async () => {
    ctx?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("sums, means and scores of a 5,000-row table within the smudging bound, and result noise within the static estimate", async () => {
    const five = makeCommittee(ctx, 5);
    const { evaluationKeys } = readCommitteeKeys(ctx, five.committeeKeys);
    const { features, columns } = synthetic(5000, 3);
    const model = { weights: [0.5, -1.5, 0.25], bias: 0.1 };
    const fhed = await encryptTable(ctx, { features, columns, keys: evaluationKeys, schemaHash: SCHEMA_HASH });
    const fher = await computeStats(ctx, fhed, evaluationKeys, { ops: ["sum", "mean", "scores"], model });
    const shares = [];
    for (const [m, member] of five.members.entries()) {
      const statePath = join(dir, `m${m}.state`);
      await writeMemberState(statePath, member.state);
      shares.push(await shareDecryption(ctx, { statePath, committeeKeys: five.committeeKeys, result: fher }));
    }
    const result = await combineDecryptionShares(ctx, { result: fher, committeeKeys: five.committeeKeys, shares });
    const { header } = openFher(fher);
    const bound = (i: number) => smudgingErrorBound(5, smudgingSigma(header, i), ctx.params.polyModulusDegree, ctx.params.scale);
    const expected = plainStats(features);
    const sumBound = Math.max(...header.entries.flatMap((e, i) => (e.op === "sum" ? [2 * bound(i)] : []))); // 2 blocks
    assert.ok(maxAbsDiff(result.sums!, expected.sums) <= sumBound, `sums ${result.sums} vs ${expected.sums}`);
    assert.ok(maxAbsDiff(result.means!, expected.means) <= sumBound / 5000);
    const scoreBound = Math.max(...header.entries.flatMap((e, i) => (e.op === "score" ? [bound(i)] : [])));
    assert.ok(maxAbsDiff(result.scores!.data, plainScores(features, [model.weights], [model.bias])) <= scoreBound);
    // The smudging is sized from a static estimate of each ciphertext's noise: check it against the real noise.
    const secret = committeeSecret(ctx, five.members.map((m) => m.state));
    const noise = resultNoise(ctx, fher, secret, (i) => {
      const entry = header.entries[i];
      const slots = new Float64Array(ctx.slots);
      if (entry.op === "sum") {
        let sum = 0;
        for (let r = 0; r < features.rows; r++) sum += features.data[r * features.cols + entry.column];
        return slots.fill(sum);
      }
      if (entry.op !== "score") throw new Error("unexpected entry");
      for (let s = 0; s < ctx.slots; s++) {
        const r = entry.block * ctx.slots + s;
        slots[s] = model.bias + (r < features.rows ? model.weights.reduce((acc, w, c) => acc + w * features.data[r * features.cols + c], 0) : 0);
      }
      return slots;
    });
    noise.forEach((e, i) => assert.ok(e <= FRESH_NOISE_BOUND * noiseAmplification(header, i), `ciphertext ${i}: noise ${e}`));
  });
});
