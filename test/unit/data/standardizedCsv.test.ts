import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  fitStandardizer,
  loadRows,
  loadSchema,
  readStandardizedCsv,
  standardize,
  standardizedCsv,
  validateRows,
  writeStandardizedCsv,
} from "../../../src/data/index.ts";

describe("standardized CSV", () => {
  test("round trip keeps every float64 bit, the columns, and the labels", async () => {
    const schema = await loadSchema("schemas/penguins.schema.json");
    const rows = validateRows(await loadRows("node_modules/vega-datasets/data/penguins.json"), schema);
    const table = standardize(rows, schema, fitStandardizer(rows, schema));
    const dir = await mkdtemp(join(tmpdir(), "2pm-stdcsv-"));
    try {
      const path = join(dir, "train.csv");
      await writeStandardizedCsv(path, table);
      assert.deepEqual(await readdir(dir), ["train.csv"]);
      const back = await readStandardizedCsv(path, { classes: table.classes });
      assert.deepEqual(back.columns, table.columns);
      assert.deepEqual(new Uint8Array(back.features.data.buffer), new Uint8Array(table.features.data.buffer));
      assert.deepEqual(back.labels, table.labels);
      assert.equal(standardizedCsv(back), standardizedCsv(table), "deterministic bytes");
      await assert.rejects(readStandardizedCsv(path), /has a label column: pass the classes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("quotes column names that need it", () => {
    const csv = standardizedCsv({
      columns: ['a,b', 'say "hi"'],
      features: { rows: 1, cols: 2, data: new Float64Array([0.1, -2]) },
      labels: new Int32Array(0),
      classes: [],
    });
    assert.equal(csv, '"a,b","say ""hi"""\n0.1,-2\n');
  });
});
