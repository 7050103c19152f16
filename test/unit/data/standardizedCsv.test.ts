import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import fc from "fast-check";
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

  test("writes the bytes of the hand-written serializer it replaced (the roots of stored datasets depend on them)", () => {
    // The serializer before csv-stringify, kept as the specification of the bytes: quote a cell only when it holds a
    // comma, a quote or a line break; numbers as String(x); one "\n" after every line.
    const quote = (cell: string) => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
    const reference = (columns: string[], data: number[][], labels?: string[]) =>
      [[...columns, ...(labels ? ["label"] : [])].map(quote).join(","), ...data.map((row, r) => [...row.map(String), ...(labels ? [quote(labels[r])] : [])].join(","))].join("\n") + "\n";
    const cell = fc.string({ unit: fc.constantFrom("a", "Z", " ", ",", '"', "\n", "\r", "#", "=", "é", "-", "0") });
    fc.assert(
      fc.property(fc.uniqueArray(cell, { minLength: 1, maxLength: 4 }), fc.array(fc.double(), { maxLength: 20 }), fc.array(cell, { minLength: 1, maxLength: 3 }), fc.boolean(),
        (columns, values, classes, withLabel) => {
          const cols = columns.length;
          const rows = Math.floor(values.length / cols);
          const data = Array.from({ length: rows }, (_, r) => values.slice(r * cols, (r + 1) * cols));
          const labels = new Int32Array(withLabel ? rows : 0).map((_, r) => r % classes.length);
          const table = { columns, features: { rows, cols, data: new Float64Array(data.flat()) }, labels, classes: withLabel ? classes : [] };
          assert.equal(standardizedCsv(table), reference(columns, data, withLabel ? [...labels].map((k) => classes[k]) : undefined));
        }),
    );
  });
});
