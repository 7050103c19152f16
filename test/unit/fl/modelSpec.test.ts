import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidModelSpecError, paramCount, parseModelSpec, serializeModelSpec } from "../../../src/fl/index.ts";
import { baseSpec } from "./helpers.ts";


describe("parseModelSpec", () => {
  it("accepts a valid spec from an object, a JSON string and bytes, with identical results", () => {
    const a = parseModelSpec(baseSpec);
    const b = parseModelSpec(JSON.stringify(baseSpec));
    const c = parseModelSpec(new TextEncoder().encode(JSON.stringify(baseSpec)));
    assert.deepEqual(a, b);
    assert.deepEqual(a, c);
    assert.equal(paramCount(a), 4 * 3 + 3);
  });

  it("lowercases the schema hash", () => {
    const spec = parseModelSpec({ ...baseSpec, schemaHash: `0x${"AB".repeat(32)}` });
    assert.equal(spec.schemaHash, `0x${"ab".repeat(32)}`);
  });

  it("computes the MLP parameter count from the documented layout", () => {
    const spec = parseModelSpec({ ...baseSpec, model: "mlp", hidden: 10, activation: "tanh" });
    assert.equal(paramCount(spec), 10 * 4 + 10 + 3 * 10 + 3);
  });

  const bad: [string, Record<string, unknown>][] = [
    ["wrong format", { format: "2pm-model/2" }],
    ["unknown model", { model: "svm" }],
    ["mlp without hidden", { model: "mlp" }],
    ["logreg with hidden", { hidden: 4 }],
    ["duplicate features", { features: ["a", "a"] }],
    ["single class", { classes: ["only"] }],
    ["label among features", { label: "body_mass" }],
    ["zero learning rate", { learningRate: 0 }],
    ["non-integer epochs", { epochs: 1.5 }],
    ["short schema hash", { schemaHash: "0x1234" }],
    ["unknown key", { momentum: 0.9 }],
    ["overflowing fixed point", { clipNorm: 100, fixedPointScale: 2 ** 25 }],
    ["validation fraction too large", { validationFraction: 0.9 }],
  ];
  for (const [name, patch] of bad)
    it(`rejects ${name}`, () => {
      assert.throws(() => parseModelSpec({ ...baseSpec, ...patch }), InvalidModelSpecError);
    });

  it("rejects invalid JSON with a clear message", () => {
    assert.throws(() => parseModelSpec("{not json"), /not valid JSON/);
  });
});

describe("serializeModelSpec", () => {
  it("is canonical: key order does not change the bytes, and it parses back", () => {
    const reversed = Object.fromEntries(Object.entries(baseSpec).reverse());
    const a = serializeModelSpec(parseModelSpec(baseSpec));
    const b = serializeModelSpec(parseModelSpec(reversed));
    assert.deepEqual(a, b);
    assert.deepEqual(parseModelSpec(a), parseModelSpec(baseSpec));
    assert.match(new TextDecoder().decode(a), /^\{"batchSize":16,"classes":/);
  });
});
