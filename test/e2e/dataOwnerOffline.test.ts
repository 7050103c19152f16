import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, copyFile, access, stat } from "node:fs/promises";
import path from "node:path";
import { runCli, tempHome, jsonOf, expectExit } from "../helpers/cli.ts";

const root = path.resolve(import.meta.dirname, "../..");
const schema = path.join(root, "schemas/penguins.schema.json");
const penguins = path.join(root, "node_modules/vega-datasets/data/penguins.json");
const weather = path.join(root, "node_modules/vega-datasets/data/seattle-weather.csv");
const missing = (p: string) => access(p).then(() => false, () => true);

describe("data owner CLI without a chain: keys, standardize, encrypt, decrypt", () => {
  let home: string;
  let keyId: string;
  before(async () => {
    home = await tempHome();
    keyId = jsonOf<{ keyId: string }>(expectExit(await runCli(["--json", "keys", "new"], { home }))).keyId;
  });

  it("creates keys 0600 and exports evaluation keys without the secret key", async () => {
    assert.match(keyId, /^0x[0-9a-f]{64}$/);
    const { mode } = await import("node:fs/promises").then((fs) => fs.stat(path.join(home, "keys", keyId, "secret.key")));
    assert.equal(mode & 0o777, 0o600);
    const out = path.join(home, "eval.keys");
    expectExit(await runCli(["keys", "export-eval", "--key", keyId, "--out", out], { home }));
    const bundle = await readFile(out);
    const secret = await readFile(path.join(home, "keys", keyId, "secret.key"));
    assert.equal(bundle.indexOf(secret.subarray(64, 192)), -1, "the secret key must not be in the bundle");
  });

  it("encrypts penguins and decrypts to the standardized values", async () => {
    const csv = path.join(home, "std.csv");
    const fhed = path.join(home, "p.fhed");
    const dec = path.join(home, "dec.csv");
    expectExit(await runCli(["data", "standardize", "--schema", schema, "--data", penguins, "--out", csv], { home }));
    const enc = jsonOf<{ rows: number; bytes: number }>(expectExit(await runCli(["--json", "data", "encrypt", "--schema", schema, "--data", penguins, "--key", keyId, "--out", fhed], { home })));
    assert.equal(enc.rows, 333);
    expectExit(await runCli(["data", "decrypt", "--in", fhed, "--key", keyId, "--out", dec], { home }));
    const plain = (await readFile(csv, "utf8")).trim().split("\n").slice(1).map((l) => l.split(",").slice(0, -1).map(Number));
    const back = (await readFile(dec, "utf8")).trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
    assert.equal(back.length, plain.length);
    for (let r = 0; r < plain.length; r++) for (let c = 0; c < plain[r].length; c++) assert.ok(Math.abs(back[r][c] - plain[r][c]) < 1e-6);
  });

  it("splits penguins by Island into one file per island holding exactly the original rows", async () => {
    const dir = path.join(home, "islands");
    const split = jsonOf<{ parts: Array<{ value: string; file: string; rows: number }> }>(
      expectExit(await runCli(["--json", "data", "split", "--data", penguins, "--by", "Island", "--out-dir", dir], { home })));
    assert.deepEqual(split.parts.map((p) => [p.value, path.basename(p.file), p.rows]),
      [["Torgersen", "torgersen.json", 52], ["Biscoe", "biscoe.json", 168], ["Dream", "dream.json", 124]]);
    const original = JSON.parse(await readFile(penguins, "utf8")) as Array<{ Island: string }>;
    for (const part of split.parts)
      assert.deepEqual(JSON.parse(await readFile(part.file, "utf8")), original.filter((row) => row.Island === part.value));

    const res = await runCli(["data", "split", "--data", penguins, "--by", "island", "--out-dir", path.join(home, "none")], { home });
    assert.equal(res.code, 1);
    assert.match(res.stderr.trim(), /^error: no row of .* has a field 'island'; its fields are 'Species', 'Island'/);
    assert.ok(await missing(path.join(home, "none")));
  });

  it("derives season(date), splits seattle-weather by it (or by the expression directly) into four private files", async () => {
    const out = path.join(home, "derived", "weather.csv");
    const derived = jsonOf<{ rows: number; columns: string[]; derived: Array<{ name: string; counts: Record<string, number> }> }>(
      expectExit(await runCli(["--json", "data", "derive", "--data", weather, "--column", "season=season(date)", "--column", "year = year(date)", "--out", out], { home })));
    assert.equal(derived.rows, 1461);
    assert.deepEqual(derived.columns.slice(-2), ["season", "year"]);
    // meteorological seasons over 2012–2015: 4 Dec + 4 Jan (31 days) + Feb (29 + 3 × 28); Mar–May and Jun–Aug 92 days a year, Sep–Nov 91
    assert.deepEqual(derived.derived[0].counts, { winter: 361, spring: 368, summer: 368, autumn: 364 });
    assert.equal((await stat(out)).mode & 0o777, 0o600);
    const lines = (await readFile(out, "utf8")).trim().split("\n");
    assert.equal(lines[0], "date,precipitation,temp_max,temp_min,wind,weather,season,year");
    assert.equal(lines[1], "2012-01-01,0.0,12.8,5.0,4.7,drizzle,winter,2012");

    type Split = { parts: Array<{ value: string; file: string; rows: number }> };
    const byColumn = jsonOf<Split>(expectExit(await runCli(["--json", "data", "split", "--data", out, "--by", "season", "--out-dir", path.join(home, "seasons")], { home })));
    const byExpression = jsonOf<Split>(expectExit(await runCli(["--json", "data", "split", "--data", weather, "--by", "season(date)", "--out-dir", path.join(home, "seasons2")], { home })));
    const summary = (s: Split) => s.parts.map((p) => [p.value, path.basename(p.file), p.rows]);
    assert.deepEqual(summary(byColumn), [["winter", "winter.json", 361], ["spring", "spring.json", 368], ["summer", "summer.json", 368], ["autumn", "autumn.json", 364]]);
    assert.deepEqual(summary(byExpression), summary(byColumn));
    const summer = JSON.parse(await readFile(byExpression.parts[2].file, "utf8")) as Array<{ date: string }>;
    assert.ok(summer.every((row) => /^\d{4}-0[678]-/.test(row.date)));
  });

  it("derives the flights label late = delay > 15, which the flights schema standardizes as its class", async () => {
    const sample = path.join(home, "flights-sample.json");
    const flights = (JSON.parse(await readFile(path.join(root, "node_modules/vega-datasets/data/flights-200k.json"), "utf8")) as Array<{ delay: number }>).slice(0, 400);
    await writeFile(sample, JSON.stringify(flights));
    const out = path.join(home, "flights-late.csv");
    const derived = jsonOf<{ derived: Array<{ counts: Record<string, number> }> }>(
      expectExit(await runCli(["--json", "data", "derive", "--data", sample, "--column", "late=delay>15", "--out", out], { home })));
    const late = flights.filter((f) => f.delay > 15).length;
    assert.deepEqual(derived.derived[0].counts, { false: 400 - late, true: late });
    const std = path.join(home, "flights-std.csv");
    const res = jsonOf<{ rows: number; classes: string[] }>(expectExit(await runCli(["--json", "data", "standardize", "--schema", path.join(root, "schemas/flights.schema.json"), "--data", out, "--out", std], { home })));
    assert.deepEqual([res.rows, res.classes], [400, ["false", "true"]]);
    assert.equal((await readFile(std, "utf8")).trim().split("\n").filter((l) => l.endsWith(",true")).length, late);
  });

  it("a bad derive expression is one line with its position, exit 1, and no output file", async () => {
    const out = path.join(home, "bad-derive.csv");
    const res = await runCli(["data", "derive", "--data", weather, "--column", "hot=temp_max >> 30", "--out", out], { home });
    assert.equal(res.code, 1);
    assert.equal(res.stderr, "error: in 'temp_max >> 30' at position 11: expected a value, found '>'\n");
    assert.ok(await missing(out));
  });

  it("rejects malformed CSV with one line, exit 1 and no output file", async () => {
    const bad = path.join(home, "bad.csv");
    await writeFile(bad, 'a,b\n1,"2\n');
    const out = path.join(home, "bad.fhed");
    const res = await runCli(["data", "encrypt", "--schema", schema, "--data", bad, "--key", keyId, "--out", out], { home });
    assert.equal(res.code, 1);
    assert.match(res.stderr.trim(), /^error: .*malformed CSV/);
    assert.equal(res.stderr.trim().split("\n").length, 1);
    assert.ok(await missing(out));
  });

  it("rejects a tampered .fhed (trailing bytes) and the wrong key", async () => {
    const fhed = path.join(home, "p.fhed");
    const tampered = path.join(home, "t.fhed");
    await copyFile(fhed, tampered);
    await writeFile(tampered, new Uint8Array(2), { flag: "a" });
    const res = await runCli(["data", "decrypt", "--in", tampered, "--key", keyId, "--out", path.join(home, "t.csv")], { home });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /trailing bytes/);
    assert.ok(await missing(path.join(home, "t.csv")));
    const other = await tempHome();
    const otherKey = jsonOf<{ keyId: string }>(expectExit(await runCli(["--json", "keys", "new"], { home: other }))).keyId;
    const wrong = await runCli(["data", "decrypt", "--in", fhed, "--key", otherKey, "--out", path.join(home, "w.csv")], { home: other });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /encrypted under key/);
    assert.ok(await missing(path.join(home, "w.csv")));
  });

  it("private outputs are 0600 in 0700 directories: standardize --out, decrypt --out, split", async () => {
    const dir = path.join(home, "private", "nested");
    const csv = path.join(dir, "std.csv");
    const fhed = path.join(home, "p.fhed");
    const dec = path.join(home, "private-dec", "dec.csv");
    expectExit(await runCli(["data", "standardize", "--schema", schema, "--data", penguins, "--out", csv], { home }));
    expectExit(await runCli(["data", "decrypt", "--in", fhed, "--key", keyId, "--out", dec], { home }));
    expectExit(await runCli(["data", "split", "--data", penguins, "--by", "Island", "--out-dir", path.join(home, "private-split")], { home }));
    const mode = async (p: string) => (await stat(p)).mode & 0o777;
    for (const file of [csv, dec, path.join(home, "private-split", "biscoe.json")]) assert.equal(await mode(file), 0o600, file);
    for (const d of [path.join(home, "private"), dir, path.dirname(dec), path.join(home, "private-split")]) assert.equal(await mode(d), 0o700, d);
  });

  it("says how many rows the schema's missing policy dropped", async () => {
    const human = expectExit(await runCli(["data", "standardize", "--schema", schema, "--data", penguins, "--out", path.join(home, "d.csv")], { home }));
    assert.match(human.stdout, /^333 rows × \d+ columns written to .* \(11 of 344 rows dropped by the schema's missing policy; missing: /);
    const json = jsonOf<{ rows: number; rowsRead: number; rowsDropped: number; droppedBy: Record<string, number> }>(
      expectExit(await runCli(["--json", "data", "standardize", "--schema", schema, "--data", penguins, "--out", path.join(home, "d.csv")], { home })));
    assert.deepEqual([json.rows, json.rowsRead, json.rowsDropped], [333, 344, 11]);
    assert.equal(Object.values(json.droppedBy).reduce((a, b) => a + b, 0), 11);
  });

  it("--json errors are one JSON line on stderr, usage errors too", async () => {
    const res = await runCli(["--json", "data", "split", "--data", penguins, "--by", "island", "--out-dir", path.join(home, "none")], { home });
    assert.equal(res.code, 1);
    assert.equal(res.stdout, "");
    const error = JSON.parse(res.stderr) as { error: string; kind: string };
    assert.match(error.error, /^no row of .* has a field 'island'/);
    const usage = await runCli(["--json", "data", "split", "--data", penguins], { home });
    assert.equal(usage.code, 1);
    assert.deepEqual(JSON.parse(usage.stderr), { error: "required option '--by <field>' not specified", kind: "UsageError" });
  });

  it("data register with missing deployments fails with one line", async () => {
    const empty = await tempHome("2pm-empty-root-");
    const res = await runCli(["data", "register", "--schema", schema, "--data", penguins, "--local", "-a", "1"], { home, env: { TWOPM_ROOT: empty } });
    assert.equal(res.code, 1);
    assert.equal(res.stderr.trim().split("\n").length, 1);
    assert.match(res.stderr, /deployment/i);
  });
});
