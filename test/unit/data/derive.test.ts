import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import {
  compileExpression,
  deriveColumns,
  DeriveError,
  fitStandardizer,
  loadDerivations,
  loadRows,
  loadSchema,
  parseDerivation,
  parseExpression,
  parseRows,
  rowsCsv,
  splitByExpression,
  standardize,
  validateRows,
} from "../../../src/data/index.ts";

/** Evaluates `source` on one row whose columns are the row's keys. */
const run = (source: string, row: Record<string, unknown> = {}, rowNumber = 1) => compileExpression(source, new Set(Object.keys(row)))(row, rowNumber);
/** Asserts a DeriveError whose message matches and whose position is `position`. */
function throwsAt(fn: () => unknown, message: RegExp, position?: number, row?: number) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DeriveError, `expected a DeriveError, got ${String(error)}`);
    assert.match(error.shortMessage, message);
    assert.equal(error.position, position, `position in: ${error.shortMessage}`);
    assert.equal(error.row, row, `row in: ${error.shortMessage}`);
    assert.equal(error.shortMessage.includes("\n"), false, "one line");
    return true;
  });
}

describe("derive expressions: operators", () => {
  test("arithmetic and precedence: * / % before + -, unary minus, parentheses", () => {
    assert.equal(run("1 + 2 * 3"), 7);
    assert.equal(run("(1 + 2) * 3"), 9);
    assert.equal(run("7 % 4 - 10 / 4"), 0.5);
    assert.equal(run("-x * 2", { x: "3" }), -6);
    assert.equal(run("2 - -1"), 3);
    assert.equal(run("temp_max - temp_min", { temp_max: "12.8", temp_min: 5 }), 12.8 - 5);
  });

  test("comparisons: numeric for numbers and numeric strings, textual otherwise; == and !=", () => {
    assert.equal(run("delay > 15", { delay: "16" }), true);
    assert.equal(run("delay > 15", { delay: 15 }), false);
    assert.equal(run("delay >= 15", { delay: 15 }), true);
    assert.equal(run("delay < -1", { delay: "-2" }), true);
    assert.equal(run("delay <= 0", { delay: "1e-3" }), false);
    assert.equal(run("x == 15", { x: "15.0" }), true);
    assert.equal(run('weather == "rain"', { weather: "rain" }), true);
    assert.equal(run("weather != 'rain'", { weather: "sun" }), true);
    assert.equal(run('x == "15"', { x: "abc" }), false);
  });

  test("and / or / not, looser than comparisons; booleans and 'true'/'false' cells", () => {
    assert.equal(run("x > 1 and x < 3", { x: 2 }), true);
    assert.equal(run("x > 1 and x < 3", { x: 3 }), false);
    assert.equal(run("x < 1 or x > 3", { x: 4 }), true);
    assert.equal(run("not x > 1", { x: 2 }), false);
    assert.equal(run("not late or false", { late: "false" }), true);
    assert.equal(run("true and not false"), true);
  });

  test("a missing cell (absent, null, blank) makes the result missing", () => {
    assert.equal(run("x > 1", { x: "" }), null);
    assert.equal(run("x + 1", { x: null }), null);
    assert.equal(compileExpression("x * 2", new Set(["x"]))({}, 1), null);
    assert.equal(run("season(d)", { d: "  " }), null);
    assert.equal(run("if(c, 1, 2)", { c: "" }), null);
  });

  test("type errors name the row, the column and the position", () => {
    throwsAt(() => run("delay > 15", { delay: "abc" }, 17), /^row 17 in 'delay > 15' at position 1: 'abc' in column 'delay' is not a number$/, 1, 17);
    throwsAt(() => run("x and true", { x: 3 }, 2), /3 in column 'x' is not true or false/, 1, 2);
    throwsAt(() => run("1 / (x - 2)", { x: 2 }, 5), /division by zero/, 3, 5);
    throwsAt(() => run("5 % x", { x: 0 }, 5), /division by zero/, 3, 5);
  });
});

