import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DataError,
  fitStandardizer,
  loadRows,
  loadSchema,
  parseSchema,
  standardize,
  validateRows,
  type Schema,
  type StandardizedTable,
} from "../../../src/data/index.ts";

const schema: Schema = parseSchema({
  name: "t",
  version: "1",
  fields: [
    { name: "x", type: "number", missing: "mean" },
    { name: "c", type: "category", categories: ["red", "green", "blue"], missing: "mode" },
    { name: "k", type: "number" },
    { name: "y", type: "label", categories: ["no", "yes"] },
  ],
});

function columnMoments(table: StandardizedTable, c: number): { mean: number; std: number } {
  const { rows, cols, data } = table.features;
  let s = 0;
  for (let r = 0; r < rows; r++) s += data[r * cols + c];
  const mean = s / rows;
  let v = 0;
  for (let r = 0; r < rows; r++) v += (data[r * cols + c] - mean) ** 2;
  return { mean, std: Math.sqrt(v / rows) };
}

describe("standardization", () => {
  const rows = validateRows(
    [
      { x: 1, c: "green", k: 5, y: "no" },
      { x: 2, c: "blue", k: 5, y: "yes" },
      { x: 3, c: "green", k: 5, y: "yes" },
      { x: null, c: null, k: 5, y: "no" },
    ],
    schema,
  );

  test("fits means, population stds (0 → 1), vocabularies and modes", () => {
    assert.deepEqual(fitStandardizer(rows, schema), {
      fields: [
        { name: "x", type: "number", mean: 2, std: Math.sqrt(2 / 3) },
        { name: "c", type: "category", categories: ["red", "green", "blue"], mode: "green" },
        { name: "k", type: "number", mean: 5, std: 1 },
      ],
      label: { name: "y", classes: ["no", "yes"] },
    });
  });

  test("numbers standardized, categories one-hot in vocabulary order, missing → mean / mode, labels → indices", () => {
    const stats = fitStandardizer(rows, schema);
    const table = standardize(rows, schema, stats);
    assert.deepEqual(table.columns, ["x", "c=red", "c=green", "c=blue", "k"]);
    assert.deepEqual(table.classes, ["no", "yes"]);
    assert.deepEqual([...table.labels], [0, 1, 1, 0]);
    const s = Math.sqrt(2 / 3);
    assert.deepEqual(
      Array.from({ length: 4 }, (_, r) => [...table.features.data.subarray(r * 5, r * 5 + 5)]),
      [
        [-1 / s, 0, 1, 0, 0],
        [0, 0, 0, 1, 0],
        [1 / s, 0, 1, 0, 0],
        [0, 0, 1, 0, 0],
      ],
    );
    assert.equal(table.features.rows, 4);
    assert.equal(table.features.cols, 5);
  });

  test("another party holding only the JSON stats reproduces the features bit for bit", async () => {
    const penguins = await loadSchema("schemas/penguins.schema.json");
    const valid = validateRows(await loadRows("node_modules/vega-datasets/data/penguins.json"), penguins, {});
    const stats = fitStandardizer(valid, penguins);
    const mine = standardize(valid, penguins, stats);
    const theirs = standardize(valid, penguins, JSON.parse(JSON.stringify(stats)));
    assert.deepEqual(new Uint8Array(theirs.features.data.buffer), new Uint8Array(mine.features.data.buffer));
    assert.deepEqual(fitStandardizer(valid, penguins), stats, "fitting is deterministic");
  });

  test("penguins for real: 333 × 6 features, each number column mean 0 and std 1", async () => {
    const penguins = await loadSchema("schemas/penguins.schema.json");
    const valid = validateRows(await loadRows("node_modules/vega-datasets/data/penguins.json"), penguins);
    const table = standardize(valid, penguins, fitStandardizer(valid, penguins));
    assert.deepEqual(table.columns, ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex=MALE", "Sex=FEMALE"]);
    assert.equal(table.features.rows, 333);
    for (let c = 0; c < 4; c++) {
      const { mean, std } = columnMoments(table, c);
      assert.ok(Math.abs(mean) < 1e-12 && Math.abs(std - 1) < 1e-12, `column ${c}: mean ${mean}, std ${std}`);
    }
    const { data, cols } = table.features;
    for (let r = 0; r < 333; r++) assert.equal(data[r * cols + 4] + data[r * cols + 5], 1, "exactly one Sex is hot");
    assert.deepEqual(table.classes, ["Adelie", "Chinstrap", "Gentoo"]);
  });

  test("seattle-weather for real: 1461 × 4 features, 5 classes", async () => {
    const weather = await loadSchema("schemas/seattle-weather.schema.json");
    const valid = validateRows(await loadRows("node_modules/vega-datasets/data/seattle-weather.csv"), weather);
    const table = standardize(valid, weather, fitStandardizer(valid, weather));
    assert.equal(table.features.rows, 1461);
    assert.deepEqual(table.columns, ["precipitation", "temp_max", "temp_min", "wind"]);
    for (let c = 0; c < 4; c++) assert.ok(Math.abs(columnMoments(table, c).std - 1) < 1e-12);
    assert.equal(table.labels.length, 1461);
    assert.ok(table.labels.every((k) => k >= 0 && k < 5));
  });

  test("stats that do not match the schema are refused", () => {
    const stats = fitStandardizer(rows, schema);
    const other = structuredClone(stats);
    other.fields[1] = { ...other.fields[1], name: "colour" };
    assert.throws(() => standardize(rows, schema, other), /stats do not match the schema 't': feature 2 is 'c'/);
    const reordered = structuredClone(stats);
    const cat = reordered.fields[1];
    if (cat.type === "category") cat.categories = ["blue", "green", "red"];
    assert.throws(() => standardize(rows, schema, reordered), /the categories of 'c' differ/);
  });

  test("nothing to fit is an error, not NaN stats", () => {
    assert.throws(() => fitStandardizer([], schema), DataError);
    assert.throws(() => fitStandardizer([{ x: null, c: "red", k: 1, y: "no" }], schema), /column 'x' has no values/);
  });

  test("unvalidated rows are refused by standardize", () => {
    const stats = fitStandardizer(rows, schema);
    assert.throws(() => standardize([{ x: "1", c: "red", k: 1, y: "no" }], schema, stats), /validate the rows first/);
    assert.throws(() => standardize([{ x: 1, c: "red", k: 1, y: "maybe" }], schema, stats), /not a known class/);
  });

  test("a schema without label gives empty labels and classes (a pure-statistics schema)", () => {
    const numbers = parseSchema({ name: "numbers", version: "1", fields: ["delay", "distance", "time"].map((name) => ({ name, type: "number" })) });
    const valid = validateRows([{ delay: 3, distance: 100, time: 1.5 }, { delay: -3, distance: 300, time: 2 }], numbers);
    const stats = fitStandardizer(valid, numbers);
    assert.equal(stats.label, null);
    const table = standardize(valid, numbers, stats);
    assert.deepEqual(table.classes, []);
    assert.equal(table.labels.length, 0);
    assert.deepEqual([...table.features.data.subarray(0, 3)], [1, -1, -1]);
  });
});
