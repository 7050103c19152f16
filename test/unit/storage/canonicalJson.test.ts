import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { StorageError, canonicalJson } from "../../../src/storage/index.ts";

describe("canonicalJson", () => {
  test("sorts keys at every depth and writes no whitespace", () => {
    assert.equal(canonicalJson({ b: { d: 1, c: [3, { z: 0, a: 1 }] }, a: "x" }), '{"a":"x","b":{"c":[3,{"a":1,"z":0}],"d":1}}');
  });

  test("equal values in any key order give the same string", () => {
    const a = { name: "p", fields: [{ type: "number", name: "x", min: 0 }] };
    const b = { fields: [{ min: 0, name: "x", type: "number" }], name: "p" };
    assert.equal(canonicalJson(a), canonicalJson(b));
  });

  test("bigint becomes a decimal string; typed arrays become arrays; undefined properties are omitted", () => {
    assert.equal(canonicalJson({ n: 12345678901234567890n, v: new Int32Array([1, -2]), u: undefined }), '{"n":"12345678901234567890","v":[1,-2]}');
  });

  test("escapes strings like JSON and sorts keys by UTF-16 code units", () => {
    assert.equal(canonicalJson({ "é": 1, Z: 2, a: '"\n' }), '{"Z":2,"a":"\\"\\n","é":1}');
  });

  test("refuses values JSON cannot hold instead of writing null", () => {
    for (const bad of [{ x: Number.NaN }, { x: Infinity }, [undefined], { f: () => 1 }, Symbol("s")]) {
      assert.throws(() => canonicalJson(bad), StorageError);
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => canonicalJson(cycle), /cycle/);
  });

  test("a shared (non-cyclic) sub-object is fine", () => {
    const shared = { k: 1 };
    assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"k":1},"b":{"k":1}}');
  });
});

describe("canonicalJson properties (fast-check)", () => {
  test("parses back to an equal value, and is the same for any key order", async () => {
    const reverse = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverse) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)])) : v;
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
        assert.equal(canonicalJson(reverse(value)), text);
        assert.doesNotMatch(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'), /\s/);
      }),
      { numRuns: 300 },
    );
  });
});