describe("derive expressions: functions", () => {
  test("year, month, day, hour read YYYY-MM-DD and YYYY/MM/DD hh:mm as written", () => {
    assert.deepEqual(["year", "month", "day"].map((f) => run(`${f}(date)`, { date: "2012-01-31" })), [2012, 1, 31]);
    assert.deepEqual(["year", "month", "day", "hour"].map((f) => run(`${f}(date)`, { date: "2001/01/01 06:02" })), [2001, 1, 1, 6]);
    assert.equal(run("hour(d)", { d: "2012-06-30T23:59:00Z" }), 23);
    assert.equal(run("day(d)", { d: "2012-02-29" }), 29, "leap day");
  });

  test("season is meteorological: Dec–Feb winter, Mar–May spring, Jun–Aug summer, Sep–Nov autumn", () => {
    const seasons = Array.from({ length: 12 }, (_, m) => run("season(d)", { d: `2014-${String(m + 1).padStart(2, "0")}-15` }));
    assert.deepEqual(seasons, ["winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer", "autumn", "autumn", "autumn", "winter"]);
  });

  test("dates that do not exist, non-dates and a missing time of day are errors", () => {
    throwsAt(() => run("month(d)", { d: "2013-02-29" }, 3), /'2013-02-29' in column 'd' is not a date/, 7, 3);
    throwsAt(() => run("month(d)", { d: "2013-13-01" }), /is not a date/, 7, 1);
    throwsAt(() => run("year(d)", { d: 2012 }), /2012 in column 'd' is not a date/, 6, 1);
    throwsAt(() => run("hour(d)", { d: "2012-01-01" }), /'2012-01-01' has no time of day/, 6, 1);
    throwsAt(() => run("hour(d)", { d: "2012-01-01 24:00" }), /is not a time of day/, 6, 1);
  });

  test("bucket: the index of [e_i, e_i+1), an edge belongs to the bucket above; or the given labels", () => {
    const edges = "[0, 15, 60]";
    assert.deepEqual([-1, 0, 14.9, 15, 59, 60, 1000].map((delay) => run(`bucket(delay, ${edges})`, { delay })), [0, 1, 1, 2, 2, 3, 3]);
    assert.equal(run('bucket(delay, [15, 60], ["on time", "late", "very late"])', { delay: "61" }), "very late");
    assert.equal(run("bucket(x, [-5])", { x: -6 }), 0);
  });

  test("bucket's edges and labels are checked before any row", () => {
    throwsAt(() => compileExpression("bucket(x, [15, 15])", new Set(["x"])), /edges must increase: 15 follows 15/, 11);
    throwsAt(() => compileExpression("bucket(x, [])", new Set(["x"])), /at least one edge/, 11);
    throwsAt(() => compileExpression("bucket(x, [1, y])", new Set(["x", "y"])), /an item of bucket\(\)'s edges must be a number/, 15);
    throwsAt(() => compileExpression('bucket(x, ["a"])', new Set(["x"])), /edges must be numbers/, 12);
    throwsAt(() => compileExpression("bucket(x, 5)", new Set(["x"])), /edges must be a \[list\]/, 11);
    throwsAt(() => compileExpression('bucket(x, [1], ["a"])', new Set(["x"])), /1 edge make 2 buckets, but 1 label is given/, 16);
  });

  test("map: looks up the value's text; a default for the rest; an unmapped value is an error", () => {
    const merge = 'map(weather, {drizzle: "rain", "fog": "sun", rain: "rain"}, weather)';
    assert.deepEqual(["drizzle", "fog", "rain", "snow"].map((weather) => run(merge, { weather })), ["rain", "sun", "rain", "snow"]);
    assert.equal(run("map(month(d), {1: 0.5, 12: -1})", { d: "2012-12-01" }), -1);
    throwsAt(() => run("map(x, {a: 1})", { x: "b" }, 4), /map\(\) has no entry for 'b'/, 1, 4);
    throwsAt(() => compileExpression("map(x, {a: y})", new Set(["x", "y"])), /a map value must be a number, "text", true or false/, 12);
    throwsAt(() => compileExpression("map(x, [1])", new Set(["x"])), /takes a \{key: value, …\} map/, 8);
    throwsAt(() => parseExpression("map(x, {a: 1, a: 2})"), /the key 'a' appears twice/, 15);
  });

  test("if and row()", () => {
    assert.equal(run('if(delay > 15, "late", "on time")', { delay: 20 }), "late");
    assert.equal(run('if(delay > 15, "late", "on time")', { delay: 2 }), "on time");
    assert.equal(run("row() % 10", {}, 23), 3);
  });

  test("unknown functions and wrong argument counts", () => {
    throwsAt(() => compileExpression("weekday(d)", new Set(["d"])), /unknown function 'weekday' \(functions: year, month/, 1);
    throwsAt(() => compileExpression("x + year()", new Set(["x"])), /year\(\) takes 1 argument, got 0: year\(date\)/, 5);
    throwsAt(() => compileExpression("bucket(x)", new Set(["x"])), /bucket\(\) takes 2 or 3 arguments, got 1/, 1);
  });
});

describe("derive expressions: syntax errors say where", () => {
  test("positions are 1-based characters of the expression", () => {
    throwsAt(() => parseExpression("delay >> 15"), /^in 'delay >> 15' at position 8: expected a value, found '>'$/, 8);
    throwsAt(() => parseExpression("delay = 15"), /'=' alone is not an operator: compare with ==/, 7);
    throwsAt(() => parseExpression("a && b"), /unexpected '&': write and, or, not/, 3);
    throwsAt(() => parseExpression("1 < x < 3"), /comparisons do not chain/, 7);
    throwsAt(() => parseExpression("season(date"), /expected '\)' or ',', found the end of the expression/, 12);
    throwsAt(() => parseExpression("x y"), /unexpected 'y' after a complete expression/, 3);
    throwsAt(() => parseExpression('"open'), /unclosed string/, 1);
    throwsAt(() => parseExpression(""), /expected a value, found the end/, 1);
    throwsAt(() => parseExpression("x > #"), /unexpected character '#'/, 5);
    throwsAt(() => parseExpression("a and or b"), /expected a value, found 'or'/, 7);
  });

  test("unknown columns are refused before any row, listing the columns; text needs quotes", () => {
    throwsAt(() => compileExpression("weather == rain", new Set(["weather"])), /no column 'rain' \(columns: 'weather'\); write text in "quotes"/, 12);
  });

  test("`back quotes` name columns that are not plain words", () => {
    assert.equal(run("`Body Mass (g)` / 1000", { "Body Mass (g)": 4200 }), 4.2);
    assert.equal(run("`and` + 1", { and: 1 }), 2);
  });

  test("the error's details point at the position", () => {
    try {
      parseExpression("delay >> 15");
      assert.fail("no error");
    } catch (error) {
      assert.equal((error as DeriveError).details, "delay >> 15\n       ^");
    }
  });
});

describe("derive expressions: no eval, no prototype", () => {
  test("JavaScript does not run: property access, calls of names that are not functions, code in strings", () => {
    throwsAt(() => parseExpression('constructor.constructor("return process")()'), /unexpected character '\.'/, 12);
    throwsAt(() => compileExpression("toString()", new Set()), /unknown function 'toString'/, 1);
    throwsAt(() => compileExpression("hasOwnProperty(x)", new Set(["x"])), /unknown function 'hasOwnProperty'/, 1);
    throwsAt(() => compileExpression("__proto__(x)", new Set(["x"])), /unknown function '__proto__'/, 1);
    assert.equal(run('"process.exit(1)"'), "process.exit(1)");
  });

  test("inherited names are not columns; map keys are not object properties", () => {
    throwsAt(() => compileExpression("constructor", new Set(["x"])), /no column 'constructor'/, 1);
    throwsAt(() => compileExpression("x + __proto__", new Set(["x"])), /no column '__proto__'/, 5);
    // a row without its own "x" (but with "x" on its prototype) reads x as missing
    const row = Object.create({ x: 5 }) as Record<string, unknown>;
    assert.equal(compileExpression("x + 1", new Set(["x"]))(row, 1), null);
    throwsAt(() => run("map(x, {a: 1})", { x: "constructor" }), /no entry for 'constructor'/, 1, 1);
    assert.equal(run("map(x, {constructor: 1, __proto__: 2})", { x: "__proto__" }), 2);
  });

  test("a derived column named __proto__ is a cell, not a prototype", () => {
    const rows = parseRows('[{"__proto__": 3, "x": 1}]', { format: "json" });
    const { rows: out, columns } = deriveColumns(rows, [{ name: "y", expression: "`__proto__` + x" }]);
    assert.deepEqual(columns, ["__proto__", "x", "y"]);
    assert.equal(out[0].y, 4);
    const again = deriveColumns([{ x: 1 }], [{ name: "__proto__", expression: "x" }]);
    assert.equal(Object.hasOwn(again.rows[0], "__proto__"), true);
    assert.equal(Object.getPrototypeOf(again.rows[0]), null);
    assert.equal(rowsCsv(again.columns, again.rows), "x,__proto__\n1,1\n");
  });

  test("overlong expressions are refused", () => {
    assert.throws(() => parseExpression("1+".repeat(1500) + "1"), /at most 2000 are allowed/);
  });
});

describe("deriveColumns", () => {
  test("seattle-weather: season(date) gives the calendar's day counts over 2012–2015", async () => {
    const rows = await loadRows("node_modules/vega-datasets/data/seattle-weather.csv");
    const { derived, rows: out, columns } = deriveColumns(rows, [{ name: "season", expression: "season(date)" }]);
    assert.deepEqual(columns, ["date", "precipitation", "temp_max", "temp_min", "wind", "weather", "season"]);
    // Four Januaries and Decembers (31 days) and Februaries (29 + 3·28); each spring/summer month sums to 92 days a
    // year, autumn to 91.
    assert.deepEqual(Object.fromEntries(derived[0].counts!), { winter: 4 * 31 * 2 + 29 + 3 * 28, spring: 4 * 92, summer: 4 * 92, autumn: 4 * 91 });
    assert.equal(out.length, 1461);
    assert.equal(rows[0].season, undefined, "the input rows are not changed");
  });

  test("flights: late = delay > 15 counts exactly the late flights; the label validates and standardizes", async () => {
    const rows = (await loadRows("node_modules/vega-datasets/data/flights-2k.json")) as Array<{ delay: number }>;
    const { rows: out, derived } = deriveColumns(rows, [{ name: "late", expression: "delay > 15" }]);
    const late = rows.filter((r) => r.delay > 15).length;
    assert.ok(late > 0 && late < rows.length);
    assert.deepEqual(Object.fromEntries(derived[0].counts!), { false: rows.length - late, true: late });
    // The flights schema wants delay, distance and time: flights-2k has a date instead of the time of day, so derive
    // the hour from it, and validate through the CSV the CLI writes.
    const withTime = deriveColumns(out, [{ name: "time", expression: "hour(date)" }]);
    const csv = parseRows(rowsCsv(withTime.columns, withTime.rows), { format: "csv" });
    const schema = await loadSchema("schemas/flights.schema.json");
    const valid = validateRows(csv, schema);
    const table = standardize(valid, schema, fitStandardizer(valid, schema));
    assert.deepEqual(table.classes, ["false", "true"]);
    assert.equal([...table.labels].filter((l) => l === 1).length, late);
  });

  test("later columns may use earlier ones; a name that exists is refused; the first bad row stops everything", () => {
    const rows = [{ d: "2012-01-05", t: "3" }, { d: "2012-07-05", t: "x" }];
    const first = deriveColumns(rows.slice(0, 1), [{ name: "m", expression: "month(d)" }, { name: "winter", expression: "m <= 2 or m == 12" }]);
    assert.deepEqual(first.rows[0], Object.assign(Object.create(null), { d: "2012-01-05", t: "3", m: 1, winter: true }));
    throwsAt(() => deriveColumns(rows, [{ name: "d", expression: "1" }]), /column 'd' exists already/);
    throwsAt(() => deriveColumns(rows, [{ name: "a", expression: "b" }, { name: "b", expression: "1" }]), /no column 'b'/, 1);
    throwsAt(() => deriveColumns(rows, [{ name: "hot", expression: "t > 2" }]), /^row 2 in 't > 2' at position 1: 'x' in column 't' is not a number/, 1, 2);
  });

  test("missing results are counted; more than 20 distinct values are not listed", () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ x: i === 0 ? "" : String(i) }));
    const { derived } = deriveColumns(rows, [{ name: "y", expression: "x * 2" }, { name: "big", expression: "x > 10" }]);
    assert.equal(derived[0].missing, 1);
    assert.equal(derived[0].counts, undefined);
    assert.deepEqual(derived[1].counts, [["false", 10], ["true", 19]]);
  });
});

