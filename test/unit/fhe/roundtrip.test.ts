import assert from "node:assert/strict";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import {
  FheError,
  decryptTable,
  encryptTable,
  readFhedHeader,
  writeFhedFile,
} from "../../../src/fhe/index.ts";
import type { FheContext, FheKeys } from "../../../src/fhe/index.ts";
import { SCHEMA_HASH, fheFixture, maxAbsDiff, penguins, standardize, synthetic } from "./helpers.ts";

describe("encryptTable / decryptTable", () => {
  const fixture = fheFixture("2pm-fhe-rt-");
  let ctx: FheContext, keys: FheKeys, dir: string;
  before(() => void ({ ctx, keys, dir } = fixture));

  it("round-trips the penguins numeric columns within 1e-6 (raw grams need the full level)", async () => {
    const { columns, features } = penguins();
    assert.equal(features.rows, 342);
    const standardization = { note: "opaque", means: [1, 2] };
    const progress: number[] = [];
    const fhed = await encryptTable(
      ctx,
      { features, columns, keys, schemaHash: SCHEMA_HASH, standardization },
      (done, total) => {
        assert.equal(total, 1);
        progress.push(done);
      },
    );
    assert.deepEqual(progress, [1]);
    const header = await readFhedHeader(fhed);
    assert.deepEqual(
      { ...header, params: undefined },
      {
        kind: "data",
        scheme: "ckks",
        params: undefined,
        keyId: keys.keyId,
        schemaHash: SCHEMA_HASH,
        columns,
        rows: 342,
        standardization,
        slotsPerCiphertext: 4096,
        ciphertextsPerColumn: 1,
        ciphertexts: 1,
        encryption: "symmetric",
        level: "full",
        ciphertextPrimes: 3,
        sumOfSquaresGroup: 1,
        // 342 rows: the 4 columns side by side in blocks of 512 slots, one ciphertext.
        columnsPerCiphertext: 4,
        blockSlots: 512,
      },
    );
    const decrypted = await decryptTable(ctx, fhed, keys);
    assert.deepEqual(decrypted.columns, columns);
    assert.equal(decrypted.features.rows, 342);
    assert.equal(decrypted.features.cols, 4);
    assert.ok(maxAbsDiff(decrypted.features.data, features.data) < 1e-6);
  });

  it("packs a small table's columns into few ciphertexts (one block left empty) and round-trips every layout", async () => {
    for (const [rows, cols, perCiphertext, ciphertexts] of [[600, 16, 3, 6], [2048, 3, 1, 3], [1, 5, 5, 1]] as const) {
      const { columns, features } = synthetic(rows, cols);
      const packed = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
      const plain = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH, packColumns: false });
      const header = await readFhedHeader(packed);
      assert.equal(header.ciphertexts, ciphertexts, `${rows}×${cols}`);
      assert.equal(header.columnsPerCiphertext, perCiphertext > 1 ? perCiphertext : undefined, `${rows}×${cols}`);
      assert.equal((await readFhedHeader(plain)).ciphertexts, cols);
      assert.ok(packed.length < (plain.length * ciphertexts) / cols + 4096, "size follows the ciphertext count");
      for (const fhed of [packed, plain]) {
        const back = await decryptTable(ctx, fhed, keys);
        assert.ok(maxAbsDiff(back.features.data, features.data) < 1e-6, `${rows}×${cols}`);
      }
    }
  });

  it("stores standardized penguins compactly (2 primes) and still round-trips", async () => {
    const { columns, features } = penguins();
    const fhed = await encryptTable(ctx, { features: standardize(features), columns, keys, schemaHash: SCHEMA_HASH });
    const header = await readFhedHeader(fhed);
    assert.equal(header.level, "compact");
    assert.equal(header.ciphertextPrimes, 2);
    const { features: back } = await decryptTable(ctx, fhed, keys);
    assert.ok(maxAbsDiff(back.data, standardize(features).data) < 1e-6);
  });

  it("round-trips a 10,000 × 16 table within 1e-6 at ~3.1× raw per filled ciphertext", async () => {
    const { columns, features } = synthetic(10_000, 16);
    const fhed = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
    const header = await readFhedHeader(fhed);
    assert.equal(header.ciphertexts, 48);
    assert.equal(header.level, "compact");
    // 48 ciphertexts × 4096 slots of float64 = 1,572,864 B raw capacity; symmetric seeded + bit-packed ≈ 3.13×
    const perSlot = fhed.length / (48 * 4096 * 8);
    assert.ok(perSlot < 3.2, `${perSlot.toFixed(3)}× raw per slot`);
    const { features: back } = await decryptTable(ctx, fhed, keys);
    assert.ok(maxAbsDiff(back.data, features.data) < 1e-6);
  });

  it("encrypts with the public key alone (twice the size: no seed compression)", async () => {
    const { columns, features } = synthetic(500, 3, 11);
    const publicOnly = { keyId: keys.keyId, publicKey: keys.publicKey };
    const fhed = await encryptTable(ctx, { features, columns, keys: publicOnly, schemaHash: SCHEMA_HASH });
    const symmetric = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
    assert.equal((await readFhedHeader(fhed)).encryption, "public");
    assert.ok(fhed.length > 1.9 * symmetric.length && fhed.length < 2.1 * symmetric.length);
    const { features: back } = await decryptTable(ctx, fhed, keys);
    assert.ok(maxAbsDiff(back.data, features.data) < 1e-6);
  });

  it("streams to a .fhed file atomically, readable by path", async () => {
    const { columns, features } = synthetic(9000, 2, 3);
    const path = join(dir, "table.fhed");
    let calls = 0;
    const written = await writeFhedFile(ctx, path, { features, columns, keys, schemaHash: SCHEMA_HASH }, () => calls++);
    assert.equal(calls, 6);
    assert.equal((await stat(path)).size, written.bytes);
    assert.deepEqual(await readdir(dir), ["table.fhed"]);
    const header = await readFhedHeader(path);
    assert.deepEqual(header, written.header);
    assert.equal(header.ciphertextsPerColumn, 3);
    // Node Buffers (what readFile returns) work everywhere node-seal itself would reject them
    const secret = { keyId: keys.keyId, secretKey: Buffer.from(keys.secretKey) };
    const { features: back } = await decryptTable(ctx, await readFile(path), secret);
    assert.ok(maxAbsDiff(back.data, features.data) < 1e-6);
  });

  it("leaves no file behind when encryption fails midway", async () => {
    const { columns, features } = synthetic(100, 2);
    const path = join(dir, "broken.fhed");
    const badKeys = { keyId: keys.keyId, secretKey: keys.secretKey.slice(0, 500) };
    await assert.rejects(
      writeFhedFile(ctx, path, { features, columns, keys: badKeys, schemaHash: SCHEMA_HASH }),
      FheError,
    );
    assert.deepEqual(await readdir(dir), ["table.fhed"]);
  });

  it("rejects bad input with a one-line reason", async () => {
    const { columns, features } = synthetic(10, 2);
    const base = { features, columns, keys, schemaHash: SCHEMA_HASH };
    const withNaN = { ...features, data: features.data.slice() };
    withNaN.data[5] = Number.NaN;
    await assert.rejects(encryptTable(ctx, { ...base, features: withNaN }), /row 2, column "x1" is NaN/);
    await assert.rejects(encryptTable(ctx, { ...base, columns: ["a"] }), /one column name per matrix column/);
    await assert.rejects(encryptTable(ctx, { ...base, schemaHash: "0x12" }), /schemaHash/);
    await assert.rejects(encryptTable(ctx, { ...base, keys: { keyId: keys.keyId } }), /public key/);
    const huge = { ...features, data: features.data.map((x) => x * 1e6) };
    await assert.rejects(
      encryptTable(ctx, { ...base, features: huge, level: "compact" }),
      /standardize the data first or pass level: "full"/,
    );
    const enormous = { ...features, data: features.data.map((x) => x * 1e18) };
    await assert.rejects(encryptTable(ctx, { ...base, features: enormous }), /Values too large/);
  });
});
