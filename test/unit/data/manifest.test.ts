import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  DataError,
  buildManifest,
  fitStandardizer,
  labelHistogram,
  loadRows,
  loadSchema,
  manifestSchema,
  parseManifest,
  schemaHash,
  standardize,
  standardizedCsv,
  validateRows,
} from "../../../src/data/index.ts";
import { getJson, localStore, merkleRoot, putJson } from "../../../src/storage/index.ts";

async function penguins() {
  const schema = await loadSchema("schemas/penguins.schema.json");
  const rows = validateRows(await loadRows("node_modules/vega-datasets/data/penguins.json"), schema);
  const standardization = fitStandardizer(rows, schema);
  const table = standardize(rows, schema, standardization);
  return { schema, table, standardization };
}

describe("manifest", () => {
  test("labelHistogram counts rows per class in class order", async () => {
    const { table } = await penguins();
    assert.deepEqual(labelHistogram(table), [146, 68, 119]);
    assert.deepEqual(labelHistogram({ labels: new Int32Array([1, 1, 0]), classes: ["a", "b", "c"] }), [1, 2, 0]);
    assert.throws(() => labelHistogram({ labels: new Int32Array([3]), classes: ["a"] }), DataError);
  });

  test("buildManifest → putJson → getJson(manifestSchema) round trip through the local store", async () => {
    const { schema, table, standardization } = await penguins();
    const contentRoot = merkleRoot(new TextEncoder().encode(standardizedCsv(table)));
    const manifest = buildManifest({ schema, table, standardization, contentRoot });
    assert.equal(manifest.format, "2pm-manifest/1");
    assert.equal(manifest.schemaHash, schemaHash(schema));
    assert.equal(manifest.rows, 333);
    assert.deepEqual(manifest.classes, ["Adelie", "Chinstrap", "Gentoo"]);
    assert.deepEqual(manifest.labelHistogram, [146, 68, 119]);
    assert.deepEqual(manifest.encryption, { scheme: "none" });
    const dir = await mkdtemp(join(tmpdir(), "2pm-manifest-"));
    try {
      const store = localStore(dir);
      const root = await putJson(store, manifest);
      assert.deepEqual(await getJson(store, root, manifestSchema), manifest);
      assert.equal(await putJson(store, JSON.parse(JSON.stringify(manifest))), root, "same manifest, same root");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("encrypted data: CKKS parameters and no histogram when the owner opts out", async () => {
    const { schema, table, standardization } = await penguins();
    const keyId = `0x${"ab".repeat(32)}` as const;
    const manifest = buildManifest({
      schema,
      table,
      standardization,
      contentRoot: `0x${"cd".repeat(32)}`,
      encryption: { scheme: "ckks", polyModulusDegree: 8192, coeffModulusBits: [60, 40, 40, 60], scale: 2 ** 40, keyId },
      includeLabelHistogram: false,
    });
    assert.equal("labelHistogram" in manifest, false);
    assert.deepEqual(parseManifest(JSON.stringify(manifest)), manifest);
  });

  test("parseManifest names what is wrong", async () => {
    const { schema, table, standardization } = await penguins();
    const good = buildManifest({ schema, table, standardization, contentRoot: `0x${"00".repeat(32)}` });
    const cases: [object, RegExp][] = [
      [{ ...good, labelHistogram: [146, 68, 118] }, /^not a valid 2PM manifest: labelHistogram: counts must add up to rows \(333\)/],
      [{ ...good, labelHistogram: [146, 187] }, /labelHistogram: must have one count per class/],
      [{ ...good, contentRoot: "0xABC" }, /^not a valid 2PM manifest: contentRoot: must be 0x followed by 64 lowercase hex digits/],
      [{ ...good, columns: good.columns.slice(1) }, /columns: must be the standardized columns of the stats/],
      [{ ...good, format: "2pm-manifest/2" }, /format/],
      [{ ...good, rows: -1 }, /rows/],
      [{ ...good, encryption: { scheme: "tfhe" } }, /encryption/],
      [{ ...good, extra: 1 }, /extra/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => parseManifest(value), (e: unknown) => e instanceof DataError && message.test(e.shortMessage), String(message));
    }
    assert.throws(() => parseManifest("{"), /not a valid 2PM manifest: not JSON/);
  });
});
