// Committee keys: SEAL layouts, key shares and their assembly, n = 1 against SEAL's own classes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FheError, FheKeyMismatchError, computeStats, createFheContext, decryptResult, encryptTable } from "../../../src/fhe/index.ts";
import type { FheContext } from "../../../src/fhe/index.ts";
import { loadCiphertext } from "../../../src/fhe/checks.ts";
import { buildContainer, parseContainer } from "../../../src/fhe/container.ts";
import { openFher } from "../../../src/fhe/resultHeader.ts";
import { withScope } from "../../../src/fhe/seal.ts";
import {
  COMMITTEE_FHE_PARAMS,
  assembleCommitteeKeys,
  generateKeyShare,
  readCommitteeKeys,
} from "../../../src/fhe/multiparty/index.ts";
import { combinedCiphertext } from "../../../src/fhe/multiparty/combineDecryptionShares.ts";
import { decryptionShare } from "../../../src/fhe/multiparty/shareDecryption.ts";
import { ciphertextWords, galoisKeyWords, plaintextWords } from "../../../src/fhe/multiparty/sealBytes.ts";
import { unpackCiphertext } from "../../../src/fhe/ciphertextCodec.ts";
import { SCHEMA_HASH, maxAbsDiff, plainStats, synthetic } from "./helpers.ts";
import { COMMITTEE_ID, makeCommittee, secretOf } from "./multipartyHelpers.ts";
import type { Committee } from "./multipartyHelpers.ts";

