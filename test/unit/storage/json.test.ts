import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { z } from "zod/v4";
import { StorageError, getJson, localStore, merkleRoot, putJson, type LocalStore } from "../../../src/storage/index.ts";

describe("putJson / getJson", () => {
  let dir: string;
  let store: LocalStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "2pm-json-"));
    store = localStore(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("stores canonical JSON: the root does not depend on key order", async () => {
    const a = await putJson(store, { b: [1, 2], a: { y: 1n, x: "é" } });
    const b = await putJson(store, { a: { x: "é", y: 1n }, b: [1, 2] });
    assert.equal(a, b);
    assert.equal(a, merkleRoot(new TextEncoder().encode('{"a":{"x":"é","y":"1"},"b":[1,2]}')));
    assert.deepEqual(await getJson(store, a), { a: { x: "é", y: "1" }, b: [1, 2] });
  });

  test("validates with a zod schema and names the failing path", async () => {
    const schema = z.object({ rows: z.number().int(), name: z.string() });
    const good = await putJson(store, { rows: 3, name: "p" });
    const parsed: { rows: number; name: string } = await getJson(store, good, schema);
    assert.deepEqual(parsed, { rows: 3, name: "p" });
    const bad = await putJson(store, { rows: 3.5, name: "p" });
    await assert.rejects(getJson(store, bad, schema), (e: unknown) => {
      assert.ok(e instanceof StorageError);
      assert.match(e.shortMessage, new RegExp(`^object ${bad} is not the expected JSON document: rows: `));
      return true;
    });
  });

  test("an object that is not JSON is reported as such", async () => {
    const root = await store.put(new TextEncoder().encode("{not json"));
    await assert.rejects(getJson(store, root), /is not JSON/);
  });
});
