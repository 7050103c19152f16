import assert from "node:assert/strict";
import { chmod, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { keccak256 } from "viem";
import {
  FheError,
  FheKeyMismatchError,
  evaluationKeysOf,
  exportEvaluationKeys,
  importEvaluationKeys,
  loadKeys,
  saveKeys,
} from "../../../src/fhe/index.ts";
import type { FheContext, FheKeys } from "../../../src/fhe/index.ts";
import { fheFixture, resealed } from "./helpers.ts";

describe("keys", () => {
  const fixture = fheFixture("2pm-fhe-keys-");
  let ctx: FheContext, keys: FheKeys, dir: string;
  before(() => void ({ ctx, keys, dir } = fixture));

  it("generates a key set whose keyId is keccak256 of the public key bytes", () => {
    assert.equal(keys.keyId, keccak256(keys.publicKey));
    for (const part of [keys.publicKey, keys.secretKey, keys.relinKeys, keys.galoisKeys]) {
      assert.ok(part instanceof Uint8Array && part.length > 1000);
    }
    // only the 12 power-of-two rotations: about half of SEAL's default Galois key set (~16.7 MB)
    assert.ok(keys.galoisKeys.length < 10_000_000, `galois keys ${keys.galoisKeys.length} B`);
  });

  it("saves <dir>/<keyId>/{public,secret,relin,galois}.key with mode 0600 in a 0700 directory", async () => {
    const keyDir = await saveKeys(join(dir, "keys"), keys);
    assert.equal(keyDir, join(dir, "keys", keys.keyId));
    assert.equal((await stat(keyDir)).mode & 0o777, 0o700);
    assert.deepEqual((await readdir(keyDir)).sort(), ["galois.key", "public.key", "relin.key", "secret.key"]);
    for (const name of await readdir(keyDir)) assert.equal((await stat(join(keyDir, name))).mode & 0o777, 0o600, name);
    assert.deepEqual(new Uint8Array(await readFile(join(keyDir, "secret.key"))), keys.secretKey);
    // no temp directory or file left behind
    assert.deepEqual(await readdir(join(dir, "keys")), [keys.keyId]);
  });

  it("is idempotent for the same keys and refuses to overwrite other content", async () => {
    const keyDir = await saveKeys(join(dir, "keys"), keys);
    assert.equal(keyDir, join(dir, "keys", keys.keyId));
    const forged: FheKeys = { ...keys, publicKey: keys.publicKey.slice(0, -1) };
    await assert.rejects(saveKeys(join(dir, "keys"), forged), FheKeyMismatchError);
  });

  it("loads the parts asked for and verifies the keyId against the public key", async () => {
    const loaded = await loadKeys(join(dir, "keys"), keys.keyId, ["secret", "relin"]);
    assert.equal(loaded.keyId, keys.keyId);
    assert.deepEqual(loaded.secretKey, keys.secretKey);
    assert.deepEqual(loaded.relinKeys, keys.relinKeys);
    assert.equal("galoisKeys" in loaded, false);
    const copy = join(dir, "tampered");
    const keyDir = await saveKeys(copy, keys);
    await writeFile(join(keyDir, "public.key"), keys.publicKey.slice(1));
    await assert.rejects(loadKeys(copy, keys.keyId, ["secret"]), /does not hash to/);
  });

  it("refuses a secret key file readable by others and reports missing keys clearly", async () => {
    const copy = join(dir, "perm");
    const keyDir = await saveKeys(copy, keys);
    await chmod(join(keyDir, "secret.key"), 0o644);
    await assert.rejects(loadKeys(copy, keys.keyId, ["secret"]), /chmod 600/);
    await assert.rejects(loadKeys(join(dir, "nowhere"), keys.keyId, ["public"]), (error: unknown) => {
      assert.ok(error instanceof FheError);
      assert.match(error.shortMessage, /not found/);
      return true;
    });
    await assert.rejects(loadKeys(dir, "../../etc" as `0x${string}`, ["public"]), /Invalid key id/);
  });

  it("exports an evaluation bundle that holds no secret key and imports back", () => {
    const bundle = exportEvaluationKeys(ctx, keys);
    const imported = importEvaluationKeys(ctx, bundle);
    assert.deepEqual(Object.keys(imported).sort(), ["galoisKeys", "keyId", "publicKey", "relinKeys"]);
    assert.deepEqual(imported.publicKey, keys.publicKey);
    assert.deepEqual(imported.galoisKeys, keys.galoisKeys);
    assert.equal(
      bundle.length,
      8 +
        2 +
        4 +
        new DataView(bundle.buffer).getUint32(10, true) +
        (8 + 32) * 4 + // offsets and SHA-256 digests: header + 3 parts
        keys.publicKey.length +
        keys.relinKeys.length +
        keys.galoisKeys.length,
    );
    // no 32-byte window of the serialized secret key occurs in the bundle
    const haystack = Buffer.from(bundle);
    for (let at = 64; at + 32 <= keys.secretKey.length; at += 4096) {
      assert.equal(
        haystack.indexOf(Buffer.from(keys.secretKey.subarray(at, at + 32))),
        -1,
        `secret key bytes at ${at}`,
      );
    }
    assert.equal("secretKey" in evaluationKeysOf(keys), false);
  });

  it("rejects a bundle whose keyId does not match its public key", () => {
    const bundle = exportEvaluationKeys(ctx, keys);
    const text = Buffer.from(bundle);
    const at = text.indexOf(keys.keyId.slice(2, 20));
    text[at] = text[at] === 0x30 ? 0x31 : 0x30;
    // The edit breaks the header's checksum; a writer that labelled the bundle wrongly is caught by the key hash.
    assert.throws(() => importEvaluationKeys(ctx, new Uint8Array(text)), /evaluation key bundle is corrupt: its header/);
    assert.throws(() => importEvaluationKeys(ctx, resealed(new Uint8Array(text))), /does not hash to/);
  });
});
