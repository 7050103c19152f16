import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ValidationError,
  loadRows,
  loadSchema,
  parseSchema,
  validateRows,
  type RawRow,
  type Schema,
} from "../../../src/data/index.ts";

const schema: Schema = parseSchema({
  name: "t",
  version: "1",
  fields: [
    { name: "species", type: "label", categories: ["a", "b"] },
    { name: "body_mass_g", type: "number", min: 2000, max: 7000 },
    { name: "sex", type: "category", categories: ["M", "F"], missing: "mode", missingValues: ["."] },
    { name: "beak", type: "number", missing: "mean" },
    { name: "flipper", type: "number", missing: "drop" },
  ],
});
const good = { species: "a", body_mass_g: 3000, sex: "M", beak: 40, flipper: 190 };
/** 20 good rows with `patch` applied to row `at` (1-based). */
function rowsWith(at: number, patch: RawRow): RawRow[] {
  return Array.from({ length: 20 }, (_, i) => (i + 1 === at ? { ...good, ...patch } : { ...good }));
}
function failure(rows: RawRow[], s: Schema = schema): ValidationError {
  try {
    validateRows(rows, s);
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    return e;
  }
  assert.fail("validateRows accepted invalid rows");
}

describe("validateRows", () => {
  test("converts JSON numbers and CSV strings alike and keeps only schema fields", () => {
    const fromJson = validateRows([{ ...good, extra: 1 }], schema);
    const fromCsv = validateRows([{ species: " a ", body_mass_g: "3000", sex: "M", beak: "4e1", flipper: "190.0", extra: "1" }], schema);
    assert.deepEqual(fromJson, [good]);
    assert.deepEqual(fromCsv, [good]);
  });

  const kinds: [string, RawRow, string][] = [
    ["not a number", { body_mass_g: "abc" }, "row 17, column 'body_mass_g': 'abc' is not a number"],
    ["not a number (JSON boolean)", { body_mass_g: true }, "row 17, column 'body_mass_g': true is not a number"],
    ["not a number (hex string)", { body_mass_g: "0x10" }, "row 17, column 'body_mass_g': '0x10' is not a number"],
    // JSON.parse reads 1e400 as Infinity, which JSON.stringify shows as "null": the message must not say "null".
    ["a JSON number beyond float64", JSON.parse('{"body_mass_g": 1e400}'), "row 17, column 'body_mass_g': a number beyond the float64 range (±1.8e308) is not a usable value"],
    ["below the range", { body_mass_g: 1999.5 }, "row 17, column 'body_mass_g': 1999.5 is out of range: below the minimum 2000"],
    ["above the range", { body_mass_g: "7001" }, "row 17, column 'body_mass_g': 7001 is out of range: above the maximum 7000"],
    ["unknown category", { sex: "X" }, "row 17, column 'sex': 'X' is not a known category (M, F)"],
    ["unknown class", { species: "c" }, "row 17, column 'species': 'c' is not a known class (a, b)"],
    ["missing label", { species: null }, "row 17, column 'species': missing label"],
    ["missing label (empty CSV cell)", { species: "" }, "row 17, column 'species': missing label"],
    ["missing value with policy reject", { body_mass_g: undefined }, "row 17, column 'body_mass_g': missing value (the schema's missing policy is 'reject')"],
  ];
  for (const [kind, patch, message] of kinds) {
    test(`error kind: ${kind}`, () => {
      const e = failure(rowsWith(17, patch));
      assert.equal(e.shortMessage, message);
      assert.deepEqual(e.issues, [{ row: 17, column: message.split("'")[1], message }]);
      assert.match(e.details!, /^1 problem in 20 rows:\n {2}row 17/);
    });
  }

  test("a column absent from the whole file is one problem", () => {
    const rows = rowsWith(0, {}).map(({ beak: _beak, ...rest }) => rest);
    const e = failure(rows);
    assert.match(e.shortMessage, /^column 'beak' is missing from the data \(columns found: species, body_mass_g, sex, flipper\)$/);
    assert.equal(e.issues.length, 1);
  });

  test("many problems: first in shortMessage, count and the first 10 in details", () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ ...good, body_mass_g: i % 2 ? "heavy" : 3000 }));
    const e = failure(rows);
    assert.equal(e.shortMessage, "row 2, column 'body_mass_g': 'heavy' is not a number");
    assert.equal(e.issues.length, 15);
    const lines = e.details!.split("\n");
    assert.equal(lines[0], "15 problems in 30 rows; the first 10:");
    assert.equal(lines.length, 11);
    assert.equal(lines[10], "  row 20, column 'body_mass_g': 'heavy' is not a number");
  });

  test("missing policies: drop removes the row, mean/mode leave null for the standardizer", () => {
    const dropped: [number, string][] = [];
    const rows = [{ ...good }, { ...good, flipper: null }, { ...good, beak: "", sex: "." }, { ...good, sex: null }];
    const valid = validateRows(rows, schema, { onDrop: (row, field) => dropped.push([row, field]) });
    assert.deepEqual(dropped, [[2, "flipper"]]);
    assert.equal(valid.length, 3);
    assert.deepEqual(valid[1], { ...good, beak: null, sex: null });
    assert.equal(valid[2].sex, null);
  });

  test("a dropped row with another bad cell still fails (bad data is never silently dropped)", () => {
    const e = failure(rowsWith(5, { flipper: null, body_mass_g: "x" }));
    assert.equal(e.shortMessage, "row 5, column 'body_mass_g': 'x' is not a number");
  });

  test("penguins.json quirks: nulls and '.' for Sex are missing and dropped; 333 rows remain", async () => {
    const penguins = await loadSchema("schemas/penguins.schema.json");
    const raw = await loadRows("node_modules/vega-datasets/data/penguins.json");
    const dropped: number[] = [];
    const rows = validateRows(raw, penguins, { onDrop: (row) => dropped.push(row) });
    assert.equal(rows.length, 333);
    assert.equal(dropped.length, 11);
    assert.ok(dropped.includes(raw.findIndex((r) => r.Sex === ".") + 1));
    assert.ok(rows.every((r) => r.Sex === "MALE" || r.Sex === "FEMALE"));
    assert.equal(Object.keys(rows[0]).includes("Island"), false);
  });

  test("seattle-weather.csv: all 1461 rows valid, strings become numbers", async () => {
    const weather = await loadSchema("schemas/seattle-weather.schema.json");
    const rows = validateRows(await loadRows("node_modules/vega-datasets/data/seattle-weather.csv"), weather);
    assert.equal(rows.length, 1461);
    assert.deepEqual(rows[0], { weather: "drizzle", precipitation: 0, temp_max: 12.8, temp_min: 5, wind: 4.7 });
  });
});
