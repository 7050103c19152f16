import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, test } from "node:test";
import { readdir } from "node:fs/promises";
import { DataError, featureFieldsOf, labelFieldOf, loadSchema, parseSchema, schemaHash, type Schema } from "../../../src/data/index.ts";
import { parseModelSpec, sampleFit } from "../../../src/fl/index.ts";

/** Rebuilds every object with its keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  }
  return value;
}

describe("schemas", () => {
  for (const name of ["penguins", "seattle-weather", "flights"]) {
    test(`schemas/${name}.schema.json is valid and its hash ignores key order and formatting`, async () => {
      const path = `schemas/${name}.schema.json`;
      const schema = await loadSchema(path);
      const raw = JSON.parse(await readFile(path, "utf8"));
      const hash = schemaHash(schema);
      assert.match(hash, /^0x[0-9a-f]{64}$/);
      assert.equal(schemaHash(raw), hash, "parsing adds no defaults");
      const reversed = reverseKeys(raw) as Schema;
      assert.notEqual(JSON.stringify(reversed), JSON.stringify(raw));
      assert.equal(schemaHash(reversed), hash);
      assert.equal(schemaHash(parseSchema(JSON.parse(JSON.stringify(reversed, null, 4)))), hash);
    });
  }

  test("the hash changes with any change of content", async () => {
    const schema = await loadSchema("schemas/penguins.schema.json");
    const changed: Schema = structuredClone(schema);
    const field = changed.fields[1];
    assert.equal(field.type, "number");
    if (field.type === "number") field.max = 81;
    assert.notEqual(schemaHash(changed), schemaHash(schema));
  });

  test("penguins: Species label with 3 classes, 4 numbers, Sex category, no Island", async () => {
    const schema = await loadSchema("schemas/penguins.schema.json");
    assert.deepEqual(schema.fields.map((f) => [f.name, f.type]), [
      ["Species", "label"],
      ["Beak Length (mm)", "number"],
      ["Beak Depth (mm)", "number"],
      ["Flipper Length (mm)", "number"],
      ["Body Mass (g)", "number"],
      ["Sex", "category"],
    ]);
  });

  const base = { name: "s", version: "1", fields: [{ name: "y", type: "label", categories: ["a", "b"] }, { name: "x", type: "number" }] };
  const invalid: [string, unknown, RegExp][] = [
    ["a duplicate field", { ...base, fields: [...base.fields, { name: "x", type: "number" }] }, /fields\[2\]\.name: duplicate field name 'x'/],
    ["two labels", { ...base, fields: [...base.fields, { name: "z", type: "label", categories: ["c"] }] }, /2 label fields/],
    ["a category without categories", { ...base, fields: [{ name: "c", type: "category" }] }, /fields\[0\]\.categories/],
    ["mean imputation of a category", { ...base, fields: [{ name: "c", type: "category", categories: ["u"], missing: "mean" }] }, /fields\[0\]\.missing/],
    ["a misspelt key", { ...base, fields: [{ name: "x", type: "number", maximum: 3 }] }, /maximum/],
    ["min above max", { ...base, fields: [{ name: "x", type: "number", min: 3, max: 1 }] }, /min must be <= max/],
    ["repeated categories", { ...base, fields: [{ name: "y", type: "label", categories: ["a", "a"] }, { name: "x", type: "number" }] }, /unique/],
    ["an unknown type", { ...base, fields: [{ name: "x", type: "text" }] }, /fields\[0\]/],
    ["only a label", { ...base, fields: [base.fields[0]] }, /at least one number or category/],
  ];
  for (const [what, value, message] of invalid) {
    test(`refuses a schema with ${what}`, () => {
      assert.throws(() => parseSchema(value, "bad.schema.json"), (e: unknown) => {
        assert.ok(e instanceof DataError);
        assert.ok(e.shortMessage.startsWith("bad.schema.json is not a valid schema: "), e.shortMessage);
        assert.match(e.shortMessage, message);
        return true;
      });
    });
  }

  test("a schema file that is not JSON or not there", async () => {
    await assert.rejects(loadSchema("package-lock.json.missing"), /cannot read the schema/);
    await assert.rejects(loadSchema("tsconfig.json"), /tsconfig.json is not a valid schema/);
  });
});

describe("example specs", () => {
  test("every specs/*.json names a shipped schema by hash, with its label, classes in order and feature columns", async () => {
    const schemas = await Promise.all((await readdir("schemas")).map((f) => loadSchema(`schemas/${f}`)));
    const specs = (await readdir("specs")).filter((f) => f.endsWith(".json"));
    assert.ok(specs.includes("flights-logreg.json"));
    for (const file of specs) {
      const spec = parseModelSpec(await readFile(`specs/${file}`));
      const schema = schemas.find((s) => schemaHash(s) === spec.schemaHash);
      assert.ok(schema, `${file}: schemaHash ${spec.schemaHash} is no shipped schema's`);
      const label = labelFieldOf(schema);
      assert.equal(label?.name, spec.label, file);
      assert.deepEqual(label?.categories, spec.classes, file);
      const columns = featureFieldsOf(schema).flatMap((f) => (f.type === "number" ? [f.name] : f.categories.map((c) => `${f.name}=${c}`)));
      for (const feature of spec.features) assert.ok(columns.includes(feature), `${file}: ${feature} is not a column of ${schema.name}`);
    }
  });

  test("flights-logreg leaves delay (the label's source) out and holds 10 nodes × 20,000 rows of flights-200k", async () => {
    const spec = parseModelSpec(await readFile("specs/flights-logreg.json"));
    assert.ok(!spec.features.includes("delay"));
    const fit = sampleFit(spec, Array(10).fill(20_000));
    assert.ok(fit.fits, `capacity ${fit.capacity}`);
  });
});
