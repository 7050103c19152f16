import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { TwoPmError } from "../../../src/errors.ts";
import { packCiphertext, unpackCiphertext } from "../../../src/fhe/ciphertextCodec.ts";
import { buildContainer, parseContainer } from "../../../src/fhe/container.ts";
import {
  FheFormatError,
  FheKeyMismatchError,
  computeStats,
  createFheContext,
  decryptResult,
  decryptTable,
  encryptTable,
  evaluationKeysOf,
  generateKeys,
  readFhedHeader,
} from "../../../src/fhe/index.ts";
import type { FheContext, FhedHeader, FheKeys } from "../../../src/fhe/index.ts";
import { SCHEMA_HASH, asVersion1, resealed, synthetic } from "./helpers.ts";

/** Every failure must be a TwoPmError with a one-line shortMessage — never a raw WebAssembly.Exception. */
function isCleanError(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof TwoPmError, `expected a TwoPmError, got ${String(error)}`);
    assert.ok(!error.shortMessage.includes("\n"), error.shortMessage);
    assert.match(error.shortMessage, pattern);
    return true;
  };
}

describe(".fhed format", () => {
  let ctx: FheContext;
  let keys: FheKeys;
  let other: FheKeys;
  let fhed: Uint8Array;
  let dir: string;
  before(async () => {
    ctx = await createFheContext();
    keys = generateKeys(ctx);
    other = generateKeys(ctx);
    const { columns, features } = synthetic(5000, 2);
    fhed = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
    dir = await mkdtemp(join(tmpdir(), "2pm-fhe-fmt-"));
  });
  after(async () => {
    ctx.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("lays out magic, version, header length, JSON header, offset table, SHA-256 table, blobs", () => {
    assert.equal(Buffer.from(fhed.subarray(0, 8)).toString("latin1"), "2PMFHED\0");
    const view = new DataView(fhed.buffer, fhed.byteOffset);
    assert.equal(view.getUint16(8, true), 2);
    const headerLength = view.getUint32(10, true);
    const header = JSON.parse(Buffer.from(fhed.subarray(14, 14 + headerLength)).toString("utf8"));
    assert.equal(header.ciphertexts, 4);
    const table = 14 + headerLength;
    const offsets = Array.from({ length: 5 }, (_, i) => Number(view.getBigUint64(table + 8 * i, true)));
    const digests = table + 40;
    assert.equal(offsets[0], digests + 5 * 32);
    assert.equal(offsets[4], fhed.length);
    const sha = (b: Uint8Array) => createHash("sha256").update(b).digest();
    assert.deepEqual(sha(fhed.subarray(0, digests)), Buffer.from(fhed.subarray(digests, digests + 32)), "digest 0: the prefix");
    for (let i = 0; i < 4; i++) {
      assert.equal(fhed[offsets[i]], 1, "bit-packed codec");
      const digest = fhed.subarray(digests + 32 * (i + 1), digests + 32 * (i + 2));
      assert.deepEqual(sha(fhed.subarray(offsets[i], offsets[i + 1])), Buffer.from(digest), `digest of blob ${i}`);
    }
  });

  it("says a file with any flipped bit is corrupt, before decrypting or blaming the key", async () => {
    const evalKeys = evaluationKeysOf(keys);
    // One bit in every 7,919th byte (a prime stride: headers, tables, codec fields, coefficients, seeds).
    for (let at = 20; at < fhed.length; at += 7919) {
      const bad = fhed.slice();
      bad[at] ^= 1 << at % 8;
      const corrupt = isCleanError(/^This encrypted data file \(\.fhed\) is corrupt: (its header|ciphertext \d) does not match its SHA-256|offset table is corrupt/);
      await assert.rejects(decryptTable(ctx, bad, keys), corrupt, `byte ${at}`);
      await assert.rejects(decryptTable(ctx, bad, other), corrupt, `byte ${at}, other key`);
      await assert.rejects(computeStats(ctx, bad, evalKeys, { ops: ["sum"] }), corrupt, `byte ${at}, compute`);
    }
    const path = join(dir, "flipped.fhed");
    const header = fhed.slice();
    header[30] ^= 4;
    await writeFile(path, header);
    await assert.rejects(readFhedHeader(path), isCleanError(/is corrupt: its header does not match/));
  });

  it("still reads version 1 files (no checksums)", async () => {
    const old = asVersion1(fhed);
    assert.equal(old.length, fhed.length - 5 * 32);
    const { features } = await decryptTable(ctx, old, keys);
    const { features: current } = await decryptTable(ctx, fhed, keys);
    assert.deepEqual(features, current);
    assert.equal((await readFhedHeader(old)).rows, 5000);
  });

  it("names both keys when the file belongs to another key", async () => {
    await assert.rejects(decryptTable(ctx, fhed, other), (error: unknown) => {
      assert.ok(error instanceof FheKeyMismatchError);
      assert.equal(
        error.shortMessage,
        `This file is encrypted under key ${keys.keyId}, not ${other.keyId}; use the matching key.`,
      );
      return true;
    });
  });

  it("detects a mislabelled secret key (right keyId, other key) from the noise it decrypts to", async () => {
    await assert.rejects(
      decryptTable(ctx, fhed, { keyId: keys.keyId, secretKey: other.secretKey }),
      isCleanError(/gives noise/),
    );
  });

  it("reports truncation anywhere with a clear error", async () => {
    for (const length of [0, 5, 13, 20, 200, 1000, fhed.length - 100_000, fhed.length - 1]) {
      await assert.rejects(
        decryptTable(ctx, fhed.subarray(0, length), keys),
        isCleanError(/truncated|only \d+ bytes/),
        `length ${length}`,
      );
    }
    const path = join(dir, "cut.fhed");
    await writeFile(path, fhed.subarray(0, fhed.length - 10));
    await assert.rejects(readFhedHeader(path), isCleanError(/truncated/));
    await assert.rejects(
      decryptTable(ctx, Buffer.concat([fhed, Buffer.from([0])]), keys),
      isCleanError(/trailing bytes/),
    );
  });

  it("rejects a packed layout that does not fit (no empty block, fields apart, wrong count)", async () => {
    const packed = await encryptTable(ctx, { ...synthetic(100, 4), keys, schemaHash: SCHEMA_HASH });
    const { header, count, blob } = parseContainer(packed, "data");
    assert.deepEqual([(header as FhedHeader).columnsPerCiphertext, (header as FhedHeader).blockSlots, count], [4, 128, 1]);
    const blobs = Array.from({ length: count }, (_, i) => blob(i));
    const edited = (fields: Partial<FhedHeader>) => buildContainer("data", { ...(header as FhedHeader), ...fields }, blobs);
    await assert.rejects(readFhedHeader(edited({ blockSlots: 1024 })), isCleanError(/room for columnsPerCiphertext \+ 1 blocks/));
    await assert.rejects(readFhedHeader(edited({ blockSlots: 64 })), isCleanError(/power of two >= rows/));
    await assert.rejects(readFhedHeader(edited({ blockSlots: undefined })), isCleanError(/come together/));
    await assert.rejects(readFhedHeader(edited({ columnsPerCiphertext: 2 })), isCleanError(/⌈columns \/ columnsPerCiphertext⌉/));
  });

  it("rejects wrong magic, versions and malformed headers", async () => {
    const copy = (edit: (b: Uint8Array) => void) => {
      const b = fhed.slice();
      edit(b);
      return b;
    };
    await assert.rejects(
      decryptTable(
        ctx,
        copy((b) => (b[0] = 0x41)),
        keys,
      ),
      isCleanError(/wrong magic/),
    );
    await assert.rejects(
      decryptTable(
        ctx,
        copy((b) => (b[8] = 9)),
        keys,
      ),
      isCleanError(/version 9 is not supported \(this library reads versions 1 and 2\)/),
    );
    await assert.rejects(
      decryptTable(
        ctx,
        resealed(copy((b) => (b[14] = 0x5b))),
        keys,
      ),
      isCleanError(/not valid JSON/),
    );
    const header = Buffer.from(fhed.subarray(14, 14 + new DataView(fhed.buffer).getUint32(10, true))).toString();
    const at = 14 + header.indexOf('"rows":5000') + 7;
    await assert.rejects(
      decryptTable(
        ctx,
        resealed(copy((b) => (b[at] = 0x39))),
        keys,
      ),
      isCleanError(/ciphertextsPerColumn does not match rows/),
    );
    const fher = await computeStats(ctx, fhed, evaluationKeysOf(keys), { ops: ["sum"] });
    await assert.rejects(decryptTable(ctx, fher, keys), isCleanError(/this is an encrypted result file/));
    await assert.rejects(decryptResult(ctx, fhed, keys), isCleanError(/this is an encrypted data file/));
  });

  it("turns corrupted ciphertext bytes into an FheError, never a WASM exception", async () => {
    const view = new DataView(fhed.buffer, fhed.byteOffset);
    const table = 14 + view.getUint32(10, true);
    const blob = Number(view.getBigUint64(table + 8, true));
    const cases: [string, (b: Uint8Array) => void][] = [
      ["codec", (b) => (b[blob] = 7)],
      ["layout", (b) => (b[blob + 9] ^= 0xff)],
      ["SEAL header", (b) => (b[blob + 1 + 18 + 2 + 1] ^= 0xff)],
      ["SEAL parms_id", (b) => (b[blob + 1 + 18 + 2 + 20] ^= 0xff)],
    ];
    // Checksums recomputed (a writer's bug): the structural checks behind them still hold.
    for (const [name, edit] of cases) {
      const bad = fhed.slice();
      edit(bad);
      await assert.rejects(decryptTable(ctx, resealed(bad), keys), isCleanError(/corrupt|Corrupt|noise/), name);
    }
    // Under a valid checksum a flipped coefficient bit can decrypt (CKKS has no integrity of its own).
    const flipped = fhed.slice();
    flipped[blob + 400] ^= 0x01;
    await decryptTable(ctx, resealed(flipped), keys).catch((error: unknown) => assert.ok(error instanceof TwoPmError));
  });

  it("reads the header from a path without reading the ciphertexts", async () => {
    const path = join(dir, "ok.fhed");
    await writeFile(path, fhed);
    const header = await readFhedHeader(path);
    assert.equal(header.rows, 5000);
    assert.equal(header.keyId, keys.keyId);
    await assert.rejects(readFhedHeader(join(dir, "missing.fhed")), /ENOENT/);
  });
});

describe("ciphertext bit-packing codec", () => {
  function sealLike(k: number, n: number, words: bigint[], seedSuffix: number): Uint8Array {
    const count = words.length;
    const bytes = new Uint8Array(113 + 8 * count + seedSuffix);
    const view = new DataView(bytes.buffer);
    view.setUint16(0, 0xa15e, true);
    view.setBigUint64(8, BigInt(bytes.length), true);
    view.setBigUint64(49, 2n, true);
    view.setBigUint64(57, BigInt(n), true);
    view.setBigUint64(65, BigInt(k), true);
    view.setUint16(89, 0xa15e, true);
    view.setBigUint64(105, BigInt(count), true);
    words.forEach((w, i) => view.setBigUint64(113 + 8 * i, w, true));
    for (let i = 0; i < seedSuffix; i++) bytes[113 + 8 * count + i] = (i * 37) & 0xff;
    return bytes;
  }

  it("round-trips any words below their prime widths byte for byte", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 20, max: 60 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.infiniteStream(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
        (widths, n, seeded, stream) => {
          const k = widths.length;
          const count = seeded ? k * n : 2 * k * n;
          const random = [...stream.take(count)];
          const words = random.map((r, w) => r % (1n << BigInt(widths[Math.floor(w / n) % k])));
          const bytes = sealLike(k, n, words, seeded ? 81 : 0);
          const blob = packCiphertext(bytes, widths, () => assert.fail("should pack"));
          assert.equal(blob[0], 1);
          const expectedBits = words.reduce((s, _, w) => s + widths[Math.floor(w / n) % k], 0);
          assert.equal(blob.length, 18 + k + 113 + (seeded ? 81 : 0) + Math.ceil(expectedBits / 8));
          assert.deepEqual(unpackCiphertext(blob, "test"), bytes);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("falls back to SEAL's own bytes when a word exceeds its width or the layout is unknown", () => {
    const bytes = sealLike(1, 2, [5n, 1n << 41n], 0);
    const blob = packCiphertext(bytes, [40], () => new Uint8Array([9, 9]));
    assert.deepEqual(blob, new Uint8Array([2, 9, 9]));
    assert.deepEqual(unpackCiphertext(blob, "test"), new Uint8Array([9, 9]));
    assert.deepEqual(
      packCiphertext(new Uint8Array(10), [40], () => new Uint8Array([1])),
      new Uint8Array([2, 1]),
    );
    assert.throws(() => unpackCiphertext(new Uint8Array([1, 2, 3]), "x"), FheFormatError);
  });
});