describe("committee keys (fhe/multiparty)", () => {
  let ctx: FheContext;
  let solo: Committee;
  let other: Committee; // another committee id
  before(async () => {
    ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
    solo = makeCommittee(ctx, 1);
  });
  after(() => ctx.dispose());

  it("parses SEAL's uncompressed secret key, public key and Galois keys at the documented offsets", () => {
    const { seal } = ctx;
    withScope((scope) => {
      const generator = scope.add(new seal.KeyGenerator(ctx.context));
      const none = seal.ComprModeType.none;
      const sk = scope.add(generator.secretKey()).saveToArray(none) as Uint8Array;
      const pk = scope.add(generator.createPublicKey()).saveToArray(none) as Uint8Array;
      const gk = scope.add(generator.createGaloisKeysWithSteps(Int32Array.from([1, 8]))).saveToArray(none) as Uint8Array;
      const n = ctx.params.polyModulusDegree;
      assert.equal(plaintextWords(sk).count, n * 4); // key level: 3 data primes + the special prime
      const pkWords = ciphertextWords(pk);
      assert.deepEqual([pkWords.size, pkWords.n, pkWords.k, pkWords.end], [2, n, 4, pk.length]);
      const keys = galoisKeyWords(gk);
      assert.equal(keys.length, 2 * 3); // two steps × one component per data prime
      assert.ok(keys.every((k) => k.count === 2 * n * 4));
      const zstd = scope.add(generator.secretKey()).saveToArray(seal.ComprModeType.zstd) as Uint8Array;
      assert.throws(() => plaintextWords(zstd), /not an uncompressed SEAL object/);
    });
  });

  it("n = 1: the collective keys are SEAL keys of the member's secret (SEAL's Encryptor, Evaluator, Decryptor)", () => {
    const { seal } = ctx;
    const { evaluationKeys } = readCommitteeKeys(ctx, solo.committeeKeys);
    withScope((scope) => {
      const pk = scope.add(new seal.PublicKey());
      pk.loadFromArray(ctx.context, evaluationKeys.publicKey);
      const gk = scope.add(new seal.GaloisKeys());
      gk.loadFromArray(ctx.context, evaluationKeys.galoisKeys);
      const sk = scope.add(new seal.SecretKey());
      sk.loadFromArray(ctx.context, secretOf(solo.members[0].state));
      const values = Float64Array.from({ length: ctx.slots }, (_, i) => Math.sin(i) * 10);
      const plain = scope.add(new seal.Plaintext());
      ctx.encoder.encode(values, ctx.params.scale, plain);
      const ct = scope.add(new seal.Ciphertext());
      scope.add(new seal.Encryptor(ctx.context, pk)).encrypt(plain, ct);
      const decryptor = scope.add(new seal.Decryptor(ctx.context, sk));
      const out = scope.add(new seal.Plaintext());
      decryptor.decrypt(ct, out);
      assert.ok(maxAbsDiff(ctx.encoder.decodeFloat64(out), values) < 1e-9);
      for (const step of [1, 64, 2048]) {
        const rotated = scope.add(new seal.Ciphertext());
        ctx.evaluator.rotateVector(ct, step, gk, rotated);
        decryptor.decrypt(rotated, out);
        const expected = values.map((_, i) => values[(i + step) % ctx.slots]);
        assert.ok(maxAbsDiff(ctx.encoder.decodeFloat64(out), expected) < 1e-6, `rotation by ${step}`);
      }
    });
  });

  it("n = 1: a committee result decrypts with the member's secret key alone, and its noise-free share is SEAL's decryption bit for bit", async () => {
    const { features, columns } = synthetic(3000, 3);
    const { evaluationKeys, keyId } = readCommitteeKeys(ctx, solo.committeeKeys);
    const fhed = await encryptTable(ctx, { features, columns, keys: evaluationKeys, schemaHash: SCHEMA_HASH });
    const fher = await computeStats(ctx, fhed, evaluationKeys, { ops: ["sum", "mean"] });
    // no relinearization key in committee mode: squares come from x² columns, not from the compute node
    await assert.rejects(computeStats(ctx, fhed, evaluationKeys, { ops: ["variance"] }), /relinearization keys/);
    const secretKey = secretOf(solo.members[0].state);
    const single = await decryptResult(ctx, fher, { keyId, secretKey });
    assert.ok(maxAbsDiff(single.means!, plainStats(features).means) < 1e-8);
    const { container } = openFher(fher);
    const { seal } = ctx;
    withScope((scope) => {
      const sk = scope.add(new seal.SecretKey());
      sk.loadFromArray(ctx.context, secretKey);
      const decryptor = scope.add(new seal.Decryptor(ctx.context, sk));
      const ct = loadCiphertext(ctx, scope, container.blob(0), "ciphertext 0", undefined);
      const share = decryptionShare(ctx, scope, decryptor, ct, 0); // σ = 0: only what the protocol never publishes
      const combined = scope.add(new seal.Ciphertext());
      combined.loadFromArray(ctx.context, unpackCiphertext(combinedCiphertext(ctx, scope, ct, [share]), "combined"));
      const viaShare = scope.add(new seal.Plaintext());
      decryptor.decrypt(combined, viaShare); // (c0 + c1·s, 0) decrypts to its c0 under any key
      const direct = scope.add(new seal.Plaintext());
      decryptor.decrypt(ct, direct);
      assert.deepEqual(viaShare.saveToArray(seal.ComprModeType.none), direct.saveToArray(seal.ComprModeType.none));
    });
  });

  it("derives the same collective key from the same shares, and another one for another committee id", () => {
    const again = assembleCommitteeKeys(ctx, [solo.members[0].keyShare]);
    assert.equal(readCommitteeKeys(ctx, again).keyId, readCommitteeKeys(ctx, solo.committeeKeys).keyId);
    other = makeCommittee(ctx, 1, `0x${"0d".repeat(32)}`);
    assert.notEqual(readCommitteeKeys(ctx, other.committeeKeys).keyId, readCommitteeKeys(ctx, solo.committeeKeys).keyId);
  });

  it("refuses incomplete, duplicated or mixed key shares", () => {
    const a = generateKeyShare(ctx, { committeeId: COMMITTEE_ID, member: 0, members: 2 });
    const b = generateKeyShare(ctx, { committeeId: COMMITTEE_ID, member: 1, members: 2 });
    const stranger = other.members[0];
    assert.throws(() => assembleCommitteeKeys(ctx, [a.keyShare]), /Missing key shares of member\(s\) 1/);
    assert.throws(() => assembleCommitteeKeys(ctx, [a.keyShare, a.keyShare]), /Two key shares for member 0/);
    assert.throws(() => assembleCommitteeKeys(ctx, [a.keyShare, stranger.keyShare]), FheKeyMismatchError);
    const keys = readCommitteeKeys(ctx, assembleCommitteeKeys(ctx, [b.keyShare, a.keyShare]));
    assert.deepEqual(keys.memberKeyShares, [a.keyShareId, b.keyShareId]);
    assert.throws(() => generateKeyShare(ctx, { committeeId: COMMITTEE_ID, member: 2, members: 2 }), FheError);
  });

  it("refuses a committee key file whose public key does not hash to its keyId", () => {
    const container = parseContainer(solo.committeeKeys, "committeeKeys");
    const header = { ...(container.header as object), keyId: `0x${"ab".repeat(32)}` };
    const lying = buildContainer("committeeKeys", header, [container.blob(0), container.blob(1)]);
    assert.throws(() => readCommitteeKeys(ctx, lying), FheKeyMismatchError);
    assert.equal(readCommitteeKeys(ctx, solo.committeeKeys).evaluationKeys.relinKeys.length, 0); // none in committee mode
  });
});
