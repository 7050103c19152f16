import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DataError, loadRows, parseRows } from "../../../src/data/index.ts";

const V = "node_modules/vega-datasets/data";

describe("loadRows", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "2pm-rows-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("reads vega-datasets seattle-weather.csv: header row, string cells", async () => {
    const rows = await loadRows(`${V}/seattle-weather.csv`);
    assert.equal(rows.length, 1461);
    assert.deepEqual(rows[0], { date: "2012-01-01", precipitation: "0.0", temp_max: "12.8", temp_min: "5.0", wind: "4.7", weather: "drizzle" });
  });

  test("reads vega-datasets penguins.json: JSON types kept, nulls included", async () => {
    const rows = await loadRows(`${V}/penguins.json`);
    assert.equal(rows.length, 344);
    assert.equal(rows[0]["Body Mass (g)"], 3750);
    assert.equal(rows[3]["Beak Length (mm)"], null);
  });

  test("malformed CSV names the file and the line", async () => {
    const path = join(dir, "data.csv");
    const lines = ["a,b", ...Array.from({ length: 10 }, (_, i) => `${i},x`), "11", "12,y"];
    await writeFile(path, lines.join("\n"));
    await assert.rejects(loadRows(path), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.shortMessage, "data.csv line 12: malformed CSV: expected 2 cells like the header, found 1");
      return true;
    });
    assert.throws(() => parseRows('a,b\n1,"2\n', { format: "csv", name: "q.csv" }), /^DataError: q\.csv line 2: malformed CSV: Quote Not Closed/);
    assert.throws(() => parseRows("a,a\n1,2\n", { format: "csv", name: "d.csv" }), /d\.csv line 1: column 'a' appears twice/);
  });

  test("CSV details: BOM, surrounding spaces and blank lines are tolerated", () => {
    assert.deepEqual(parseRows("\ufeffa, b\n 1 ,x\n\n2,y\n", { format: "csv" }), [{ a: "1", b: "x" }, { a: "2", b: "y" }]);
  });

  test("JSON that is not an array of objects is refused with the row", () => {
    assert.throws(() => parseRows('{"a":1}', { format: "json", name: "d.json" }), /^DataError: d\.json: expected a JSON array of row objects, found an object/);
    assert.throws(() => parseRows('[{"a":1}, 5]', { format: "json", name: "d.json" }), /d\.json row 2: expected an object of column values, found number 5/);
    assert.throws(() => parseRows("[{]", { format: "json", name: "d.json" }), /d\.json: not valid JSON/);
  });

  test("unknown extension and missing file", async () => {
    await assert.rejects(loadRows(join(dir, "x.parquet")), /x\.parquet: unknown data format '\.parquet': use a \.csv or \.json file/);
    await assert.rejects(loadRows(join(dir, "nope.csv")), /cannot read the data file .*nope\.csv: no such file/);
    const path = join(dir, "rows.txt");
    await writeFile(path, "a\n1\n");
    assert.deepEqual(await loadRows(path, { format: "csv" }), [{ a: "1" }]);
  });
});