describe("parseDerivation and derivation files", () => {
  test("name=expression, split at the first '='", () => {
    assert.deepEqual(parseDerivation("late=delay>15"), { name: "late", expression: "delay>15" });
    assert.deepEqual(parseDerivation(" is rain = weather == 'rain' "), { name: "is rain", expression: "weather == 'rain'" });
    for (const bad of ["delay>15", "a==b", "x<=1", "=1", " =1"]) assert.throws(() => parseDerivation(bad), /is not name=expression/, bad);
    assert.throws(() => parseDerivation('"a"=1'), /the name must not contain =, quotes or line breaks/);
  });

  test("a file of {columns: [{name, expression}]}, checked with zod", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "2pm-derive-"));
    const good = path.join(dir, "good.json");
    await writeFile(good, JSON.stringify({ columns: [{ name: "season", expression: "season(date)" }] }));
    assert.deepEqual(await loadDerivations(good), [{ name: "season", expression: "season(date)" }]);
    const bad = path.join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ columns: [{ name: "season", expr: "season(date)" }] }));
    await assert.rejects(loadDerivations(bad), /^DeriveError: bad\.json is not a derivation file: columns\[0\]/);
    await assert.rejects(loadDerivations(path.join(dir, "none.json")), /cannot read the derivation file/);
  });
});

describe("splitByExpression", () => {
  test("seattle-weather by season(date): four nodes in order of first appearance, every row once", async () => {
    const rows = await loadRows("node_modules/vega-datasets/data/seattle-weather.csv");
    const groups = splitByExpression(rows, "season(date)");
    assert.deepEqual([...groups.keys()], ["winter", "spring", "summer", "autumn"]);
    assert.equal([...groups.values()].reduce((n, g) => n + g.length, 0), rows.length);
    assert.ok(groups.get("summer")!.every((r) => ["06", "07", "08"].includes(String(r.date).slice(5, 7))));
  });

  test("missing values group under \"\"", () => {
    assert.deepEqual([...splitByExpression([{ x: "1" }, { x: "" }], "x > 0").keys()], ["true", ""]);
  });
});
